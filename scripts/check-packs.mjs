#!/usr/bin/env node
// Checks what `npm pack` would put in each published workspace's tarball.
//
//   node scripts/check-packs.mjs [--only @gradkit/optim,@gradkit/tensor] [--json] [--root <monorepo>]
//
// Rules (a violation is an error, the exit code is 1):
//   - the tarball holds only package.json, README.md, CHANGELOG.md, LICENSE and
//     dist/ builds (.js ESM, .cjs CJS, .d.ts / .d.cts types): no sources, tests,
//     fixtures, configs or source maps;
//   - it has README.md, an ESM build, a CJS build and both kinds of types;
//   - package.json has an `exports` map whose "." has import and require
//     conditions with types; every file named in exports / main / module /
//     types / bin is in the tarball;
//   - every bare import in the built JavaScript is a declared dependency,
//     peerDependency or optionalDependency (a devDependency is not installed
//     for the user) and every relative import is in the tarball;
//   - @tensorflow/tfjs-core, wherever the build imports it, is a
//     peerDependency; a library (no `bin`) must not also list it in
//     dependencies, so an application holds exactly one engine;
//   - no dependency on a private workspace;
//   - `sideEffects` is set; a built register entry (dist/register.*) is listed
//     in it, and every dist file it lists exists.
// Undeclared bare imports in the .d.ts files are warnings.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import { join, posix, resolve } from "node:path";
import { listWorkspaces, repoRoot } from "./workspaces.mjs";

const TFJS_CORE = "@tensorflow/tfjs-core";
const esbuild = () => createRequire(import.meta.url)("esbuild");
const builtins = new Set(builtinModules);

function parseArgs(argv) {
  const args = { only: null, json: false, root: repoRoot };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--json") args.json = true;
    else if (argv[i] === "--only") args.only = argv[++i].split(",").filter(Boolean);
    else if (argv[i].startsWith("--only=")) args.only = argv[i].slice(7).split(",").filter(Boolean);
    else if (argv[i] === "--root") args.root = resolve(argv[++i]);
    else throw new Error(`check-packs: unknown argument "${argv[i]}" (expected --only <names>, --json or --root <dir>)`);
  }
  return args;
}

/** One `npm pack --dry-run --json` for all given workspaces. */
export function dryRunPacks(workspaces, root = repoRoot) {
  const args = ["pack", "--dry-run", "--json", "--ignore-scripts", ...workspaces.flatMap((w) => ["-w", w.rel])];
  const out = execFileSync("npm", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20 });
  const list = JSON.parse(out.slice(out.indexOf("[")));
  return new Map(list.map((entry) => [entry.name, entry]));
}

const allowedFile = (f) =>
  f === "package.json" ||
  /^(README|CHANGELOG|LICENSE|LICENCE)(\.md|\.txt)?$/i.test(f) ||
  /^dist\/.+\.(js|cjs|mjs|d\.ts|d\.cts|d\.mts|json|wasm)$/.test(f);

