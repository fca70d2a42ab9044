import { libraryConfig } from "../../tsup.shared.ts";

// shims: the server finds client/ and the vega bundles from import.meta.url, also in the CJS build.
export default libraryConfig({ shims: true });
