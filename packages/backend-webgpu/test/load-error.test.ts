import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { explainDawnLoadError } from "../src/load-error.js";

/** A directory outside the repository, where "webgpu" does not resolve. */
const outside = mkdtempSync(join(tmpdir(), "gradkit-webgpu-missing-"));

describe("explainDawnLoadError", () => {
  it("reads Node's real ESM error for a missing package as 'not installed'", () => {
    // A plain node child, not vitest's module runner, so the error is Node's own.
    const script = `import("webgpu").catch((e) => console.log(JSON.stringify({ code: e.code, message: e.message })))`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: outside, encoding: "utf8" });
    const error = Object.assign(new Error(), JSON.parse(out) as { code: string; message: string });
    expect(error.code).toBe("ERR_MODULE_NOT_FOUND");
    expect(error.message).toMatch(/^Cannot find package 'webgpu' imported from /);
    expect(explainDawnLoadError(error, "linux", "x64")).toBe("webgpu npm package not installed: npm i webgpu (Dawn for Node)");
  });

  it("reads Node's real CJS error for a missing package as 'not installed'", () => {
    let error: unknown;
    try {
      createRequire(join(outside, "x.cjs"))("webgpu");
    } catch (e) {
      error = e;
    }
    expect((error as { code: string }).code).toBe("MODULE_NOT_FOUND");
    expect(explainDawnLoadError(error, "linux", "x64")).toBe("webgpu npm package not installed: npm i webgpu (Dawn for Node)");
  });

  it("names a platform without a Dawn build", () => {
    const error = Object.assign(new Error("Cannot find module '/app/node_modules/webgpu/dist/linux-ia32/dawn.node'\nRequire stack:\n- /app/node_modules/webgpu/index.js"), {
      code: "MODULE_NOT_FOUND",
    });
    expect(explainDawnLoadError(error, "linux", "ia32")).toBe(
      "the webgpu npm package has no Dawn build for linux-ia32 (/app/node_modules/webgpu/dist/linux-ia32/dawn.node)",
    );
  });

  it("passes the dynamic linker's words through for a failed dlopen", () => {
    // The shape Node 20 gives a failed dlopen (code ERR_DLOPEN_FAILED), reproduced with a stub addon.
    const error = Object.assign(new Error("/lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.38' not found (required by /app/dawn.node)"), {
      code: "ERR_DLOPEN_FAILED",
    });
    expect(explainDawnLoadError(error, "linux", "x64")).toBe(
      "Dawn's native module (webgpu npm package) failed to load: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.38' not found (required by /app/dawn.node)",
    );
  });
});
