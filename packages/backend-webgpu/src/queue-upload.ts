/** The part of tfjs-backend-webgpu's WebGPUBackend that uploads go through. */
export interface UploadingBackend {
  uploadToGPU(dataId: object): void;
  tensorMap: { get(dataId: object): { values?: ArrayLike<number> | null; dtype?: string; shape: number[]; resource?: unknown } | undefined };
  bufferManager: { acquireBuffer(size: number, usage: number, mappedAtCreation?: boolean, reuse?: boolean): unknown };
  queue: { writeBuffer(buffer: unknown, offset: number, data: ArrayBufferView, dataOffset?: number, size?: number): void };
}

/** GPUBufferUsage STORAGE | COPY_SRC | COPY_DST, as tfjs-backend-webgpu allocates tensor buffers. */
const TENSOR_USAGE = 0x0080 | 0x0004 | 0x0008;

/**
 * tfjs-backend-webgpu uploads each CPU tensor (every input batch, every
 * scalar an optimizer or a normalization layer makes) through a fresh staging
 * buffer mapped at creation, then a copy in the command encoder, which also
 * ends the compute pass. In Node, Dawn's createBuffer is the costliest call
 * of a training step (22 % of its CPU time on an H100 machine,
 * scripts/device/profile.mjs). `queue.writeBuffer` does the same upload with
 * no buffer to create: Dawn copies the bytes into its own staging memory.
 *
 * Ordering: writeBuffer runs on the queue before the commands still being
 * recorded. That is safe here because the destination is a buffer no
 * recorded command uses: tfjs returns a buffer to its pool only after the
 * commands that used it were submitted, and a fresh tensor is read only by
 * commands recorded after this upload.
 */
export function enableQueueUploads(backend: UploadingBackend): boolean {
  // A backend that is not tfjs-backend-webgpu's (a test's stand-in) is left alone.
  if (typeof backend.uploadToGPU !== "function" || typeof backend.queue?.writeBuffer !== "function" || backend.bufferManager === undefined) return false;
  const original = backend.uploadToGPU.bind(backend);
  backend.uploadToGPU = (dataId: object) => {
    const data = backend.tensorMap.get(dataId);
    if (data === undefined || data.resource != null) return;
    const values = data.values;
    const dtype = data.dtype;
    if (values == null || (dtype !== "float32" && dtype !== "int32" && dtype !== "bool")) {
      original(dataId);
      return;
    }
    const array =
      dtype === "float32"
        ? values instanceof Float32Array ? values : Float32Array.from(values)
        : values instanceof Int32Array ? values : Int32Array.from(values);
    const buffer = backend.bufferManager.acquireBuffer(array.length * 4, TENSOR_USAGE, false);
    if (array.length > 0) backend.queue.writeBuffer(buffer, 0, array, 0, array.length);
    data.values = null;
    data.resource = buffer;
  };
  return true;
}
