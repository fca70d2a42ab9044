import { defineConfig } from "tsup";

/**
 * register is its own entry so that it alone carries side effects
 * (package.json "sideEffects"). index imports it; left to itself esbuild
 * would inline that side effect into the chunk both entries share, so the
 * import is kept external and pointed at the same format's register file.
 */
export default defineConfig({
  entry: ["src/index.ts", "src/register.ts"],
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  target: "es2022",
  sourcemap: false,
  splitting: true,
  esbuildPlugins: [
    {
      name: "register-entry-stays-separate",
      setup(build) {
        // tsup builds split CJS as ESM and converts it afterwards, so the output extension tells the formats apart.
        const file = build.initialOptions.outExtension?.[".js"] === ".cjs" ? "./register.cjs" : "./register.js";
        build.onResolve({ filter: /^\.\/register\.js$/ }, () => ({ path: file, external: true }));
      },
    },
  ],
});
