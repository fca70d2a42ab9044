import { describe, expect, it } from "vitest";
import { backendsReport, renderBackends, renderEntries } from "@gradkit/cli";
import { machineWithoutCuda, PREFERENCE } from "./fakes.js";

/** The table's data rows, as arrays of trimmed cells (first line of each row only). */
function cells(table: string): string[][] {
  return table
    .split("\n")
    .filter((line) => line.startsWith("│"))
    .map((line) => line.split("│").slice(1, -1).map((c) => c.trim()));
}

describe("renderBackends", () => {
  it("renders one row per provider, marks the chosen one, and ends with why", async () => {
    const text = renderBackends(await backendsReport(machineWithoutCuda(), PREFERENCE, {}), { columns: 120 });
    const rows = cells(text);
    expect(rows[0]).toEqual(["", "#", "backend", "kind", "status", "device", "reason"]);
    expect(rows.filter((r) => r[2] !== "").map((r) => r.slice(0, 5))).toEqual([
      ["", "#", "backend", "kind", "status"],
      ["", "1", "cuda", "gpu", "unavailable"],
      ["▶", "2", "webgpu", "gpu", "available"],
      ["", "3", "wasm", "cpu", "available"],
      ["", "4", "cpu", "cpu", "available"],
    ]);
    expect(text).toContain("SwiftShader Device (Subzero)");
    expect(text).toContain("@tensorflow/tfjs-node-gpu is not installed");
    expect(text.trimEnd().split("\n").at(-1)).toBe(
      "webgpu would be chosen: first available in the preference order cuda > webgpu > wasm > cpu.",
    );
    // No colour codes: output is safe to pipe.
    expect(text.includes("\u001b")).toBe(false);
  });

  it("wraps long reasons to the terminal width", async () => {
    const text = renderBackends(await backendsReport(machineWithoutCuda(), PREFERENCE, {}), { columns: 80 });
    const tableLines = text.split("\n").filter((l) => /^[│┌├└]/.test(l));
    expect(Math.max(...tableLines.map((l) => [...l].length))).toBeLessThanOrEqual(80);
  });

  it("marks a missing provider and says when nothing would be chosen", async () => {
    const report = await backendsReport(machineWithoutCuda().slice(0, 1), ["cuda", "cpu"], { GRADKIT_BACKEND: "cuda" });
    const text = renderBackends(report);
    expect(cells(text)[1]!.slice(0, 5)).toEqual(["", "1", "cuda", "-", "not installed"]);
    expect(text).not.toContain("▶");
    expect(text.trimEnd().split("\n").at(-1)).toBe("no backend would be chosen: nothing in GRADKIT_BACKEND=cuda is available.");
  });
});

describe("renderEntries", () => {
  it("renders kind, name, plugin and description", () => {
    const text = renderEntries([
      { kind: "optimizer", name: "adamw", description: "Adam with decoupled weight decay", tags: [] },
      { kind: "optimizer", name: "lion", description: "Lion", tags: [], plugin: "gradkit-plugin-lion" },
    ]);
    expect(cells(text)).toEqual([
      ["kind", "name", "plugin", "description"],
      ["optimizer", "adamw", "", "Adam with decoupled weight decay"],
      ["optimizer", "lion", "gradkit-plugin-lion", "Lion"],
    ]);
  });

  it("renders nothing for no entries", () => {
    expect(renderEntries([])).toBe("");
  });
});
