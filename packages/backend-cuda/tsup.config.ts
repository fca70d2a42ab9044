import { libraryConfig } from "../../tsup.shared.ts";

// defaultLoad uses createRequire(import.meta.url); the CJS build needs it shimmed.
export default libraryConfig({ registerEntry: true, shims: true });
