import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "..", "..", "packages", "tensor", "dist");
const built = existsSync(join(dist, "index.js")) && existsSync(join(dist, "index.cjs"));

/**
 * tfjs-core keeps its gradient registry in a global; registering a
 * gradient twice prints "Overriding the gradient for …". An app that
 * loads gradkit through both `import` and `require` gets two copies of
 * @gradkit/tensor, and the gradients must still be registered once.
 */
describe.skipIf(!built)("tfjs-core gradients are registered exactly once (ESM + CJS)", () => {
  it("registers every bundled gradient once and warns about none", () => {
    const out = execFileSync(process.execPath, [join(here, "fixtures", "gradients-esm-cjs.mjs")], { encoding: "utf8" });
    const r = JSON.parse(out.trim().split("\n").pop()!);
    // Two copies really were loaded (else this test would prove nothing).
    expect(r.sameModule).toBe(false);
    // tfjs-core 4.22 lists 101 gradient configs in register_all_gradients.
    expect(r.bundled).toBe(101);
    expect(r.first).toEqual({ registered: 101, alreadyPresent: 0 });
    expect(r.second).toEqual({ registered: 0, alreadyPresent: 101 });
    expect(r.third).toEqual({ registered: 0, alreadyPresent: 101 });
    expect(r.conv2dGrad).toBe(true);
    expect(r.warnings).toEqual([]);
  });
});

if (!built) console.log("skipping ESM/CJS gradient test: packages/tensor/dist is not built (npm test builds it first)");
