import { INSTALL_HINT, NEEDS, TFJS_NODE_GPU, providerOf } from "./build-facts.js";

/** Why the require of @tensorflow/tfjs-node-gpu failed, sorted into what a user does about it. */
export interface LoadFailure {
  /**
   * not-installed: the package itself is absent.
   * incomplete: installed, but a file or dependency of it is missing (its addon, usually).
   * native-library: installed, but a shared library its addon needs does not load.
   * failed: anything else the package threw while loading.
   */
  kind: "not-installed" | "incomplete" | "native-library" | "failed";
  /** One line a user can act on. */
  reason: string;
  /** The shared library the dynamic linker could not open, when it named one. */
  library?: string;
  /** The error's first line, as Node gave it. */
  error: string;
}

/**
 * Sort a load error by the shapes Node 20 gives (reproduced in
 * scripts/make-load-error-fixtures.sh, saved in test/fixtures):
 * - missing package: code MODULE_NOT_FOUND, "Cannot find module '<id>'\nRequire stack:…",
 *   `requireStack` listing the requirers (ERR_MODULE_NOT_FOUND and
 *   "Cannot find package" from an ESM import);
 * - failed dlopen: code ERR_DLOPEN_FAILED, the dynamic linker's message,
 *   "libcudnn.so.8: cannot open shared object file: No such file or directory",
 *   naming the innermost library that is missing, not the addon;
 *   "<file>: undefined symbol: <name>"; "…: version `GLIBC_2.38' not found (required by …)".
 */
export function explainLoadError(error: unknown, packageName: string = TFJS_NODE_GPU): LoadFailure {
  const e = error as { code?: unknown; message?: unknown };
  const code = typeof e?.code === "string" ? e.code : "";
  const message = typeof e?.message === "string" ? e.message : String(error);
  const first = message.split("\n")[0];

  if (code === "MODULE_NOT_FOUND" || code === "ERR_MODULE_NOT_FOUND") {
    const missing = /Cannot find (?:module|package) '([^']+)'/.exec(first)?.[1];
    if (missing === undefined || missing === packageName) return { kind: "not-installed", reason: INSTALL_HINT, error: first };
    if (missing.endsWith(".node")) {
      return {
        kind: "incomplete",
        reason: `${packageName} is installed but its native addon is missing (${missing}): its install script downloads libtensorflow and failed; run npm rebuild ${packageName} with network access`,
        error: first,
      };
    }
    return { kind: "incomplete", reason: `${packageName} is installed but its dependency '${missing}' is missing: reinstall it`, error: first };
  }

  if (code === "ERR_DLOPEN_FAILED" || /cannot open shared object file|undefined symbol|not found \(required by/.test(first)) {
    const unopened = /([^\s:/]+\.so[.\d]*): cannot open shared object file/.exec(first)?.[1];
    if (unopened !== undefined) {
      const from = providerOf(unopened);
      const what = from === undefined ? "" : `, from ${from}`;
      const fix = unopened.startsWith("libtensorflow") ? `reinstall ${packageName} with network access` : `put it on LD_LIBRARY_PATH`;
      return {
        kind: "native-library",
        library: unopened,
        reason: `${packageName} is installed but cannot load ${unopened}${what}: it needs ${NEEDS}; ${fix}`,
        error: first,
      };
    }
    const symbol = /undefined symbol: (\S+)/.exec(first)?.[1];
    if (symbol !== undefined) {
      return {
        kind: "native-library",
        reason: `${packageName} is installed but its native code finds no symbol ${symbol}: a library of another version is on the path; it needs ${NEEDS}`,
        error: first,
      };
    }
    const version = /version `([^']+)' not found \(required by ([^)]+)\)/.exec(first);
    if (version !== null) {
      return {
        kind: "native-library",
        reason: `${packageName} is installed but ${version[2].split("/").pop()} needs ${version[1]}, which this system's libraries lack`,
        error: first,
      };
    }
    return { kind: "native-library", reason: `${packageName} is installed but its native addon does not load: ${first}`, error: first };
  }

  return { kind: "failed", reason: `${packageName} failed to load: ${first}`, error: first };
}
