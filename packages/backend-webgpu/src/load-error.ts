/**
 * Why `import("webgpu")` failed, in one line. Shapes measured on Node 20:
 * - package absent, ESM import: code ERR_MODULE_NOT_FOUND,
 *   "Cannot find package 'webgpu' imported from /app/x.js";
 *   CJS require: code MODULE_NOT_FOUND, "Cannot find module 'webgpu'\nRequire stack:…".
 * - package present but no Dawn build for this platform: MODULE_NOT_FOUND
 *   naming ".../dist/<platform>-<arch>/dawn.node".
 * - Dawn present but its shared libraries do not load (old glibc…):
 *   code ERR_DLOPEN_FAILED, the dynamic linker's message.
 */
export function explainDawnLoadError(error: unknown, platform: string, arch: string): string {
  const e = error as { code?: unknown; message?: unknown };
  const code = typeof e?.code === "string" ? e.code : "";
  const message = typeof e?.message === "string" ? e.message : String(error);
  const firstLine = message.split("\n")[0];
  if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
    const missing = /Cannot find (?:package|module) '([^']+)'/.exec(firstLine)?.[1];
    if (missing === "webgpu" || missing === undefined) {
      return "webgpu npm package not installed: npm i webgpu (Dawn for Node)";
    }
    if (missing.endsWith("dawn.node")) {
      return `the webgpu npm package has no Dawn build for ${platform}-${arch} (${missing})`;
    }
    return `the webgpu npm package is incomplete: cannot find '${missing}'; reinstall it`;
  }
  if (code === "ERR_DLOPEN_FAILED") {
    return `Dawn's native module (webgpu npm package) failed to load: ${firstLine}`;
  }
  return `the webgpu npm package failed to load: ${firstLine}`;
}
