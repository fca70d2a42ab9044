import { cpSync } from "node:fs";
import { libraryConfig } from "../../tsup.shared.ts";

// shims: the server finds its page script and the vega bundles from import.meta.url, also in the CJS build.
// The page script (plain browser JavaScript, no build step: src/client/dashboard.js) ships as dist/client/dashboard.js;
// it lives under src/ so that turbo's build inputs (src/**) see its changes.
const base = libraryConfig({ shims: true });
export default {
  ...base,
  onSuccess: async () => {
    cpSync("src/client", "dist/client", { recursive: true });
  },
};
