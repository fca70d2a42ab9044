import { readdirSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { defineConfig } from "vitest/config";

const root = resolve(import.meta.dirname);

/**
 * Tests import sibling packages from their sources, so a change in one
 * package is seen by the tests of the next without a rebuild. The packaged
 * (dist) entries are exercised by the tests that say so explicitly.
 */
function sourceAliases(): { find: RegExp; replacement: string }[] {
  const out: { find: RegExp; replacement: string }[] = [];
  for (const dir of readdirSync(join(root, "packages"))) {
    const src = join(root, "packages", dir, "src", "index.ts");
    if (!existsSync(src)) continue;
    // Exact names only: an object alias would also rewrite "@gradkit/x/register" to "…/index.ts/register".
    out.push({ find: new RegExp(`^@gradkit/${dir}$`), replacement: src });
    // Subpath entries ("@gradkit/backend-webgpu/register") map to the source file of the same name.
    out.push({ find: new RegExp(`^@gradkit/${dir}/([\\w-]+)$`), replacement: join(root, "packages", dir, "src", "$1.ts") });
  }
  return out;
}

export function packageConfig(dir: string) {
  return defineConfig({
    root: dir,
    resolve: { alias: sourceAliases() },
    test: {
      include: ["test/**/*.test.ts"],
      testTimeout: 120_000,
      hookTimeout: 120_000,
      pool: "forks",
      fileParallelism: false,
    },
  });
}
