/**
 * `npm run release:dry` (scripts/release-dry.mjs): it runs changeset status,
 * versions a throwaway copy, and lists what would be published, without
 * touching the working tree.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { listWorkspaces, publishedWorkspaces, repoRoot } from "./helpers";

/** name → version of every workspace, and the pending changeset files. */
function snapshot() {
  return {
    versions: Object.fromEntries(listWorkspaces().map((w) => [w.pkg.name, w.pkg.version])),
    changesets: readdirSync(join(repoRoot, ".changeset")).sort(),
  };
}

/** The packages a pending changeset names (front matter `"name": bump`). */
function namedInChangesets(): Set<string> {
  const names = new Set<string>();
  for (const f of readdirSync(join(repoRoot, ".changeset")).filter((f) => f.endsWith(".md") && f !== "README.md")) {
    const front = readFileSync(join(repoRoot, ".changeset", f), "utf8").split("---")[1] ?? "";
    for (const m of front.matchAll(/^\s*["']?([^"':\s]+)["']?\s*:\s*(major|minor|patch)\s*$/gm)) names.add(m[1]);
  }
  return names;
}

let before: ReturnType<typeof snapshot>;
let result: { status: number | null; stdout: string; stderr: string };

beforeAll(() => {
  before = snapshot();
  const r = spawnSync(process.execPath, [join(repoRoot, "scripts/release-dry.mjs")], { cwd: repoRoot, encoding: "utf8" });
  result = { status: r.status, stdout: r.stdout, stderr: r.stderr };
}, 180_000);

describe("npm run release:dry", () => {
  it("exits 0", () => {
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain("=== changeset version (in a throwaway copy) ===");
  });

  it("lists every published package once, with a new version for each package a changeset names", () => {
    const table = result.stdout.split("=== what would be published ===")[1].split("===")[0];
    const rows = new Map(
      table
        .split("\n")
        .map((l) => l.trim().split(/\s{2,}/))
        .filter((cells) => cells.length >= 4)
        .map((cells) => [cells[0], cells[1]]),
    );
    const ignore = (JSON.parse(readFileSync(join(repoRoot, ".changeset/config.json"), "utf8")).ignore as string[]).map((g) => new RegExp(`^${g.replace(/\*/g, ".*")}$`));
    const named = namedInChangesets();
    for (const w of publishedWorkspaces()) {
      expect(rows.has(w.pkg.name), `${w.pkg.name} in the table`).toBe(true);
      if (named.has(w.pkg.name) && !ignore.some((re) => re.test(w.pkg.name))) {
        expect(rows.get(w.pkg.name), w.pkg.name).toMatch(new RegExp(`^${w.pkg.version.replace(/\./g, "\\.")} → \\d+\\.\\d+\\.\\d+`));
      }
    }
    expect(result.stdout).toMatch(/every internal dependency range matches the new versions/);
  });

  it("leaves the working tree alone: the same versions and changeset files", () => {
    expect(snapshot()).toEqual(before);
  });
});
