import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { listWorkspaces, repoRoot, type Workspace } from "../../../scripts/workspaces.mjs";

export { dependencyClosure, listWorkspaces, publishedWorkspaces, repoRoot } from "../../../scripts/workspaces.mjs";

/** The tfjs packages a consumer installs from the npm registry beside gradkit. */
export const TFJS_VERSION = "4.22.0";

/** Names that would mean a GPU runtime (or its 100+ MB native download) was installed. */
export function isGpuRuntime(name: string): boolean {
  return name === "webgpu" || name === "@tensorflow/tfjs-backend-webgpu" || /^@tensorflow\/tfjs-node(-gpu)?$/.test(name);
}

/** Names of packages this monorepo publishes or could publish. */
export function isGradkitPackage(name: string): boolean {
  return name.startsWith("@gradkit/") || name === "create-gradkit-plugin" || name.startsWith("gradkit-plugin-");
}

function workspace(name: string, all: Workspace[]): Workspace {
  const ws = all.find((w) => w.pkg.name === name);
  if (!ws) throw new Error(`pack test: "${name}" is not a workspace (expected one of ${all.map((w) => w.pkg.name).join(", ")})`);
  return ws;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * The packed tarballs hold dist/, which turbo builds before the tests
 * (turbo.json: test depends on build). A missing build is an error naming
 * the command; a build older than its sources is a warning (another change
 * is in progress), since the tarball then tests the previous build.
 */
export function assertBuilt(names: string[]): void {
  const all = listWorkspaces();
  const missing: string[] = [];
  for (const name of names) {
    const ws = workspace(name, all);
    const dist = join(ws.dir, "dist");
    if (!existsSync(join(dist, "index.js")) || !existsSync(join(dist, "index.cjs"))) {
      missing.push(name);
      continue;
    }
    const src = join(ws.dir, "src");
    if (existsSync(src) && newestMtime(src) > statSync(join(dist, "index.js")).mtimeMs) {
      console.warn(`pack test: ${name}'s dist/ is older than its src/; the tarball holds the previous build`);
    }
  }
  if (missing.length > 0) {
    throw new Error(`pack test: dist/index.js and dist/index.cjs missing for ${missing.join(", ")}; build them first: npx turbo run build ${missing.map((n) => `--filter=${n}`).join(" ")}`);
  }
}

/** `npm pack` the named workspaces into `dest`; returns name → absolute tarball path. */
export function packTarballs(names: string[], dest: string): Map<string, string> {
  const all = listWorkspaces();
  const args = ["pack", "--json", "--ignore-scripts", "--pack-destination", dest, ...names.flatMap((n) => ["-w", workspace(n, all).rel])];
  const out = execFileSync("npm", args, { cwd: repoRoot, encoding: "utf8", env: cleanNpmEnv(), stdio: ["ignore", "pipe", "pipe"] });
  const entries = JSON.parse(out.slice(out.indexOf("["))) as Array<{ name: string; filename: string }>;
  const map = new Map(entries.map((e) => [e.name, join(dest, e.filename)]));
  for (const n of names) if (!map.has(n) || !existsSync(map.get(n)!)) throw new Error(`pack test: npm pack made no tarball for ${n} in ${dest}`);
  return map;
}

/**
 * The environment for a child npm: without the npm_* variables of the npm
 * that runs this test (npm run test sets npm_config_local_prefix, npm_package_*
 * …, which would point the child at the monorepo), keeping the cache, the
 * registry and the user config so that every install shares one cache.
 */
export function cleanNpmEnv(): NodeJS.ProcessEnv {
  const keep = new Set(["npm_config_cache", "npm_config_registry", "npm_config_userconfig"]);
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) && !keep.has(k.toLowerCase())) continue;
    if (k === "INIT_CWD") continue;
    env[k] = v;
  }
  env.npm_config_update_notifier = "false";
  return env;
}

/**
 * A fresh consumer project: `direct` gradkit packages from their tarballs,
 * every other package of `closure` forced to its tarball through
 * `overrides` (so npm never asks the registry for an @gradkit package), and
 * tfjs-core + the CPU backend from the registry.
 */
export function writeConsumer(dir: string, direct: string[], closure: string[], tarballs: Map<string, string>, files: Record<string, string>): void {
  const spec = (n: string) => {
    const t = tarballs.get(n);
    if (!t) throw new Error(`pack test: no tarball for ${n}`);
    return `file:${t}`;
  };
  const pkg = {
    name: "gradkit-selective-install-consumer",
    version: "1.0.0",
    private: true,
    dependencies: {
      "@tensorflow/tfjs-core": TFJS_VERSION,
      "@tensorflow/tfjs-backend-cpu": TFJS_VERSION,
      ...Object.fromEntries(direct.map((n) => [n, spec(n)])),
    },
    overrides: Object.fromEntries(closure.filter((n) => !direct.includes(n)).map((n) => [n, spec(n)])),
  };
  writeFileSync(join(dir, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
}

export function npmInstall(dir: string): void {
  const r = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], { cwd: dir, encoding: "utf8", env: cleanNpmEnv() });
  if (r.status !== 0) throw new Error(`pack test: npm install in ${dir} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
}

export interface InstalledPackage {
  name: string;
  version: string;
  /** The lockfile's "resolved": a file: tarball or a registry URL. */
  resolved: string;
  /** node_modules path inside the project. */
  path: string;
}

/** Every package of the installed tree, nested ones included, from package-lock.json. */
export function installedTree(dir: string): InstalledPackage[] {
  const lock = JSON.parse(readFileSync(join(dir, "package-lock.json"), "utf8")) as { packages: Record<string, { version?: string; resolved?: string; link?: boolean }> };
  const out: InstalledPackage[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === "") continue;
    const name = path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
    out.push({ name, version: entry.version ?? "", resolved: entry.resolved ?? "", path });
  }
  return out;
}

/** Runs `node file` in dir; returns the JSON printed after "RESULT ". */
export function runNode(dir: string, file: string): any {
  const r = spawnSync(process.execPath, [file], { cwd: dir, encoding: "utf8", env: cleanNpmEnv() });
  if (r.status !== 0) throw new Error(`pack test: node ${file} in ${dir} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  const line = r.stdout.split("\n").find((l) => l.startsWith("RESULT "));
  if (!line) throw new Error(`pack test: node ${file} printed no RESULT line:\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(line.slice("RESULT ".length));
}

/** The repository's TypeScript compiler on a consumer project; returns the files it read (--listFiles). */
export function typecheck(dir: string, tsconfig: string): string[] {
  const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");
  const r = spawnSync(process.execPath, [tsc, "-p", tsconfig, "--noEmit", "--listFiles"], { cwd: dir, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`pack test: tsc -p ${tsconfig} in ${dir} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout.split("\n").filter(Boolean);
}
