import { mergeConfig } from "vitest/config";
import { packageConfig } from "../../vitest.shared.ts";

export default mergeConfig(packageConfig(import.meta.dirname), {
  test: { globalSetup: ["./scripts/ensure-gradients-bundle.mjs"] },
});
