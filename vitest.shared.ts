import { readdirSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { defineConfig } from "vitest/config";

const root = resolve(import.meta.dirname);

/**
 * Tests import sibling packages from their sources, so a change in one
 * package is seen by the tests of the next without a rebuild. The packaged
 * (dist) entries are exercised by the tests that say so explicitly.
 */
function sourceAliases(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const dir of readdirSync(join(root, "packages"))) {
    const src = join(root, "packages", dir, "src", "index.ts");
    if (existsSync(src)) out[`@gradkit/${dir}`] = src;
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
