import { getKernel, type DataType, type NamedAttrMap, type TensorInfo } from "@tensorflow/tfjs-core";
import { GradkitError } from "@gradkit/registry";

/**
 * The parts of tfjs-backend-wasm's `BackendWasm` the completing kernels
 * use, stated structurally so this package needs no types from it.
 */
export interface WasmBackendLike {
  dataIdMap: {
    get(dataId: object): { id: number; memoryOffset: number; shape: number[]; dtype: DataType; refCount: number } | undefined;
    delete(dataId: object): boolean;
  };
  makeOutput(shape: number[], dtype: DataType, memoryOffset?: number): TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
  numDataIds(): number;
  wasm: { tfjs: { disposeData(id: number): void } };
}

export function asWasmBackend(backend: unknown, kernelName: string): WasmBackendLike {
  const b = backend as Partial<WasmBackendLike> | null;
  if (b == null || typeof b.makeOutput !== "function" || b.dataIdMap == null || b.wasm == null) {
    throw new GradkitError(
      "WASM_KERNEL_BAD_BACKEND",
      `gradkit's wasm kernel ${kernelName} ran on a backend that is not tfjs-backend-wasm's BackendWasm.`,
      { kernelName },
    );
  }
  return b as WasmBackendLike;
}

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * Runs tfjs-backend-wasm's own registered kernels directly (their
 * kernelFunc, not the engine), so intermediates never become engine
 * tensors. Every output is tracked and freed by `dispose()` except the one
 * handed back with `keep()`. Views (tensors that alias part of another
 * tensor's heap memory) are unregistered without freeing the memory.
 */
export class WasmOps {
  readonly backend: WasmBackendLike;
  readonly kernelName: string;
  readonly #temps: TensorInfo[] = [];
  readonly #views: TensorInfo[] = [];

  constructor(backend: unknown, kernelName: string) {
    this.backend = asWasmBackend(backend, kernelName);
    this.kernelName = kernelName;
  }

  /** Runs wasm kernel `name`; its output is a temporary until kept. */
  run(name: string, inputs: Record<string, TensorInfo> | TensorInfo[], attrs: NamedAttrMap = {}): TensorInfo {
    const config = getKernel(name, "wasm");
    if (config === undefined) {
      throw new GradkitError(
        "WASM_KERNEL_MISSING",
        `gradkit's wasm kernel ${this.kernelName} needs tfjs-backend-wasm's ${name} kernel, which is not registered. Import @tensorflow/tfjs-backend-wasm first.`,
        { kernelName: this.kernelName, needs: name },
      );
    }
    const out = config.kernelFunc({ inputs: inputs as never, backend: this.backend, attrs }) as TensorInfo;
    this.#temps.push(out);
    return out;
  }

  /** Tracks a tensor made outside `run` (e.g. by makeOutput) as a temporary. */
  adopt(t: TensorInfo): TensorInfo {
    this.#temps.push(t);
    return t;
  }

  /**
   * Takes `t` out of the temporaries: the caller owns it. A tensor that
   * aliases a view's memory is copied first (views die with `dispose`).
   */
  keep(t: TensorInfo): TensorInfo {
    if (this.#views.some((v) => v.dataId === t.dataId)) t = this.run("Identity", { x: t });
    const i = this.#temps.indexOf(t);
    if (i >= 0) this.#temps.splice(i, 1);
    return t;
  }

  /** Frees a temporary now (to keep peak memory low). */
  free(t: TensorInfo): void {
    const i = this.#temps.indexOf(t);
    if (i >= 0) {
      this.#temps.splice(i, 1);
      this.backend.disposeData(t.dataId);
    }
  }

  /**
   * A tensor of `shape` that aliases `base`'s memory from element `offset`.
   * The caller guarantees the range stays inside `base`'s allocation.
   */
  view(base: TensorInfo, offset: number, shape: number[]): TensorInfo {
    const data = this.backend.dataIdMap.get(base.dataId);
    if (data === undefined) throw new Error(`view of a tensor the wasm backend does not hold`);
    const bytes = base.dtype === "float32" || base.dtype === "int32" ? 4 : 1;
    const v = this.backend.makeOutput(shape, base.dtype, data.memoryOffset + offset * bytes);
    this.#views.push(v);
    return v;
  }

  /**
   * Unregisters a view without freeing its memory (it belongs to the base).
   * Unregistering runs the C++ disposal callbacks, which drop any XNNPACK
   * operator cached on the view's id.
   */
  releaseView(v: TensorInfo): void {
    const i = this.#views.indexOf(v);
    if (i < 0) return;
    this.#views.splice(i, 1);
    const data = this.backend.dataIdMap.get(v.dataId);
    if (data !== undefined) {
      this.backend.wasm.tfjs.disposeData(data.id);
      this.backend.dataIdMap.delete(v.dataId);
    }
  }

  /** Frees every temporary and releases every view, in reverse order. */
  dispose(): void {
    while (this.#views.length > 0) this.releaseView(this.#views[this.#views.length - 1]!);
    while (this.#temps.length > 0) this.backend.disposeData(this.#temps.pop()!.dataId);
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run("Reshape", { x }, { shape });
  }

  /** Constant padding (zeros by default); a no-op padding returns a reshape (no copy). */
  pad(x: TensorInfo, paddings: Array<[number, number]>, value = 0): TensorInfo {
    if (paddings.every(([a, b]) => a === 0 && b === 0)) return this.reshape(x, [...x.shape]);
    return this.run("PadV2", { x }, { paddings, constantValue: value });
  }

  /**
   * Transpose with the rank reduced first: size-1 axes dropped, axes that
   * stay neighbours merged, so the wasm kernel hits its 2-D/3-D/4-D paths.
   * Its n-D path is ~20× slower, so a permutation still of rank > 4 is done
   * as steps that each move one axis to the front (a 3-D transpose) until
   * the rest fits. A 2-D transpose whose rows would be written at a stride
   * with a large power-of-two factor thrashes the cache (measured 10–40×
   * slower); it runs as a 3-D transpose instead, which writes contiguously.
   */
  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    const outShape = perm.map((p) => x.shape[p]!);
    const { shape, perm: reduced } = reduceTranspose(x.shape, perm);
    if (reduced.every((p, i) => p === i)) return this.reshape(x, outShape);
    // Leading axes that stay in place are looped over by the kernel, not permuted.
    let lead = 0;
    while (reduced[lead] === lead) lead++;
    if (shape.length - lead > 4) {
      // Move the next output axis forward: [outer, mid, axis, after] → [outer, axis, mid, after].
      const a = reduced[lead]!;
      const prod = (from: number, to: number) => shape.slice(from, to).reduce((p, d) => p * d, 1);
      const moved = this.#transposeKernel(this.reshape(x, [prod(0, lead), prod(lead, a), shape[a]!, prod(a + 1, shape.length)]), [0, 2, 1, 3]);
      const movedShape = [...shape.slice(0, lead), shape[a]!, ...shape.slice(lead, a), ...shape.slice(a + 1)];
      const position = (p: number) => (p < lead || p > a ? p : p === a ? lead : p + 1);
      const done = this.transpose(this.reshape(moved, movedShape), reduced.map(position));
      return this.reshape(done, outShape);
    }
    let input = this.reshape(x, shape);
    let kernelPerm = reduced;
    if (shape.length === 2 && shape[1]! >= 4 && shape[0]! % 256 === 0) {
      input = this.reshape(input, [2, shape[0]! / 2, shape[1]!]);
      kernelPerm = [2, 0, 1];
    }
    return this.reshape(this.#transposeKernel(input, kernelPerm), outShape);
  }

  #transposeKernel(x: TensorInfo, perm: number[]): TensorInfo {
    const t = this.run("Transpose", { x }, { perm });
    this.free(x);
    return t;
  }

  concat(xs: TensorInfo[], axis: number): TensorInfo {
    if (xs.length === 1) return this.reshape(xs[0]!, [...xs[0]!.shape]);
    return this.run("Concat", xs, { axis });
  }

  /** A float32 tensor of zeros. */
  zeros(shape: number[], dtype: DataType = "float32"): TensorInfo {
    return this.run("Fill", {}, { shape, value: 0, dtype });
  }

  /**
   * Copies the box `[begin, begin+size)` of a rank-4 tensor into a new
   * tensor with one heap-to-heap copy per innermost row (tfjs-backend-wasm's
   * own Slice first copies the whole input out of the heap).
   */
  crop4d(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    if (begin.every((b) => b === 0) && size.every((s, i) => s === x.shape[i])) return this.reshape(x, [...x.shape]);
    const out = this.adopt(this.backend.makeOutput(size, x.dtype));
    const src = this.backend.typedArrayFromHeap(x);
    const dst = this.backend.typedArrayFromHeap(out);
    const [, s1, s2, s3] = x.shape as [number, number, number, number];
    // Whole innermost rows are contiguous across the third axis too.
    const wholeRows = begin[3] === 0 && size[3] === s3;
    const run = wholeRows ? size[2]! * s3 : size[3]!;
    const lines = wholeRows ? 1 : size[2]!;
    let o = 0;
    for (let a = 0; a < size[0]!; a++) {
      for (let b = 0; b < size[1]!; b++) {
        for (let c = 0; c < lines; c++) {
          const i = (((begin[0]! + a) * s1 + begin[1]! + b) * s2 + begin[2]! + c) * s3 + begin[3]!;
          dst.set(src.subarray(i, i + run), o);
          o += run;
        }
      }
    }
    return out;
  }

  size(t: TensorInfo): number {
    return sizeOf(t.shape);
  }
}

/** Drops size-1 axes and merges axes that stay adjacent under `perm`. */
export function reduceTranspose(shape: readonly number[], perm: readonly number[]): { shape: number[]; perm: number[] } {
  // Renumber the axes that are not size 1, in input order.
  const index: number[] = [];
  const kept: number[] = [];
  shape.forEach((s, a) => {
    index[a] = s === 1 ? -1 : kept.length;
    if (s !== 1) kept.push(s);
  });
  const axes = perm.map((p) => index[p]!).filter((a) => a >= 0);
  // Group output-order axes into runs of consecutive input axes.
  const runs: number[][] = [];
  for (const a of axes) {
    const last = runs[runs.length - 1];
    if (last !== undefined && last[last.length - 1]! + 1 === a) last.push(a);
    else runs.push([a]);
  }
  // Input order of the runs gives the reduced input shape.
  const byInput = [...runs].sort((r1, r2) => r1[0]! - r2[0]!);
  const newShape = byInput.map((r) => r.reduce((acc, a) => acc * kept[a]!, 1));
  const newPerm = runs.map((r) => byInput.indexOf(r));
  if (newShape.length === 0) return { shape: [1], perm: [0] };
  return { shape: newShape, perm: newPerm };
}
