import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";

const packageDir = join(import.meta.dirname, "..");
const distMissing = !existsSync(join(packageDir, "dist", "index.js"));
const readmeIt = distMissing
  ? (name: string, fn: () => void) => it.skip(`${name} (skipped: dist/ is missing — run \`npm run build -w @gradkit/registry\` first)`, fn)
  : it;

readmeIt("the README's first example runs and prints what its comments say", () => {
  const readme = readFileSync(join(packageDir, "README.md"), "utf8");
  const example = /```js\n([\s\S]*?)```/.exec(readme)![1]!;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", example], { cwd: packageDir, encoding: "utf8" });
  expect(out).toContain("0.5\n");
  expect(out).toContain("Invalid options for optimizer 'sgd' (1 problem):\n  - lr: expected number > 0, received -1");
});
