// Bundles tfjs-core's gradient configs into one module gradkit can load
// from ESM and CJS alike. tfjs-core's `main` (CJS) entry registers no
// gradients, and its `dist/register_all_gradients.js` is ESM with
// extension-less imports that Node's loader rejects; esbuild resolves them.
// The bundle registers nothing itself: it exports the configs, and
// `ensureGradients()` registers the ones missing from the shared global
// registry, exactly once per process.
import { build } from "esbuild";
import { readFileSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const coreDist = dirname(require.resolve("@tensorflow/tfjs-core/dist/register_all_gradients.js"));
const source = readFileSync(join(coreDist, "register_all_gradients.js"), "utf8");
const imports = [...source.matchAll(/^import \{ (\w+) \} from '\.\/gradients\/(\w+)';$/gm)];
if (imports.length < 90) {
  throw new Error(`bundle-gradients: expected ~100 gradient imports in tfjs-core's register_all_gradients.js, found ${imports.length}`);
}
const entry =
  imports.map(([, name, file]) => `import { ${name} } from ${JSON.stringify(join(coreDist, "gradients", file + ".js"))};`).join("\n") +
  `\nexport const gradientConfigs = [${imports.map(([, name]) => name).join(", ")}];\n`;
const outDir = join(here, "..", "src", "generated");
mkdirSync(outDir, { recursive: true });
await build({
  stdin: { contents: entry, resolveDir: coreDist, loader: "js" },
  bundle: true,
  format: "esm",
  platform: "neutral",
  mainFields: ["module", "main"],
  target: "es2020",
  minify: true,
  legalComments: "none",
  outfile: join(outDir, "tfjs-gradients.js"),
  logLevel: "warning",
});
writeFileSync(
  join(outDir, "tfjs-gradients.d.ts"),
  `import type { GradConfig } from "@tensorflow/tfjs-core";\nexport declare const gradientConfigs: GradConfig[];\n`,
);
console.log(`bundle-gradients: ${imports.length} gradient configs -> src/generated/tfjs-gradients.js`);
