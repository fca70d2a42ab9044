import { mergeConfig } from "vitest/config";
import { packageConfig } from "../../vitest.shared.ts";

export default mergeConfig(packageConfig(import.meta.dirname), {
  // @gradkit/tensor's sources (aliased for tests) import its generated gradient bundle.
  test: { globalSetup: ["../tensor/scripts/ensure-gradients-bundle.mjs"] },
});
