import * as tf from "@tensorflow/tfjs-core";
import * as z from "zod";
import { describeValue } from "@gradkit/registry";
import { checkChannels, checkImages, AugmentError } from "./errors.js";
import { symmetricEigen } from "./linalg.js";

/** The statistics a preprocessing step was fitted to, as plain JSON. */
export type PreprocessingState =
  | { kind: "meanImage"; shape: number[]; mean: number[] }
  | { kind: "channelMeanStd"; mean: number[]; std: number[]; epsilon: number }
  | { kind: "pca"; shape: number[]; mean: number[]; eigenvalues: number[]; components: number[][]; epsilon: number }
  | { kind: "zca"; shape: number[]; mean: number[]; eigenvalues: number[]; components: number[][]; epsilon: number };

export const fitPreprocessingSchema = z
  .object({
    kind: z.enum(["meanImage", "channelMeanStd", "pca", "zca"]),
    epsilon: z.number().min(0).default(1e-5),
    /** PCA: how many leading components to keep (default all). */
    components: z.number().int().positive().optional(),
  })
  .strict();
export type FitPreprocessingOptions = z.input<typeof fitPreprocessingSchema>;

/** A fitted preprocessing step: apply it to any split, save it with toJSON(), load it with preprocessingFromJSON. */
export interface Preprocessing {
  readonly state: PreprocessingState;
  /** Images [N, H, W, C] → preprocessed; [N, H, W, C] for all kinds except PCA, which gives [N, k]. */
  apply(images: tf.Tensor4D): tf.Tensor;
  toJSON(): PreprocessingState;
}

/** Whitening fits decompose a D×D covariance (D = H·W·C) with Jacobi rotations: O(D³) per sweep, practical up to a few hundred features. */
export const MAX_WHITENING_FEATURES = 1024;

/**
 * Fits on a training set ([N, H, W, C] in [0, 1]):
 * - meanImage: x − mean image (AlexNet);
 * - channelMeanStd: (x − μ_c)/(σ_c + ε) with population σ (torchvision Normalize with fitted stats);
 * - pca: ((x − μ) · U_k) / √(λ_k + ε), the decorrelated, unit-variance coordinates ([N, k]);
 * - zca: ((x − μ) · U diag(1/√(λ + ε)) Uᵀ), reshaped back to images (Krizhevsky 2009, Bell & Sejnowski).
 * Covariances are population covariances (divided by N).
 */
export function fitPreprocessing(images: tf.Tensor4D, options: FitPreprocessingOptions): Preprocessing {
  checkImages(images, "fitPreprocessing");
  const o = fitPreprocessingSchema.parse(options);
  const [n, h, w, c] = images.shape;
  const shape = [h, w, c];
  if (o.kind === "meanImage") {
    const mean = tf.tidy(() => tf.mean(images, 0).dataSync());
    return preprocessingFromJSON({ kind: "meanImage", shape, mean: Array.from(mean) });
  }
  if (o.kind === "channelMeanStd") {
    const [mean, std] = tf.tidy(() => {
      const m = tf.moments(images, [0, 1, 2]);
      return [Array.from(m.mean.dataSync()), Array.from(tf.sqrt(m.variance).dataSync())];
    });
    return preprocessingFromJSON({ kind: "channelMeanStd", mean, std, epsilon: o.epsilon });
  }
  const d = h * w * c;
  if (d > MAX_WHITENING_FEATURES) {
    throw new AugmentError("AUGMENT_TOO_MANY_FEATURES", `fitPreprocessing(${o.kind}): images of ${h}×${w}×${c} = ${d} features exceed ${MAX_WHITENING_FEATURES}; whiten patches or downsampled images.`, {
      expected: MAX_WHITENING_FEATURES,
      received: d,
    });
  }
  const { mean, cov } = tf.tidy(() => {
    const flat = tf.reshape(images, [n, d]);
    const mu = tf.mean(flat, 0);
    const centered = tf.sub(flat, mu);
    return { mean: Array.from(mu.dataSync()), cov: tf.div(tf.matMul(centered, centered, true, false), n).arraySync() as number[][] };
  });
  const { values, vectors } = symmetricEigen(cov);
  const k = o.kind === "pca" ? Math.min(o.components ?? d, d) : d;
  const components = vectors.map((row) => row.slice(0, k));
  return preprocessingFromJSON({ kind: o.kind, shape, mean, eigenvalues: values.slice(0, k).map((v) => Math.max(v, 0)), components, epsilon: o.epsilon });
}

function checkShape(images: tf.Tensor4D, shape: number[], kind: string): void {
  checkImages(images, `preprocessing(${kind})`);
  const got = images.shape.slice(1);
  if (got.some((v, i) => v !== shape[i])) {
    throw new AugmentError("AUGMENT_SHAPE_MISMATCH", `preprocessing(${kind}): fitted on images [N, ${shape.join(", ")}]; received [${images.shape.join(", ")}].`, {
      expected: shape,
      received: images.shape,
    });
  }
}

export const PREPROCESSING_KINDS = ["meanImage", "channelMeanStd", "pca", "zca"] as const;

