import { libraryConfig } from "../../tsup.shared.ts";

export default libraryConfig({ entries: ["src/bin.ts"], shims: true });
