import { cpSync } from "node:fs";
import { libraryConfig } from "../../tsup.shared.ts";

// shims: the server finds its page script and the vega bundles from import.meta.url, also in the CJS build.
// The page script (plain browser JavaScript, no build step) ships as dist/client/dashboard.js.
const base = libraryConfig({ shims: true });
export default {
  ...base,
  onSuccess: async () => {
    cpSync("client", "dist/client", { recursive: true });
  },
};
