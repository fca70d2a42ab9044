import { broadcastTo, conv2d, div, engine, mul, ones, reshape, util, type GradConfig, type NamedAttrMap, type Tensor, type Tensor4D } from "@tensorflow/tfjs-core";

/**
 * tfjs-core 4.22's AvgPool gradient is wrong wherever a window overlaps the
 * padding ("same" or numeric pad). The forward kernels (cpu, wasm/XNNPACK,
 * webgpu) average over the *valid* pixels of each window only, but
 * AvgPoolGrad spreads dy[o] / (kh·kw) — the full window size — so border
 * gradients come out too small (found by gradCheck: relative error > 1 at
 * the borders of a 3×3 stride-1 "same" pool).
 *
 * With y[o] = (1/n[o]) Σ_{i ∈ window(o), valid} x[i], the gradient is
 * dx[i] = Σ_{o ∋ i} dy[o] / n[o]. AvgPoolGrad(g)[i] = Σ_{o ∋ i} g[o]/(kh·kw),
 * so feeding it g = dy · (kh·kw) / n gives the right answer. n[o] is the
 * convolution of a ones image with a ones kernel under the same stride and
 * padding, computed with ordinary ops so it runs on any backend.
 */
export const avgPoolGradConfig: GradConfig = {
  kernelName: "AvgPool",
  inputsToSave: ["x"],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [x] = saved as [Tensor4D];
    const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as {
      filterSize: number | [number, number];
      strides: number | [number, number];
      pad: "valid" | "same" | number;
      dimRoundingMode?: "floor" | "round" | "ceil";
    };
    const [fh, fw] = typeof filterSize === "number" ? [filterSize, filterSize] : filterSize;
    const upstream = dy as Tensor4D;
    return {
      x: () => {
        let g: Tensor = upstream;
        if (pad !== "valid" && pad !== 0) {
          const [, h, w] = x.shape;
          const count = conv2d(ones([1, h, w, 1]) as Tensor4D, ones([fh, fw, 1, 1]) as Tensor4D, strides, pad, "NHWC", 1, dimRoundingMode);
          g = mul(upstream, mul(fh * fw, engine().runKernel("Reciprocal", { x: count }) as Tensor));
        }
        return engine().runKernel("AvgPoolGrad", { dy: g, input: x }, { filterSize, strides, pad }) as Tensor;
      },
    };
  },
};

/** dy reshaped to x's rank with 1 on the reduced axes, and the number of elements each output reduced. */
function expandedDy(dy: Tensor, x: Tensor, axis: unknown): { dy: Tensor; count: number } {
  const axes = util.parseAxisParam(axis as number | number[], x.shape);
  const shape = x.shape.slice();
  let count = 1;
  for (const a of axes) {
    count *= shape[a];
    shape[a] = 1;
  }
  return { dy: reshape(dy, shape), count };
}

/**
 * tfjs-core 4.22's Sum and Mean gradients multiply dy by `ones(x.shape)`: a
 * ones array the size of x, filled in JavaScript and, on a GPU backend,
 * uploaded, at every backward pass. For a batch-norm over activations
 * [256, 28, 28, 16] that is 12.8 MB per call; on an H100 (WebGPU) filling
 * and uploading these arrays was 60 % of a ResNet-8 training step's CPU time
 * (scripts/device/profile.mjs). The gradient is dy broadcast over the reduced
 * axes (÷ n for the mean), so it is computed as exactly that.
 */
export const sumGradConfig: GradConfig = {
  kernelName: "Sum",
  inputsToSave: ["x"],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [x] = saved;
    return { x: () => broadcastTo(expandedDy(dy as Tensor, x, attrs.axis).dy, x.shape) };
  },
};

/** Mean: dy / n broadcast over the reduced axes (see sumGradConfig). */
export const meanGradConfig: GradConfig = {
  kernelName: "Mean",
  inputsToSave: ["x"],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [x] = saved;
    return {
      x: () => {
        const e = expandedDy(dy as Tensor, x, attrs.axis);
        return broadcastTo(div(e.dy, e.count), x.shape);
      },
    };
  },
};

/** Gradient configs gradkit registers in place of tfjs-core's. */
export const gradientFixes: readonly GradConfig[] = [avgPoolGradConfig, sumGradConfig, meanGradConfig];
