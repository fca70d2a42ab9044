import { KIND_INFO, type PluginKind } from "../kinds.js";
import { SOURCES } from "./sources.js";

/** Everything a template needs to know about the plugin being made. */
export interface TemplateContext {
  kind: PluginKind;
  /** The registry name, e.g. "lion". */
  name: string;
  /** The npm package name, e.g. "gradkit-plugin-lion". */
  packageName: string;
  version: string;
  /** The version range of the gradkit packages it peers with. */
  gradkitRange: string;
  /**
   * "standalone": its own tsconfig, tsup and vitest configs (a package of its own repository).
   * "gradkit-repo": configs that reuse the gradkit monorepo's shared ones, found `repoRoot` up.
   */
  layout: "standalone" | "gradkit-repo";
  /** Relative path from the package to the monorepo root (layout "gradkit-repo"). */
  repoRoot?: string;
}

/** "grid-mask" → "GridMask"; "lion" → "Lion"; "myOpt" → "MyOpt". */
export function pascalCase(name: string): string {
  return name
    .split(/[-_]+/)
    .filter((p) => p.length > 0)
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join("");
}

export function camelCase(name: string): string {
  const p = pascalCase(name);
  return p[0].toLowerCase() + p.slice(1);
}

export function fill(template: string, ctx: TemplateContext): string {
  return template
    .replaceAll("__NAME__", ctx.name)
    .replaceAll("__CLASS__", pascalCase(ctx.name))
    .replaceAll("__FN__", camelCase(ctx.name))
    .replaceAll("__PACKAGE__", ctx.packageName)
    .replaceAll("__VERSION__", ctx.version);
}

const TFJS_RANGE = "^4.22.0";