function badState(field: string, expected: string, received: unknown, receivedText = describeValue(received)): AugmentError {
  return new AugmentError("AUGMENT_BAD_STATE", `preprocessingFromJSON: field '${field}' must be ${expected}; received ${receivedText}.`, {
    where: "preprocessingFromJSON",
    field,
    expected,
    received,
  });
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** A finite-number array of the given length (any length ≥ 1 when omitted), each ≥ `min`. */
function checkNumbers(field: string, value: unknown, length?: number, what = "", min = -Infinity): number[] {
  const expected = `an array of ${length ?? "one or more"} finite numbers${min > -Infinity ? ` ≥ ${min}` : ""}${what}`;
  if (!Array.isArray(value)) throw badState(field, expected, value);
  if (length === undefined ? value.length === 0 : value.length !== length) throw badState(field, expected, value.length, count(value.length, "entry", "entries"));
  const bad = value.findIndex((v) => typeof v !== "number" || !Number.isFinite(v) || v < min);
  if (bad >= 0) throw badState(`${field}[${bad}]`, `a finite number${min > -Infinity ? ` ≥ ${min}` : ""}`, value[bad]);
  return value as number[];
}

function checkEpsilon(value: unknown): void {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) throw badState("epsilon", "a finite number ≥ 0", value);
}

/** The [H, W, C] image shape of a state; returns D = H·W·C. */
function checkImageShape(value: unknown): number {
  const expected = "[H, W, C], three positive integers";
  if (!Array.isArray(value) || value.length !== 3 || !value.every((v) => Number.isInteger(v) && v > 0)) throw badState("shape", expected, value);
  return (value as number[]).reduce((a, b) => a * b, 1);
}

/**
 * Checks a JSON state before any tensor is made: a known `kind`, and every
 * array with the length its kind needs (mean: one per pixel or channel,
 * std: one per channel, eigenvalues: k in [1, D], components: D rows of k).
 */
export function validatePreprocessingState(state: unknown): asserts state is PreprocessingState {
  if (typeof state !== "object" || state === null || Array.isArray(state)) throw badState("state", "an object as written by toJSON()", state);
  const s = state as Record<string, unknown>;
  if (!PREPROCESSING_KINDS.includes(s.kind as never)) throw badState("kind", `one of ${PREPROCESSING_KINDS.map((k) => `"${k}"`).join(", ")}`, s.kind);
  if (s.kind === "channelMeanStd") {
    const mean = checkNumbers("mean", s.mean, undefined, " (one per channel)");
    checkNumbers("std", s.std, mean.length, ` (one per channel, as 'mean')`, 0);
    checkEpsilon(s.epsilon);
    return;
  }
  const d = checkImageShape(s.shape);
  checkNumbers("mean", s.mean, d, " (H·W·C, one per feature)");
  if (s.kind === "meanImage") return;
  if (!Array.isArray(s.eigenvalues) || s.eigenvalues.length < 1 || s.eigenvalues.length > d) {
    throw badState("eigenvalues", `an array of 1 to ${d} (H·W·C) finite numbers ≥ 0`, s.eigenvalues, Array.isArray(s.eigenvalues) ? count(s.eigenvalues.length, "entry", "entries") : undefined);
  }
  const k = checkNumbers("eigenvalues", s.eigenvalues, s.eigenvalues.length, "", 0).length;
  if (!Array.isArray(s.components) || s.components.length !== d) {
    throw badState("components", `${d} (H·W·C) rows of ${k} numbers`, s.components, Array.isArray(s.components) ? count(s.components.length, "row", "rows") : undefined);
  }
  s.components.forEach((row, i) => checkNumbers(`components[${i}]`, row, k, " (one per eigenvalue)"));
  checkEpsilon(s.epsilon);
}

/** Rebuilds a fitted step from its JSON state (as saved by toJSON()); a malformed state fails with AUGMENT_BAD_STATE naming the field. */
export function preprocessingFromJSON(state: PreprocessingState): Preprocessing {
  validatePreprocessingState(state);
  const base = { state, toJSON: () => state };
  switch (state.kind) {
    case "meanImage":
      return {
        ...base,
        apply: (x) => {
          checkShape(x, state.shape, state.kind);
          return tf.tidy(() => tf.sub(x, tf.tensor(state.mean, state.shape)));
        },
      };
    case "channelMeanStd":
      return {
        ...base,
        apply: (x) => {
          checkImages(x, "preprocessing(channelMeanStd)");
          checkChannels(x, state.mean.length, "preprocessing(channelMeanStd)");
          return tf.tidy(() => tf.div(tf.sub(x, tf.tensor1d(state.mean)), tf.add(tf.tensor1d(state.std), state.epsilon)));
        },
      };
    case "pca":
    case "zca":
      return {
        ...base,
        apply: (x) => {
          checkShape(x, state.shape, state.kind);
          return tf.tidy(() => {
            const n = x.shape[0];
            const d = state.mean.length;
            const u = tf.tensor2d(state.components);
            const scale = tf.tensor1d(state.eigenvalues.map((v) => 1 / Math.sqrt(v + state.epsilon)));
            const proj = tf.mul(tf.matMul(tf.sub(tf.reshape(x, [n, d]), tf.tensor1d(state.mean)), u), scale);
            return state.kind === "pca" ? proj : tf.reshape(tf.matMul(proj, u, false, true), x.shape);
          });
        },
      };
  }
}
