import { UnsortedSegmentSum, type KernelConfig, type KernelFunc, type TensorInfo } from "@tensorflow/tfjs-core";
import { GradkitError } from "@gradkit/registry";
import { WasmOps } from "./wasm-ops.js";

/**
 * out[k, ...] = Σ_{n : ids[n] = k} x[n, ...], for k in [0, numSegments)
 *
 * The gradient of gather. Run as tfjs-backend-wasm's ScatterNd, which
 * accumulates updates that land on the same index. Ids outside
 * [0, numSegments) are dropped, as TensorFlow does: when there are any,
 * the rows that stay are gathered first (GatherV2) so ScatterNd never sees
 * an index out of range.
 */
export const unsortedSegmentSum: KernelFunc = ({ inputs, backend, attrs = {} }) => {
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const numSegments = attrs.numSegments as number;
  const idsRank = segmentIds.shape.length;
  if (segmentIds.dtype !== "int32" || idsRank > x.shape.length || segmentIds.shape.some((d, i) => d !== x.shape[i])) {
    throw new GradkitError(
      "WASM_KERNEL_BAD_SHAPE",
      `gradkit's wasm ${UnsortedSegmentSum}: segmentIds must be int32 with a shape that is a prefix of x's shape [${x.shape}], received ${segmentIds.dtype} [${segmentIds.shape}].`,
      { kernelName: UnsortedSegmentSum, xShape: x.shape, idsShape: segmentIds.shape },
    );
  }
  const rest = x.shape.slice(idsRank);
  const outShape = [numSegments, ...rest];
  const ops = new WasmOps(backend, UnsortedSegmentSum);
  try {
    const n = ops.size(segmentIds);
    const slice = rest.reduce((a, b) => a * b, 1);
    if (n === 0 || slice === 0 || numSegments === 0) return ops.keep(ops.zeros(outShape, x.dtype));
    // A copy: allocating below may grow the wasm memory and detach a heap view.
    const ids = (ops.backend.typedArrayFromHeap(segmentIds) as Int32Array).slice();
    const keep: number[] = [];
    for (let i = 0; i < n; i++) if (ids[i]! >= 0 && ids[i]! < numSegments) keep.push(i);
    let updates = ops.reshape(x, [n, slice]);
    let indices = ops.reshape(segmentIds, [n, 1]);
    if (keep.length < n) {
      if (keep.length === 0) return ops.keep(ops.zeros(outShape, x.dtype));
      const rows = ops.adopt(ops.backend.makeOutput([keep.length], "int32"));
      const kept = ops.adopt(ops.backend.makeOutput([keep.length, 1], "int32"));
      const rowsHeap = ops.backend.typedArrayFromHeap(rows);
      const keptHeap = ops.backend.typedArrayFromHeap(kept);
      keep.forEach((row, k) => {
        rowsHeap[k] = row;
        keptHeap[k] = ids[row]!;
      });
      updates = ops.run("GatherV2", { x: updates, indices: rows }, { axis: 0, batchDims: 0 });
      indices = kept;
    }
    const summed = ops.run("ScatterNd", { indices, updates }, { shape: [numSegments, slice] });
    return ops.keep(ops.reshape(summed, outShape));
  } finally {
    ops.dispose();
  }
};

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: "wasm",
  kernelFunc: unsortedSegmentSum,
};
