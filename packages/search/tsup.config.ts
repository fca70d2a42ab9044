import { libraryConfig } from "../../tsup.shared.ts";

// processor is BullMQ's sandboxed processor file (a worker thread loads it by path); shims give the CJS build import.meta.url.
export default libraryConfig({ entries: ["src/processor.ts", "src/worker.ts"], shims: true });
