/**
 * Runs synchronous code (a `Trainer.fit()`, anything that calls `dataSync`)
 * in a fresh macrotask and returns its result as a promise.
 *
 * Why: in Node, the webgpu backend can only answer a synchronous read by
 * running the event loop until the GPU's asynchronous answer arrives, and a
 * promise cannot settle while the code is itself inside a promise callback
 * (an async function after an `await`): V8 does not run nested microtasks.
 * A `setImmediate` callback is a macrotask, where the wait works. On the
 * other backends (cpu, wasm, cuda) this is just a deferred call.
 *
 *   const result = await macrotask(() => trainer.fit());
 */
export function macrotask<T>(fn: () => T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    setImmediate(() => {
      try {
        resolve(fn());
      } catch (error) {
        reject(error);
      }
    });
  });
}
