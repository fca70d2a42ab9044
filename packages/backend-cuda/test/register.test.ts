import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { getProvider } from "@gradkit/backend";
import { describe, expect, it } from "vitest";
import "@gradkit/backend-cuda";

const dist = join(import.meta.dirname, "..", "dist");
/** The packaged test needs this package and @gradkit/backend built (turbo's test task builds them first). */
const missing = [
  ...(existsSync(join(dist, "index.js")) ? [] : ["@gradkit/backend-cuda"]),
  ...(existsSync(join(import.meta.dirname, "..", "..", "backend", "dist", "index.js")) ? [] : ["@gradkit/backend"]),
];
const notBuilt =
  missing.length === 0 ? undefined : `dist/ of ${missing.join(" and ")} is missing — run ${missing.map((p) => `\`npm run build -w ${p}\``).join(" and ")} first`;
if (notBuilt !== undefined) console.log(`[backend-cuda] skipping the packaged-entries test: ${notBuilt}`);
const builtIt = notBuilt === undefined ? it : (name: string, fn: () => void) => it.skip(`${name} (skipped: ${notBuilt})`, fn);

describe("registration", () => {
  it("importing the package registers the 'cuda' provider, without probing it", () => {
    const provider = getProvider("cuda");
    expect(provider).toMatchObject({ name: "cuda", kind: "gpu" });
    expect(() => provider!.describe()).toThrow(/call activate\(\) before describe\(\)/);
  });

  // The packaged entries, in a plain node: ESM and CJS builds loaded together register once.
  builtIt("the built ESM and CJS entries register once between them", () => {
    const script = [
      `const { createRequire } = await import("node:module");`,
      `await import(${JSON.stringify(join(dist, "index.js"))});`,
      `createRequire(import.meta.url)(${JSON.stringify(join(dist, "index.cjs"))});`,
      `const { listProviders } = await import("@gradkit/backend");`,
      `console.log(listProviders().map((p) => p.name).filter((n) => n === "cuda").length);`,
    ].join("\n");
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: join(import.meta.dirname, ".."), encoding: "utf8" });
    expect(out.trim()).toBe("1");
  });
});
