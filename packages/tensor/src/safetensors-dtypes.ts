import { tensor, type Tensor } from "@tensorflow/tfjs-core";
import { SafetensorsError } from "./errors.js";

/**
 * The safetensors dtypes, in the order of the reference implementation's
 * `Dtype` enum (huggingface/safetensors, safetensors/src/tensor.rs), which
 * its writer sorts by — descending — before sorting by name.
 */
export const SAFETENSORS_DTYPES = [
  "BOOL",
  "U8",
  "I8",
  "F8_E5M2",
  "F8_E4M3",
  "I16",
  "U16",
  "F16",
  "BF16",
  "I32",
  "U32",
  "F32",
  "F64",
  "I64",
  "U64",
] as const;

export type SafetensorsDtype = (typeof SAFETENSORS_DTYPES)[number];

export const DTYPE_SIZE: Record<SafetensorsDtype, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
};

/** Position in the reference enum; the writer puts higher ranks first. */
export function dtypeRank(dtype: SafetensorsDtype): number {
  return SAFETENSORS_DTYPES.indexOf(dtype);
}

export function isSafetensorsDtype(value: unknown): value is SafetensorsDtype {
  return typeof value === "string" && (SAFETENSORS_DTYPES as readonly string[]).includes(value);
}

/** Dtypes gradkit reads; the FP8 formats are known but not read. */
export const READABLE_DTYPES: readonly SafetensorsDtype[] = SAFETENSORS_DTYPES.filter((d) => !d.startsWith("F8_"));

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** IEEE 754 binary16 → number (exact: every half is a float32). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** A note attached to a tensor whose values were converted on reading. */
export interface ReadNote {
  name: string;
  from: SafetensorsDtype;
  to: "float32" | "int32" | "bool";
  note: string;
}

/**
 * Makes a tfjs tensor from one tensor's little-endian bytes. Integers read
 * as int32 (I64, U32, U64 with a range check), floats as float32 (F16 and
 * BF16 exactly, F64 rounded), BOOL as bool.
 */
export function decodeTensor(
  name: string,
  dtype: SafetensorsDtype,
  shape: number[],
  bytes: Uint8Array,
  notes: ReadNote[],
): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  // A fresh, aligned copy at byteOffset 0: tensors own their data, and typed
  // views need alignment. Not `bytes.slice()`: on a Node Buffer that is a
  // view into the shared pool, not a copy.
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  const view = new DataView(copy.buffer, copy.byteOffset, copy.byteLength);
  switch (dtype) {
    case "F32": {
      if (LITTLE_ENDIAN) return tensor(new Float32Array(copy.buffer, copy.byteOffset, n), shape, "float32");
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, true);
      return tensor(out, shape, "float32");
    }
    case "F16": {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
      notes.push({ name, from: dtype, to: "float32", note: "F16 widened to float32 (exact)" });
      return tensor(out, shape, "float32");
    }
    case "BF16": {
      const out = new Float32Array(n);
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < n; i++) bits[i] = view.getUint16(2 * i, true) << 16;
      notes.push({ name, from: dtype, to: "float32", note: "BF16 widened to float32 (exact)" });
      return tensor(out, shape, "float32");
    }
    case "F64": {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(8 * i, true);
      notes.push({
        name,
        from: dtype,
        to: "float32",
        note: "F64 rounded to float32 (tfjs has no float64): about 7 significant digits kept; |x| > 3.4e38 becomes ±Infinity",
      });
      return tensor(out, shape, "float32");
    }
    case "I32": {
      if (LITTLE_ENDIAN) return tensor(new Int32Array(copy.buffer, copy.byteOffset, n), shape, "int32");
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt32(4 * i, true);
      return tensor(out, shape, "int32");
    }
    case "BOOL": {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = copy[i] === 0 ? 0 : 1;
      return tensor(out, shape, "bool");
    }
    case "U8":
    case "I8":
    case "I16":
    case "U16": {
      const out = new Int32Array(n);
      const get =
        dtype === "U8"
          ? (i: number) => view.getUint8(i)
          : dtype === "I8"
            ? (i: number) => view.getInt8(i)
            : dtype === "I16"
              ? (i: number) => view.getInt16(2 * i, true)
              : (i: number) => view.getUint16(2 * i, true);
      for (let i = 0; i < n; i++) out[i] = get(i);
      notes.push({ name, from: dtype, to: "int32", note: `${dtype} widened to int32 (exact)` });
      return tensor(out, shape, "int32");
    }
    case "U32":
    case "I64":
    case "U64": {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const v =
          dtype === "U32" ? BigInt(view.getUint32(4 * i, true)) : dtype === "I64" ? view.getBigInt64(8 * i, true) : view.getBigUint64(8 * i, true);
        if (v < -2147483648n || v > 2147483647n) {
          throw new SafetensorsError(
            "SAFETENSORS_INT_RANGE",
            `safetensors: tensor '${name}' (${dtype}) holds ${v} at flat index ${i}, outside int32 [-2147483648, 2147483647]; tfjs has no 64-bit integers, so it cannot be read exactly.`,
            { name, dtype, index: i, value: v.toString() },
          );
        }
        out[i] = Number(v);
      }
      notes.push({ name, from: dtype, to: "int32", note: `${dtype} narrowed to int32 (every value was in range)` });
      return tensor(out, shape, "int32");
    }
    default:
      throw new SafetensorsError(
        "SAFETENSORS_UNSUPPORTED_DTYPE",
        `safetensors: tensor '${name}' has dtype ${dtype}, which gradkit does not read (readable: ${READABLE_DTYPES.join(", ")}).`,
        { name, dtype },
      );
  }
}
