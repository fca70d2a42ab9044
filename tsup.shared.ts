import { defineConfig, type Options } from "tsup";

export interface LibraryBuild {
  /**
   * The package has a side-effect entry `src/register.ts` (registering its
   * built-ins in @gradkit/registry), listed in package.json "sideEffects".
   */
  registerEntry?: boolean;
  /** Extra entries beside src/index.ts (e.g. a CLI's src/bin.ts). */
  entries?: string[];
  /** Shim `import.meta.url` in the CJS build (code that uses createRequire(import.meta.url)). */
  shims?: boolean;
}

/**
 * The one tsup configuration of gradkit's libraries: ESM + CJS + .d.ts,
 * ES2022, no source maps.
 *
 * With `registerEntry`, register is its own entry so that it alone carries
 * side effects (package.json "sideEffects"). index imports it; left to
 * itself esbuild would inline that side effect into the chunk both entries
 * share, so the import is kept external and pointed at the same format's
 * register file.
 */
export function libraryConfig(build: LibraryBuild = {}) {
  const entry = ["src/index.ts", ...(build.registerEntry ? ["src/register.ts"] : []), ...(build.entries ?? [])];
  const options: Options = {
    entry,
    format: ["esm", "cjs"],
    dts: true,
    clean: true,
    target: "es2022",
    sourcemap: false,
    splitting: build.registerEntry === true,
    shims: build.shims === true,
  };
  if (build.registerEntry) {
    options.esbuildPlugins = [
      {
        name: "register-entry-stays-separate",
        setup(b) {
          // tsup builds split CJS as ESM and converts it afterwards, so the output extension tells the formats apart.
          const file = b.initialOptions.outExtension?.[".js"] === ".cjs" ? "./register.cjs" : "./register.js";
          b.onResolve({ filter: /^\.\/register\.js$/ }, () => ({ path: file, external: true }));
        },
      },
    ];
  }
  return defineConfig(options);
}
