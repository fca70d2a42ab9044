import { describe, expect, it } from "vitest";
import { explainLoadError } from "../src/load-error.js";
import fixtures from "./fixtures/load-errors.json";
import { nodeError } from "./fakes.js";

// fixtures/load-errors.json: Node 20's own errors, made by scripts/make-load-error-fixtures.sh
// with stub shared libraries in place of CUDA.
describe("explainLoadError (Node's real error shapes)", () => {
  it("MODULE_NOT_FOUND for the package itself: not installed", () => {
    const f = explainLoadError(nodeError(fixtures.notInstalled));
    expect(f).toMatchObject({ kind: "not-installed", reason: "install @tensorflow/tfjs-node-gpu (built for CUDA 11.2 / cuDNN 8.1)" });
    expect(f.error).toBe("Cannot find module '@tensorflow/tfjs-node-gpu'");
  });

  it("ERR_MODULE_NOT_FOUND from an ESM import of the package: not installed", () => {
    const e = nodeError({ code: "ERR_MODULE_NOT_FOUND", message: "Cannot find package '@tensorflow/tfjs-node-gpu' imported from /app/main.mjs" });
    expect(explainLoadError(e).kind).toBe("not-installed");
  });

  it("MODULE_NOT_FOUND for its addon: installed but incomplete", () => {
    const f = explainLoadError(nodeError(fixtures.missingAddon));
    expect(f.kind).toBe("incomplete");
    expect(f.reason).toBe(
      "@tensorflow/tfjs-node-gpu is installed but its native addon is missing (./lib/napi-v8/tfjs_binding.node): " +
        "its install script downloads libtensorflow and failed; run npm rebuild @tensorflow/tfjs-node-gpu with network access",
    );
  });

  it("a library the addon links against directly (libcudnn.so.8)", () => {
    const f = explainLoadError(nodeError(fixtures.dlopenDirect));
    expect(f).toMatchObject({ kind: "native-library", library: "libcudnn.so.8" });
    expect(f.reason).toBe(
      "@tensorflow/tfjs-node-gpu is installed but cannot load libcudnn.so.8, from cuDNN 8.1: it needs CUDA 11.2 / cuDNN 8.1; put it on LD_LIBRARY_PATH",
    );
  });

  it("a library needed by a library the addon needs: Node names the innermost (libcudart.so.11.0)", () => {
    const f = explainLoadError(nodeError(fixtures.dlopenIndirect));
    expect(f.library).toBe("libcudart.so.11.0");
    expect(f.reason).toBe(
      "@tensorflow/tfjs-node-gpu is installed but cannot load libcudart.so.11.0, from the CUDA 11.2 runtime: it needs CUDA 11.2 / cuDNN 8.1; put it on LD_LIBRARY_PATH",
    );
  });

  it("libtensorflow.so.2 missing: reinstall, not CUDA", () => {
    const e = nodeError({ code: "ERR_DLOPEN_FAILED", message: "libtensorflow.so.2: cannot open shared object file: No such file or directory" });
    expect(explainLoadError(e).reason).toBe(
      "@tensorflow/tfjs-node-gpu is installed but cannot load libtensorflow.so.2, from the libtensorflow 2.9.1 that @tensorflow/tfjs-node-gpu's " +
        "install script downloads into its deps/lib: it needs CUDA 11.2 / cuDNN 8.1; reinstall @tensorflow/tfjs-node-gpu with network access",
    );
  });

  it("cuBLAS of another major version is named as such", () => {
    const e = nodeError({ code: "ERR_DLOPEN_FAILED", message: "libcublas.so.12: cannot open shared object file: No such file or directory" });
    expect(explainLoadError(e).reason).toContain("cannot load libcublas.so.12, from cuBLAS from CUDA 11.2 (this is another version: libcublas.so.12)");
  });

  it("an undefined symbol: a library of another version", () => {
    const f = explainLoadError(nodeError(fixtures.undefinedSymbol));
    expect(f.reason).toBe(
      "@tensorflow/tfjs-node-gpu is installed but its native code finds no symbol cudnnCreate_v9: a library of another version is on the path; it needs CUDA 11.2 / cuDNN 8.1",
    );
  });

  it("a glibc too old (the dynamic linker's wording, written by hand)", () => {
    const e = nodeError({
      code: "ERR_DLOPEN_FAILED",
      message: "/lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.38' not found (required by /app/node_modules/@tensorflow/tfjs-node-gpu/deps/lib/libtensorflow.so.2)",
    });
    expect(explainLoadError(e).reason).toBe("@tensorflow/tfjs-node-gpu is installed but libtensorflow.so.2 needs GLIBC_2.38, which this system's libraries lack");
  });

  it("anything else: its first line", () => {
    expect(explainLoadError(new Error("boom\n    at x")).reason).toBe("@tensorflow/tfjs-node-gpu failed to load: boom");
  });
});
