/**
 * Starting tfjs-backend-wasm 4.22's threaded SIMD build in Node.
 *
 * Three things stop it there, and each has a narrow workaround applied only
 * while the backend initializes (everything is restored afterwards):
 *
 * 1. `WASM_HAS_MULTITHREAD_SUPPORT` is hard-wired to false when tfjs sees
 *    Node (tfjs issue #3830): set it to true.
 * 2. The pthread worker script is the string `wasmWorkerContents`, handed to
 *    emscripten as a `blob:` URL, and emscripten's `new Worker(url)` is
 *    node:worker_threads' Worker, which only takes file paths and `file:`/
 *    `data:` URLs. A `Worker` shim maps that blob URL to a worker_threads
 *    Worker evaluating a small bootstrap, which runs the captured worker
 *    script. Its "load" message carries the main script as another Blob
 *    (`mainScriptUrlOrBlob`) that the worker would `importScripts` from a
 *    blob URL; the shim sends the captured text instead, and the bootstrap
 *    evaluates it. Blob texts are captured by wrapping `Blob` (tfjs builds
 *    both from strings). The main script is the emscripten factory's
 *    `toString()` taken from tfjs's Node bundle, so its free variables
 *    (`require$$0` = fs, `require$$1` = path, `require$$3` = perf_hooks,
 *    `require$$4` = os, `commonjsGlobal`, tslib's `__values`/`__read`/
 *    `__spreadArray`, `_scriptDir`) are defined in the worker first.
 * 3. The C++ side caps the thread pool at `emscripten_num_logical_cores()
 *    / 2` ("many x86-64 processors have 2 threads per core"), which is Node's
 *    `os.cpus().length / 2`: 1 on a 2-core machine. `os.cpus` reports
 *    2·threads entries while the module initializes, so the cap is the
 *    requested count (at most 8: emscripten pre-creates 8 workers).
 */

/** Evaluated in each pthread worker (CommonJS `eval` worker: `require` is available). */
const BOOTSTRAP = String.raw`
const { parentPort, workerData } = require("node:worker_threads");
Object.assign(globalThis, {
  commonjsGlobal: globalThis,
  require$$0: require("fs"),
  require$$1: require("path"),
  require$$3: require("perf_hooks"),
  require$$4: require("os"),
  _scriptDir: undefined,
  __values(o) {
    const m = typeof Symbol === "function" && o[Symbol.iterator];
    if (m) return m.call(o);
    let i = 0;
    return { next: () => (i < o.length ? { value: o[i++], done: false } : { value: undefined, done: true }) };
  },
  __read(o, n) {
    const it = o[Symbol.iterator]();
    const out = [];
    let r;
    while ((n === undefined || n-- > 0) && !(r = it.next()).done) out.push(r.value);
    return out;
  },
  __spreadArray(to, from) {
    return to.concat(Array.prototype.slice.call(from));
  },
});
let gradkitMainJs;
// Registered before the worker script's own listener, so it sees "load" first.
parentPort.on("message", (m) => {
  if (m && m.cmd === "load" && typeof m.gradkitMainJs === "string") gradkitMainJs = m.gradkitMainJs;
});
new Function("require", "__filename", workerData.workerJs)(require, "tfjs-backend-wasm-threaded-simd.worker.js");
const gradkitImportScripts = globalThis.importScripts;
globalThis.importScripts = (f) => (f === "gradkit:main" ? (0, eval)(gradkitMainJs) : gradkitImportScripts(f));
`;

interface Restorable {
  restore(): void;
}

/** Captures the text of Blobs made from strings, and the blob URLs made from them. */
function captureBlobs(): Restorable & { textOfUrl(url: string): string | undefined; textOf(blob: unknown): string | undefined } {
  const g = globalThis as unknown as { Blob: typeof Blob; URL: typeof URL };
  const OriginalBlob = g.Blob;
  const originalCreate = URL.createObjectURL.bind(URL);
  const texts = new WeakMap<object, string>();
  const urls = new Map<string, string>();
  class CapturingBlob extends OriginalBlob {
    constructor(parts: BlobPart[] = [], options?: BlobPropertyBag) {
      super(parts, options);
      if (parts.every((p) => typeof p === "string")) texts.set(this, parts.join(""));
    }
  }
  g.Blob = CapturingBlob;
  URL.createObjectURL = (obj: Blob) => {
    const url = originalCreate(obj);
    const text = texts.get(obj);
    if (text !== undefined) urls.set(url, text);
    return url;
  };
  return {
    textOfUrl: (url) => urls.get(url),
    textOf: (blob) => (typeof blob === "object" && blob !== null ? texts.get(blob) : undefined),
    restore() {
      g.Blob = OriginalBlob;
      URL.createObjectURL = originalCreate;
    },
  };
}

/**
 * Runs `init` (which initializes tfjs-backend-wasm: `setBackend("wasm")`)
 * with the workarounds above in place, asking for `threads` threads.
 * Node only. Resolves to `init`'s result; the caller checks the thread
 * count the backend reports.
 */
export async function withNodeThreads<T>(threads: number, setThreadsCount: (n: number) => void, init: () => Promise<T>): Promise<T> {
  const { Worker: NodeWorker } = await import("node:worker_threads");
  const os = (await import("node:os")).default;
  const { env } = await import("@tensorflow/tfjs-core");

  const blobs = captureBlobs();
  class PthreadWorker extends NodeWorker {
    constructor(url: string | URL, options?: ConstructorParameters<typeof NodeWorker>[1]) {
      const workerJs = blobs.textOfUrl(String(url));
      if (workerJs === undefined) super(url, options);
      else super(BOOTSTRAP, { ...options, eval: true, workerData: { workerJs } });
    }
    override postMessage(message: unknown, transfer?: readonly Transferable[]): void {
      const m = message as { cmd?: string; urlOrBlob?: unknown } | null;
      const mainJs = m?.cmd === "load" ? blobs.textOf(m.urlOrBlob) : undefined;
      super.postMessage(mainJs === undefined ? message : { ...m, urlOrBlob: "gradkit:main", gradkitMainJs: mainJs }, transfer as never);
    }
  }
  // emscripten assigns globalThis.Worker = worker_threads.Worker just before
  // creating its workers; the accessor keeps the shim in place meanwhile.
  const g = globalThis as Record<string, unknown>;
  const hadWorker = Object.getOwnPropertyDescriptor(g, "Worker");
  Object.defineProperty(g, "Worker", { configurable: true, get: () => PthreadWorker, set: () => undefined });
  const originalCpus = os.cpus;
  os.cpus = () => {
    const cpus = originalCpus.call(os);
    return Array.from({ length: 2 * threads }, (_, i) => cpus[i % Math.max(cpus.length, 1)]!);
  };
  env().set("WASM_HAS_MULTITHREAD_SUPPORT", true);
  setThreadsCount(threads);
  try {
    return await init();
  } finally {
    os.cpus = originalCpus;
    blobs.restore();
    if (hadWorker) Object.defineProperty(g, "Worker", hadWorker);
    else delete g.Worker;
  }
}
