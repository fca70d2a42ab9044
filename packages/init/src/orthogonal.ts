import { tensor, type Tensor } from "@tensorflow/tfjs-core";
import { describeValue } from "@gradkit/registry";
import { InitError, checkNumber, checkShape } from "./errors.js";
import { toStream, type InitRandom } from "./stream.js";

export interface OrthogonalOptions {
  /** Multiplier of the orthogonal matrix; default 1. */
  gain?: number;
  rng?: InitRandom;
}

/**
 * Orthonormal columns of a tall m×n Gaussian (m ≥ n), row-major, by
 * classical Gram–Schmidt run twice per column ("twice is enough",
 * Giraud et al. 2005). The QR factor it yields has a positive diagonal,
 * which is exactly PyTorch's Q·sign(diag(R)) correction that makes the
 * result Haar-distributed (Mezzadri, 2007).
 */
function orthonormalColumns(a: Float64Array, m: number, n: number): Float64Array {
  const q = new Float64Array(m * n);
  const col = new Float64Array(m);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < m; i++) col[i] = a[i * n + j];
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        let dot = 0;
        for (let i = 0; i < m; i++) dot += q[i * n + k] * col[i];
        for (let i = 0; i < m; i++) col[i] -= dot * q[i * n + k];
      }
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += col[i] * col[i];
    norm = Math.sqrt(norm);
    if (!(norm > 0)) throw new InitError("orthogonal: the Gaussian draw was rank deficient; draw again.", {});
    for (let i = 0; i < m; i++) q[i * n + j] = col[i] / norm;
  }
  return q;
}

/**
 * A (semi-)orthogonal matrix times `gain` (Saxe et al., 2013;
 * `torch.nn.init.orthogonal_`): a Gaussian matrix, its QR decomposition,
 * Q with the signs of diag(R) folded in.
 *
 * The weight is seen as a matrix [rows, cols] = [product of all axes but
 * the last, last axis] — [in, out] for Linear, [kh·kw·in, out] for
 * Conv2d — the transpose of PyTorch's [out, in·kh·kw]. With rows ≥ cols
 * the columns are orthonormal (WᵀW = gain²·I), otherwise the rows are
 * (WWᵀ = gain²·I); PyTorch's weights get the same property, transposed.
 */
export function orthogonal(shape: number[], options: OrthogonalOptions = {}): Tensor {
  checkShape(shape, "orthogonal");
  const gain = checkNumber(options.gain ?? 1, "gain", "orthogonal");
  if (shape.length < 2) {
    throw new InitError(`orthogonal: only tensors with 2 or more dimensions are supported; received shape ${describeValue(shape)}.`, { shape });
  }
  const cols = shape[shape.length - 1];
  const rows = shape.reduce((x, y) => x * y, 1) / Math.max(cols, 1);
  if (rows === 0 || cols === 0) return tensor(new Float32Array(0), shape, "float32");
  const m = Math.max(rows, cols);
  const n = Math.min(rows, cols);
  const stream = toStream(options.rng, "orthogonal");
  const a = new Float64Array(m * n);
  for (let i = 0; i < a.length; i++) a[i] = stream.normal();
  const q = orthonormalColumns(a, m, n);
  const out = new Float32Array(rows * cols);
  if (rows >= cols) {
    for (let i = 0; i < out.length; i++) out[i] = gain * q[i];
  } else {
    // q is cols×rows (tall); the weight is its transpose.
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = gain * q[c * rows + r];
  }
  return tensor(out, shape, "float32");
}
