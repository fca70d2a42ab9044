import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";

const packageDir = join(import.meta.dirname, "..");
const distMissing = !existsSync(join(packageDir, "dist", "index.js"));
const readmeIt = distMissing
  ? (name: string, fn: () => void) => it.skip(`${name} (skipped: dist/ is missing — run \`npm run build -w @gradkit/backend\` first)`, fn)
  : it;

readmeIt("the README's first example runs and prints what its comments say", () => {
  const readme = readFileSync(join(packageDir, "README.md"), "utf8");
  const example = /```js\n([\s\S]*?)```/.exec(readme)![1]!;
  const env = { ...process.env };
  delete env.GRADKIT_BACKEND;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", example], { cwd: packageDir, encoding: "utf8", env });
  expect(out).toContain("wasm [\n  'not installed: npm i @gradkit/backend-cuda',\n  'not installed: npm i @gradkit/backend-webgpu'\n]");
  expect(out).toContain("[ 3, 3, 3, 4 ]");
  expect(out).not.toContain("Hi, looks like");
});