function sorted(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

export function packageJson(ctx: TemplateContext): string {
  const info = KIND_INFO[ctx.kind];
  const peers = Object.fromEntries(info.peers.map((p) => [p, ctx.gradkitRange]));
  const pkg = {
    name: ctx.packageName,
    version: ctx.version,
    description: `${info.blurb[0].toUpperCase()}${info.blurb.slice(1)} for gradkit, registered as '${ctx.name}'.`,
    keywords: ["gradkit", "gradkit-plugin", ctx.kind],
    license: "Apache-2.0",
    type: "module",
    main: "./dist/index.cjs",
    module: "./dist/index.js",
    types: "./dist/index.d.ts",
    exports: {
      ".": {
        import: { types: "./dist/index.d.ts", default: "./dist/index.js" },
        require: { types: "./dist/index.d.cts", default: "./dist/index.cjs" },
      },
      "./package.json": "./package.json",
    },
    files: ["dist", "README.md"],
    sideEffects: false,
    scripts: {
      build: "tsup",
      test: "vitest run",
      typecheck: "tsc --noEmit -p tsconfig.json",
      prepublishOnly: "npm run build && npm test",
    },
    dependencies: { zod: "^4.0.0" },
    peerDependencies: sorted({ "@tensorflow/tfjs-core": TFJS_RANGE, ...peers }),
    devDependencies: sorted({
      "@tensorflow/tfjs-core": TFJS_RANGE,
      "@tensorflow/tfjs-backend-cpu": TFJS_RANGE,
      ...peers,
      ...Object.fromEntries(info.devPeers.map((p) => [p, ctx.gradkitRange])),
      "@gradkit/testkit": ctx.gradkitRange,
      "@types/node": "^20.19.0",
      tsup: "^8.5.0",
      typescript: "^5.9.0",
      vitest: "^4.0.0",
    }),
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

export function tsconfig(ctx: TemplateContext): string {
  if (ctx.layout === "gradkit-repo") {
    return `${JSON.stringify({ extends: `${ctx.repoRoot}/tsconfig.base.json`, include: ["src", "test"], compilerOptions: { noEmit: true } }, null, 2)}\n`;
  }
  const config = {
    compilerOptions: {
      target: "ES2022",
      module: "ESNext",
      moduleResolution: "Bundler",
      lib: ["ES2022", "DOM"],
      strict: true,
      esModuleInterop: true,
      skipLibCheck: true,
      isolatedModules: true,
      resolveJsonModule: true,
      noEmit: true,
      types: ["node"],
    },
    include: ["src", "test"],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

export function tsupConfig(ctx: TemplateContext): string {
  if (ctx.layout === "gradkit-repo") return `import { libraryConfig } from "${ctx.repoRoot}/tsup.shared.ts";\n\nexport default libraryConfig();\n`;
  return `import { defineConfig } from "tsup";

// ESM + CJS + .d.ts. tsup leaves dependencies and peerDependencies external,
// so the plugin never bundles a second copy of tfjs-core or of the registry.
export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  target: "es2022",
  sourcemap: false,
});
`;
}

export function vitestConfig(ctx: TemplateContext): string {
  if (ctx.layout === "gradkit-repo") return `import { packageConfig } from "${ctx.repoRoot}/vitest.shared.ts";\n\nexport default packageConfig(import.meta.dirname);\n`;
  return `import { defineConfig } from "vitest/config";

export default defineConfig({
  test: { include: ["test/**/*.test.ts"], testTimeout: 120_000 },
});
`;
}

export function conformanceTest(ctx: TemplateContext): string {
  const src = SOURCES[ctx.kind];
  const kind = KIND_INFO[ctx.kind].registryKind;
  const badOption =
    ctx.kind === "backend"
      ? ""
      : `
  it("rejects an unknown option before building anything, naming it", () => {
    expect(() => registry.resolve("${kind}", { name: "__NAME__", notAnOption: 1 })).toThrow(/notAnOption/);
  });
`;
  return fill(
    `import { readFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { registry, use } from "@gradkit/registry";
${src.testImports}
import { plugin, VERSION } from "../src/index.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
  use(plugin);
});

describe("__PACKAGE__", () => {
  it("registers '__NAME__' under the kind ${kind}, owned by this plugin", () => {
    expect(registry.list("${kind}", "__NAME__")).toEqual([expect.objectContaining({ name: "__NAME__", plugin: "__PACKAGE__" })]);
  });

  it("declares its package.json version to the registry", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
    expect(VERSION).toBe(pkg.version);
    expect(registry.plugins()).toContainEqual({ name: "__PACKAGE__", version: VERSION });
  });
${badOption}
${src.test}});
`,
    ctx,
  );
}

export function readme(ctx: TemplateContext): string {
  const info = KIND_INFO[ctx.kind];
  const installs = ["@tensorflow/tfjs-core", ...info.peers].join(" ");
  return fill(
    `# __PACKAGE__

${info.blurb[0].toUpperCase()}${info.blurb.slice(1)} for [gradkit](https://github.com/gradkit/gradkit), registered
under the kind \`${info.registryKind}\` as \`__NAME__\`.

> Scaffolded by \`create-gradkit-plugin\`: the implementation in \`src/index.ts\` is
> a TEMPLATE. Replace it, keep the conformance test passing.

## Install

\`\`\`sh
npm i __PACKAGE__ ${installs}
\`\`\`

tfjs-core and the gradkit packages are **peer dependencies**: your application
holds one copy of each, so one engine and one registry are shared.

## Use

In code:

\`\`\`ts
import { use } from "@gradkit/registry";
import plugin from "__PACKAGE__";

use(plugin); // registers '__NAME__'
\`\`\`

By name, from a config or the CLI (\`gradkit --plugin __PACKAGE__ …\` loads it first):

\`\`\`
${SOURCES[ctx.kind].usage}
\`\`\`

## Test

\`npm test\` runs \`test/conformance.test.ts\`: the plugin registers, its
version matches package.json, bad options fail by name, and
\`@gradkit/testkit\`'s \`${info.suite}\` passes.

## Publish

1. Bump \`version\` in package.json and \`VERSION\` in src/index.ts together
   (the registry refuses two versions of one plugin in a process).
2. \`npm publish\` (\`prepublishOnly\` builds ESM + CJS + types with tsup and runs the tests).
`,
    ctx,
  );
}

export function gitignore(): string {
  return "node_modules\ndist\n";
}

/** Every file of the package, by path relative to its directory. */
export function pluginFiles(ctx: TemplateContext): Record<string, string> {
  return {
    "package.json": packageJson(ctx),
    "tsconfig.json": tsconfig(ctx),
    "tsup.config.ts": tsupConfig(ctx),
    "vitest.config.ts": vitestConfig(ctx),
    ".gitignore": gitignore(),
    "README.md": readme(ctx),
    "src/index.ts": fill(SOURCES[ctx.kind].index, ctx),
    "test/conformance.test.ts": conformanceTest(ctx),
  };
}
