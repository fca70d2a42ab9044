import { libraryConfig } from "../../tsup.shared.ts";

// import.meta.url in the CJS build (mnist.ts resolves the mnist package's JSON files with createRequire).
export default libraryConfig({ registerEntry: true, shims: true });
