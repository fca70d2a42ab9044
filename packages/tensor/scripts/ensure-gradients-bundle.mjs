// Vitest globalSetup: a fresh clone has no src/generated/ (it is git-ignored
// and written by `npm run build` / `npm test`'s pretest). Running
// `npx vitest run` directly would then fail to import it, so write it first.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export default async function setup() {
  const generated = join(dirname(fileURLToPath(import.meta.url)), "..", "src", "generated", "tfjs-gradients.js");
  if (!existsSync(generated)) await import("./bundle-gradients.mjs");
}
