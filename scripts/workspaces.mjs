// Workspace discovery shared by scripts/check-packs.mjs, scripts/release-dry.mjs
// and integration/test/pack: reads the root package.json "workspaces" (literal
// directories and "dir/*" globs) and each workspace's package.json.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";

export const repoRoot = resolve(import.meta.dirname, "..");

/** @returns {{ dir: string, rel: string, pkg: Record<string, any> }[]} every workspace, sorted by name */
export function listWorkspaces(root = repoRoot) {
  const rootPkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const out = [];
  for (const pattern of rootPkg.workspaces ?? []) {
    const rels = pattern.endsWith("/*")
      ? readdirSync(join(root, pattern.slice(0, -2)), { withFileTypes: true })
          .filter((d) => d.isDirectory())
          .map((d) => `${pattern.slice(0, -2)}/${d.name}`)
      : [pattern];
    for (const rel of rels) {
      const file = join(root, rel, "package.json");
      if (!existsSync(file)) continue;
      out.push({ dir: join(root, rel), rel, pkg: JSON.parse(readFileSync(file, "utf8")) });
    }
  }
  return out.sort((a, b) => a.pkg.name.localeCompare(b.pkg.name));
}

/** Workspaces that npm would publish (not `"private": true`). */
export function publishedWorkspaces(root = repoRoot) {
  return listWorkspaces(root).filter((w) => w.pkg.private !== true);
}

/**
 * The workspace packages a user gets when installing `names`: the names
 * themselves and, transitively, every workspace named in their
 * `dependencies`, `peerDependencies` or `optionalDependencies` (not
 * devDependencies, which an install from the registry never fetches).
 */
export function dependencyClosure(names, workspaces = listWorkspaces()) {
  const byName = new Map(workspaces.map((w) => [w.pkg.name, w]));
  const seen = new Set();
  const todo = [...names];
  while (todo.length > 0) {
    const name = todo.pop();
    if (seen.has(name)) continue;
    const ws = byName.get(name);
    if (!ws) throw new Error(`dependencyClosure: "${name}" is not a workspace of ${repoRoot}`);
    seen.add(name);
    const p = ws.pkg;
    for (const dep of Object.keys({ ...p.dependencies, ...p.peerDependencies, ...p.optionalDependencies })) {
      if (byName.has(dep)) todo.push(dep);
    }
  }
  return [...seen].sort();
}
