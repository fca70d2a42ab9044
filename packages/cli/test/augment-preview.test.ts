import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

const run = (args: string[]) => runCli(args);

describe("gradkit augment-preview", () => {
  it("writes a PNG grid of one seeded batch under a JSON policy, on the cpu backend", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gradkit-aug-"));
    const out = join(dir, "grid.png");
    const policy = JSON.stringify([{ name: "randomCrop", padding: 2 }, "horizontalFlip"]);
    const first = await run(["augment-preview", "--policy", policy, "--out", out, "--seed", "3", "--count", "4", "--size", "8", "--backend", "cpu"]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/wrote .*grid\.png: 4 images 8×8×3 under sequence, seed 3, on cpu/);
    const bytes = readFileSync(out);
    expect([...bytes.subarray(1, 4)].map((b) => String.fromCharCode(b)).join("")).toBe("PNG");
    const again = join(dir, "again.png");
    await run(["augment-preview", "--policy", policy, "--out", again, "--seed", "3", "--count", "4", "--size", "8", "--backend", "cpu"]);
    expect(readFileSync(again).equals(bytes)).toBe(true);
  });

  it("an unknown policy name fails with the registry's did-you-mean, exit code 1", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gradkit-aug-"));
    const r = await run(["augment-preview", "--policy", "autoAugmnt", "--out", join(dir, "x.png"), "--backend", "cpu"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/autoAugment/);
  });
});
