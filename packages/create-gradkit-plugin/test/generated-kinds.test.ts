/**
 * Generates one plugin of every kind into test/generated/ (inside the repo,
 * so @gradkit/*, tfjs and zod resolve), type-checks all of them with the
 * repo's TypeScript against the workspace packages' sources, and runs each
 * generated test/conformance.test.ts in this process: importing them here
 * declares their describe blocks in this file.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { isAbsolute, join, relative, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generatePlugin, PLUGIN_KINDS } from "../src/index.js";

const here = import.meta.dirname;
const root = join(here, "generated");
rmSync(root, { recursive: true, force: true });
for (const kind of PLUGIN_KINDS) generatePlugin({ dir: join(root, kind), kind, name: `gen-${kind}`, layout: "gradkit-repo" });

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("generated plugins", () => {
  it("type-check against the workspace packages (tsc, strict)", () => {
    // Each @gradkit package's built types where it has them (fast), else its sources; the testkit always from source.
    const packages = join(here, "..", "..");
    const paths: Record<string, string[]> = {};
    for (const dir of readdirSync(packages)) {
      const built = join(packages, dir, "dist", "index.d.ts");
      const source = join(packages, dir, "src", "index.ts");
      const target = dir !== "testkit" && existsSync(built) ? built : source;
      if (existsSync(target)) paths[`@gradkit/${dir}`] = [relative(root, target)];
    }
    writeFileSync(
      join(root, "tsconfig.json"),
      JSON.stringify({ extends: relative(root, join(packages, "..", "tsconfig.base.json")), compilerOptions: { noEmit: true, paths }, include: ["*/src", "*/test"] }),
    );
    const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
    // --listFiles: tsc type-checks and also prints every file the program included (absolute paths).
    const result = spawnSync(process.execPath, [tsc, "-p", join(root, "tsconfig.json"), "--pretty", "false", "--listFiles"], {
      cwd: root,
      encoding: "utf8",
      timeout: 400_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
    // tsc must have run to its end: not killed by the timeout or a signal, not failed to start.
    expect(result.error, `tsc did not run to completion: ${String(result.error)}`).toBeUndefined();
    expect(result.signal, "tsc was killed by a signal").toBeNull();
    const lines = output.split("\n");
    const errors = lines.filter((line) => /error TS\d+/.test(line));
    // An error without a file prefix ("error TS5083: Cannot read file ...") or in the generated tsconfig.json
    // ("tsconfig.json(1,21): error TS5023: Unknown compiler option ...") is a config or global error: it concerns
    // the whole program, generated files included.
    expect(errors.filter((line) => line.startsWith("error TS") || line.startsWith("tsconfig.json("))).toEqual([]);
    // A non-zero exit must be explained by some error line, else something else went wrong.
    if (result.status !== 0) expect(errors.length, `tsc exited ${result.status} without an error line:\n${output.slice(-2000)}`).toBeGreaterThan(0);
    // The generated sources and tests were part of the program (an include that matched nothing would check nothing).
    const listed = new Set(lines.map((line) => line.trim()).filter((line) => isAbsolute(line)).map((line) => resolve(line)));
    const expected = PLUGIN_KINDS.flatMap((k) => [join(root, k, "src", "index.ts"), join(root, k, "test", "conformance.test.ts")]);
    expect(expected.filter((file) => !listed.has(file))).toEqual([]);
    // Only the generated files' errors are judged here; other packages' work in progress is not this test's business.
    const mine = errors.filter((line) => PLUGIN_KINDS.some((k) => line.startsWith(`${k}/`)));
    expect(mine).toEqual([]);
  }, 420_000);
});

// A computed path: the files do not exist when vite first analyses this module.
for (const kind of PLUGIN_KINDS) await import(/* @vite-ignore */ join(root, kind, "test", "conformance.test.ts"));
