#!/usr/bin/env node
// What a release would publish, without touching the working tree.
//
//   node scripts/release-dry.mjs [--keep] [--skip-status]      (npm run release:dry)
//
// 1. `changeset status --verbose` in the repository: the pending changesets
//    and the bump each package gets.
// 2. A throwaway copy under os.tmpdir() of what `changeset version` reads and
//    writes (root package.json, .changeset/, and per workspace package.json,
//    README, CHANGELOG and the built dist/), with node_modules linked to the
//    repository's. There `changeset version` applies the changesets: new
//    versions, CHANGELOG.md entries, updated internal dependency ranges.
// 3. For every published workspace: old → new version, the head of its new
//    CHANGELOG.md and what `npm publish --dry-run` would upload (files,
//    packed size).
// 4. Every internal dependency range after versioning is checked against the
//    new versions: a range that no longer matches would make npm fetch the
//    old version from the registry instead of linking the workspace (exit 1).
//
// The copy is deleted at the end (--keep leaves it and prints its path).
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listWorkspaces, repoRoot } from "./workspaces.mjs";

const require = createRequire(import.meta.url);
const semver = require("semver");
const changesetBin = join(repoRoot, "node_modules", "@changesets", "cli", "bin.js");

const args = new Set(process.argv.slice(2));
for (const a of args) if (!["--keep", "--skip-status"].includes(a)) throw new Error(`release-dry: unknown argument "${a}" (expected --keep or --skip-status)`);

function run(cmd, argv, cwd) {
  const r = spawnSync(cmd, argv, { cwd, encoding: "utf8", env: { ...process.env, npm_config_update_notifier: "false" } });
  if (r.status !== 0) throw new Error(`release-dry: ${cmd} ${argv.join(" ")} (in ${cwd}) failed with exit ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout + r.stderr;
}

function section(title) {
  console.log(`\n=== ${title} ===`);
}

/** The first release section of a CHANGELOG.md: from the first "## " heading to the next. */
function changelogHead(text) {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.startsWith("## "));
  if (start < 0) return "";
  const end = lines.findIndex((l, i) => i > start && l.startsWith("## "));
  return lines.slice(start, end < 0 ? undefined : end).join("\n").trim();
}

const workspaces = listWorkspaces();
const published = workspaces.filter((w) => w.pkg.private !== true);

if (!args.has("--skip-status")) {
  section("changeset status --verbose");
  // status compares with the base branch through git; a clone without it (a
  // detached CI checkout) still gets the plan from `changeset version` below
  try {
    process.stdout.write(run(process.execPath, [changesetBin, "status", "--verbose"], repoRoot));
  } catch (error) {
    console.error(`release-dry: changeset status failed, continuing with changeset version: ${error.message.split("\n").slice(0, 4).join(" ")}`);
  }
}

const config = JSON.parse(readFileSync(join(repoRoot, ".changeset", "config.json"), "utf8"));
const ignoredRe = (config.ignore ?? []).map((g) => new RegExp(`^${g.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`));
for (const w of published) {
  if (ignoredRe.some((re) => re.test(w.pkg.name))) {
    console.error(`release-dry: warning: ${w.pkg.name} is ignored by .changeset/config.json but not "private": changeset publish would still publish it at ${w.pkg.version}`);
  }
}

const tmp = mkdtempSync(join(tmpdir(), "gradkit-release-dry-"));
let failed = false;
try {
  // the copy
  cpSync(join(repoRoot, "package.json"), join(tmp, "package.json"));
  cpSync(join(repoRoot, ".changeset"), join(tmp, ".changeset"), { recursive: true });
  symlinkSync(join(repoRoot, "node_modules"), join(tmp, "node_modules"), "dir");
  for (const ws of workspaces) {
    const to = join(tmp, ws.rel);
    mkdirSync(to, { recursive: true });
    for (const f of ["package.json", "README.md", "CHANGELOG.md", "LICENSE"]) {
      if (existsSync(join(ws.dir, f))) cpSync(join(ws.dir, f), join(to, f));
    }
    if (existsSync(join(ws.dir, "dist"))) cpSync(join(ws.dir, "dist"), join(to, "dist"), { recursive: true });
  }

  section("changeset version (in a throwaway copy)");
  process.stdout.write(run(process.execPath, [changesetBin, "version"], tmp));

  // new versions and changelogs
  const after = new Map(listWorkspaces(tmp).map((w) => [w.pkg.name, w]));
  const publish = JSON.parse(
    (() => {
      const out = run("npm", ["publish", "--dry-run", "--json", "--ignore-scripts", "--tag", "dry-run", ...published.flatMap((w) => ["-w", w.rel])], tmp);
      return out.slice(out.indexOf("{"), out.lastIndexOf("}") + 1);
    })(),
  );

  section("what would be published");
  const rows = [["package", "version", "files", "packed", "changelog"]];
  for (const ws of published) {
    const now = after.get(ws.pkg.name);
    const entry = publish[ws.pkg.name];
    const changelog = existsSync(join(now.dir, "CHANGELOG.md")) ? changelogHead(readFileSync(join(now.dir, "CHANGELOG.md"), "utf8")) : "";
    const bumped = now.pkg.version !== ws.pkg.version;
    rows.push([
      ws.pkg.name,
      bumped ? `${ws.pkg.version} → ${now.pkg.version}` : `${ws.pkg.version} (unchanged)`,
      entry ? String(entry.files.length) : "?",
      entry ? `${(entry.size / 1024).toFixed(1)} kB` : "?",
      changelog ? changelog.split("\n")[0] : "-",
    ]);
    if (!entry) {
      console.error(`release-dry: npm publish --dry-run printed nothing for ${ws.pkg.name}`);
      failed = true;
    }
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const [i, r] of rows.entries()) {
    console.log(r.map((c, j) => c.padEnd(widths[j])).join("  ").trimEnd());
    if (i === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
  }
  console.log(`${published.length} published packages, ${rows.filter((r) => r[1].includes("→")).length} with a new version`);

  section("changelog heads");
  for (const ws of published) {
    const file = join(after.get(ws.pkg.name).dir, "CHANGELOG.md");
    if (!existsSync(file)) continue;
    const head = changelogHead(readFileSync(file, "utf8"));
    const lines = head.split("\n");
    console.log(`--- ${ws.pkg.name}`);
    console.log(lines.slice(0, 8).map((l) => (l.length > 160 ? `${l.slice(0, 157)}...` : l)).join("\n") + (lines.length > 8 ? `\n  (${lines.length - 8} more lines)` : ""));
  }

  section("internal dependency ranges after versioning");
  const problems = [];
  for (const w of after.values()) {
    for (const field of ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"]) {
      for (const [dep, range] of Object.entries(w.pkg[field] ?? {})) {
        const target = after.get(dep);
        if (!target || range === "*" || range.startsWith("workspace:") || range.startsWith("file:")) continue;
        if (!semver.satisfies(target.pkg.version, range)) {
          problems.push(`${w.pkg.name} (${w.rel}) ${field}: ${dep}@"${range}" no longer matches the workspace's ${target.pkg.version}; npm would fetch ${dep}@${range} from the registry`);
        }
      }
    }
  }
  if (problems.length === 0) console.log("every internal dependency range matches the new versions");
  else {
    failed = true;
    for (const p of problems) console.error(`error ${p}`);
  }
} finally {
  if (args.has("--keep")) console.log(`\nrelease-dry: the versioned copy is in ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