function forbiddenReason(f) {
  if (/\.map$/.test(f)) return "source map";
  if (/(^|\/)(test|tests|__tests__|fixtures)\//.test(f) || /\.(test|spec)\.[cm]?[jt]sx?$/.test(f)) return "test file";
  if (/^src\//.test(f) || (/\.[cm]?tsx?$/.test(f) && !/\.d\.[cm]?ts$/.test(f))) return "source file";
  if (/(^|\/)(tsconfig[^/]*\.json|tsup\.config\.[cm]?[jt]s|vitest\.config\.[cm]?[jt]s)$/.test(f)) return "build config";
  return null;
}

/** Relative file paths named anywhere in an exports value. */
function exportTargets(value, out = []) {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => exportTargets(v, out));
  else if (value && typeof value === "object") Object.values(value).forEach((v) => exportTargets(v, out));
  return out;
}

const norm = (p) => posix.normalize(p.replace(/^\.\//, ""));
const packageOf = (spec) => (spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]);
// `from "x"`, `import "x"`, `import("x")`, `require("x")` (not `obj.require("x")`).
const importRe = /(?:(?<=[\s}*]|^)from\s*|(?<![.\w$"'`])import\s*\(\s*|(?<![.\w$"'`])require\s*\(\s*|(?<![.\w$"'`])import\s+)["']([@\w.:/-][^"'\s]*)["']/gm;

function importsOf(text) {
  const specs = new Set();
  for (const m of text.matchAll(importRe)) specs.add(m[1]);
  return [...specs];
}

/** Checks one workspace against its dry-run pack entry. */
export function checkPack(ws, entry, privateNames) {
  const pkg = ws.pkg;
  const errors = [];
  const warnings = [];
  const files = entry.files.map((f) => f.path);
  const fileSet = new Set(files);
  const isApp = pkg.bin !== undefined;

  for (const f of files) {
    const why = forbiddenReason(f);
    if (why) errors.push(`${why} in the tarball: ${f}`);
    else if (!allowedFile(f)) errors.push(`unexpected file in the tarball: ${f} (expected only package.json, README, CHANGELOG, LICENSE and dist builds)`);
  }
  if (!files.some((f) => /^README(\.md)?$/i.test(f))) errors.push("README.md missing from the tarball");
  if (!files.some((f) => f.startsWith("dist/"))) {
    errors.push(`dist/ is not built (run npm run build -w ${pkg.name}), so nothing else was checked`);
    const none = { esm: false, cjs: false, dts: false, dcts: false };
    return { name: pkg.name, dir: ws.rel, files: files.length, size: entry.size, unpackedSize: entry.unpackedSize, builds: none, tfjs: "?", errors, warnings };
  }
  const has = (re) => files.some((f) => re.test(f));
  const builds = { esm: has(/^dist\/.+(?<!\.d)\.(js|mjs)$/), cjs: has(/^dist\/.+(?<!\.d)\.cjs$/), dts: has(/^dist\/.+\.d\.ts$/), dcts: has(/^dist\/.+\.d\.cts$/) };
  for (const [k, label] of [["esm", "ESM build (dist/*.js)"], ["cjs", "CJS build (dist/*.cjs)"], ["dts", "ESM types (dist/*.d.ts)"], ["dcts", "CJS types (dist/*.d.cts)"]]) {
    if (!builds[k]) errors.push(`${label} missing from the tarball (is dist built?)`);
  }

  // exports map and entry fields
  const exp = pkg.exports;
  if (!exp || typeof exp !== "object") errors.push(`package.json "exports" missing: expected a map with "." → { import: { types, default }, require: { types, default } }`);
  else {
    const dot = exp["."];
    if (!dot || typeof dot !== "object") errors.push(`exports["."] missing or a bare string: expected { import: { types, default }, require: { types, default } }, received ${JSON.stringify(dot)}`);
    else {
      for (const cond of ["import", "require"]) {
        const c = dot[cond];
        if (!c || typeof c !== "object" || typeof c.types !== "string" || typeof c.default !== "string") {
          errors.push(`exports["."].${cond} must be { types, default }, received ${JSON.stringify(c)}`);
        }
      }
    }
    if (!("./package.json" in exp)) warnings.push(`exports has no "./package.json" entry`);
    for (const target of exportTargets(exp)) {
      if (target.includes("*")) continue;
      if (!fileSet.has(norm(target))) errors.push(`exports names ${target}, which is not in the tarball`);
    }
  }
  for (const field of ["main", "module", "types", "typings"]) {
    if (typeof pkg[field] === "string" && !fileSet.has(norm(pkg[field]))) errors.push(`"${field}": ${pkg[field]} is not in the tarball`);
  }
  const bins = typeof pkg.bin === "string" ? [pkg.bin] : Object.values(pkg.bin ?? {});
  for (const b of bins) if (!fileSet.has(norm(b))) errors.push(`"bin": ${b} is not in the tarball`);

  // imports of the built files
  const deps = new Set(Object.keys(pkg.dependencies ?? {}));
  const peers = new Set(Object.keys(pkg.peerDependencies ?? {}));
  const declared = new Set([...deps, ...peers, ...Object.keys(pkg.optionalDependencies ?? {})]);
  let importsTfjs = false;
  const undeclared = new Map();
  const undeclaredTypes = new Map();
  // JavaScript: esbuild parses each built file (so import-like text in strings, e.g.
  // a scaffolder's templates, is not taken for an import) and lists its imports
  const jsFiles = files.filter((f) => /^dist\/.+\.(js|cjs|mjs)$/.test(f));
  const jsImports = new Map();
  if (jsFiles.length > 0) {
    try {
      const r = esbuild().buildSync({ absWorkingDir: ws.dir, entryPoints: jsFiles.map((f) => ({ in: f, out: f.replace(/[^\w]/g, "_") })), bundle: true, write: false, metafile: true, platform: "node", format: "esm", packages: "external", logLevel: "silent", outdir: "check-packs-out" });
      for (const [input, info] of Object.entries(r.metafile.inputs)) {
        if (!fileSet.has(input)) errors.push(`a built file imports ${input}, which is not in the tarball`);
        // "<runtime>": require(variable), a dynamic load the package resolves itself
        for (const imp of info.imports) if (imp.external && !imp.path.startsWith("<")) jsImports.set(imp.path, input);
      }
    } catch (error) {
      for (const e of error.errors ?? [{ text: String(error) }]) errors.push(`${e.location?.file ?? "dist"}: ${e.text}`);
    }
  }
  for (const [spec, f] of jsImports) {
    if (spec.startsWith("node:") || builtins.has(spec) || builtins.has(packageOf(spec))) continue;
    const name = packageOf(spec);
    if (name === TFJS_CORE) importsTfjs = true;
    if (!declared.has(name) && name !== pkg.name) undeclared.set(name, f);
  }
  // declarations: a textual scan (warnings only)
  for (const f of files.filter((f) => /^dist\/.+\.(d\.ts|d\.cts|d\.mts)$/.test(f))) {
    const isTypes = true;
    let text;
    try {
      text = readFileSync(join(ws.dir, f), "utf8");
    } catch {
      errors.push(`${f} vanished while it was being checked: is a build of ${pkg.name} running?`);
      continue;
    }
    for (const spec of importsOf(text)) {
      if (spec.startsWith(".")) {
        const target = norm(posix.join(posix.dirname(f), spec));
        const candidates = isTypes ? [target, target.replace(/\.[cm]?js$/, ".d.ts"), target.replace(/\.cjs$/, ".d.cts"), target.replace(/\.js$/, ".d.ts"), `${target}.d.ts`] : [target];
        if (!candidates.some((c) => fileSet.has(c))) (isTypes ? warnings : errors).push(`${f} imports ${spec}, which is not in the tarball`);
        continue;
      }
      if (spec.startsWith("node:") || spec.startsWith("/") || builtins.has(spec) || builtins.has(packageOf(spec))) continue;
      const name = packageOf(spec);
      if (name === TFJS_CORE && !isTypes) importsTfjs = true;
      if (!declared.has(name) && name !== pkg.name) (isTypes ? undeclaredTypes : undeclared).set(name, f);
    }
  }
  for (const [name, f] of undeclared) {
    const where = pkg.devDependencies?.[name] ? " (only a devDependency: a user's install does not have it)" : "";
    errors.push(`${f} imports "${name}", which is not in dependencies or peerDependencies${where}`);
  }
  for (const [name, f] of undeclaredTypes) warnings.push(`${f} (types) imports "${name}", which is not in dependencies or peerDependencies`);

  let tfjs = "-";
  if (importsTfjs) {
    if (peers.has(TFJS_CORE) && !deps.has(TFJS_CORE)) tfjs = "peer";
    else if (deps.has(TFJS_CORE) && isApp) tfjs = peers.has(TFJS_CORE) ? "peer+dep (app)" : "dep (app)";
    else if (deps.has(TFJS_CORE)) {
      tfjs = "dep";
      errors.push(`${TFJS_CORE} is a regular dependency of a library: move it to peerDependencies (one engine per application)`);
    } else {
      tfjs = "missing";
      errors.push(`the build imports ${TFJS_CORE} but package.json does not declare it: add it to peerDependencies`);
    }
  } else if (peers.has(TFJS_CORE)) tfjs = "peer (unused)";

  for (const name of Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies })) {
    if (privateNames.has(name)) errors.push(`depends on the private workspace ${name}, which is never published`);
  }

  // sideEffects
  const se = pkg.sideEffects;
  if (se === undefined) errors.push(`"sideEffects" missing: expected false or the list of registration entries`);
  else if (se !== false && !Array.isArray(se)) errors.push(`"sideEffects" must be false or an array, received ${JSON.stringify(se)}`);
  const seList = Array.isArray(se) ? se.map(norm) : [];
  for (const f of files.filter((f) => /^dist\/register\.(js|cjs|mjs)$/.test(f))) {
    if (!seList.includes(f)) errors.push(`${f} registers built-ins but is not listed in "sideEffects": a bundler would drop it`);
  }
  for (const f of seList.filter((f) => f.startsWith("dist/") && !f.includes("*"))) {
    if (!fileSet.has(f)) errors.push(`"sideEffects" lists ${f}, which is not in the tarball`);
  }

  return {
    name: pkg.name,
    dir: ws.rel,
    files: files.length,
    size: entry.size,
    unpackedSize: entry.unpackedSize,
    builds,
    tfjs,
    errors,
    warnings,
  };
}

const kb = (n) => `${(n / 1024).toFixed(1)} kB`;

export function formatTable(results) {
  const yn = (b) => (b ? "yes" : "NO");
  const rows = [["package", "files", "packed", "unpacked", "esm", "cjs", "d.ts", "d.cts", "tfjs-core", "result"]];
  for (const r of results) {
    rows.push([r.name, String(r.files), kb(r.size), kb(r.unpackedSize), yn(r.builds.esm), yn(r.builds.cjs), yn(r.builds.dts), yn(r.builds.dcts), r.tfjs, r.errors.length ? `${r.errors.length} error(s)` : r.warnings.length ? `ok, ${r.warnings.length} warning(s)` : "ok"]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const line = (row) => row.map((c, i) => (i >= 1 && i <= 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd();
  const out = [line(rows[0]), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)];
  const total = results.reduce((s, r) => s + r.size, 0);
  const totalUnpacked = results.reduce((s, r) => s + r.unpackedSize, 0);
  out.push(`${results.length} packages, ${kb(total)} packed, ${kb(totalUnpacked)} unpacked`);
  for (const r of results) {
    for (const e of r.errors) out.push(`error   ${r.name}: ${e}`);
    for (const w of r.warnings) out.push(`warning ${r.name}: ${w}`);
  }
  return out.join("\n");
}

export function checkPacks(only = null, root = repoRoot) {
  const all = listWorkspaces(root);
  const privateNames = new Set(all.filter((w) => w.pkg.private === true).map((w) => w.pkg.name));
  let selected = all.filter((w) => w.pkg.private !== true);
  if (only) {
    const unknown = only.filter((n) => !selected.some((w) => w.pkg.name === n));
    if (unknown.length) throw new Error(`check-packs: --only names ${unknown.join(", ")}, which are not published workspaces (expected one of ${selected.map((w) => w.pkg.name).join(", ")})`);
    selected = selected.filter((w) => only.includes(w.pkg.name));
  }
  const packs = dryRunPacks(selected, root);
  return selected.map((ws) => {
    const entry = packs.get(ws.pkg.name);
    if (!entry) throw new Error(`check-packs: npm pack printed no entry for ${ws.pkg.name}`);
    return checkPack(ws, entry, privateNames);
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = parseArgs(process.argv.slice(2));
  const results = checkPacks(args.only, args.root);
  console.log(args.json ? JSON.stringify(results, null, 2) : formatTable(results));
  process.exitCode = results.some((r) => r.errors.length > 0) ? 1 : 0;
}
