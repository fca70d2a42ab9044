import { Tensor } from "@tensorflow/tfjs-core";
import { describeValue } from "@gradkit/registry";
import { SafetensorsError } from "./errors.js";
import {
  DTYPE_SIZE,
  READABLE_DTYPES,
  SAFETENSORS_DTYPES,
  decodeTensor,
  dtypeRank,
  isSafetensorsDtype,
  type ReadNote,
  type SafetensorsDtype,
} from "./safetensors-dtypes.js";
import { flattenTree, type TensorTree } from "./tree.js";

/**
 * safetensors (huggingface/safetensors): 8 bytes little-endian u64 N, N
 * bytes of UTF-8 JSON header `{"__metadata__": {str: str}, name: {dtype,
 * shape, data_offsets: [begin, end]}}`, then the data, little-endian,
 * C order, offsets relative to the end of the header.
 *
 * The writer makes the bytes the reference writer makes: tensors sorted by
 * dtype (descending, in the reference `Dtype` enum order) then by name
 * (bytewise UTF-8), laid out contiguously in that order; compact JSON with
 * `__metadata__` first (its keys sorted; the reference leaves them in
 * hash order) and then the tensors in layout order; the header padded with
 * spaces to a multiple of 8 bytes.
 */

/** The reference implementation's limit on N. */
export const MAX_HEADER_BYTES = 100_000_000;

export interface SafetensorsHeaderEntry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  dataOffsets: [number, number];
}

export interface SafetensorsHeader {
  /** Byte length of the JSON header (N). */
  headerLength: number;
  metadata: Record<string, string>;
  /** Entries in data order. */
  entries: SafetensorsHeaderEntry[];
}

export interface LoadedSafetensors {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
  /** One note per tensor whose dtype was converted on reading (F16, F64, I64, …). */
  notes: ReadNote[];
}

const WRITE_DTYPE: Record<string, SafetensorsDtype | undefined> = { float32: "F32", int32: "I32", bool: "BOOL" };
const utf8 = new TextEncoder();

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

function byName(a: string, b: string): number {
  return compareBytes(utf8.encode(a), utf8.encode(b));
}

interface Pending {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  tensor: Tensor;
}

function collect(tensors: TensorTree | Record<string, Tensor>): Pending[] {
  const entries = flattenTree(tensors as TensorTree, { allowDottedKeys: true });
  const seen = new Set<string>();
  const out: Pending[] = [];
  for (const [name, leaf] of entries) {
    if (!(leaf instanceof Tensor)) {
      throw new SafetensorsError("SAFETENSORS_NOT_A_TENSOR", `saveSafetensors: '${name}' is ${describeValue(leaf)}, not a tensor.`, { name });
    }
    if (name === "" || name === "__metadata__") {
      throw new SafetensorsError(
        "SAFETENSORS_BAD_NAME",
        name === "" ? "saveSafetensors: pass a record or tree of named tensors, not a bare tensor." : "saveSafetensors: '__metadata__' is reserved for metadata.",
        { name },
      );
    }
    if (seen.has(name)) {
      throw new SafetensorsError("SAFETENSORS_DUPLICATE_NAME", `saveSafetensors: two tensors flatten to the name '${name}'.`, { name });
    }
    seen.add(name);
    if (leaf.isDisposed) {
      throw new SafetensorsError("SAFETENSORS_DISPOSED", `saveSafetensors: tensor '${name}' is disposed.`, { name });
    }
    const dtype = WRITE_DTYPE[leaf.dtype];
    if (dtype === undefined) {
      throw new SafetensorsError(
        "SAFETENSORS_UNSUPPORTED_DTYPE",
        `saveSafetensors: tensor '${name}' has dtype ${leaf.dtype}; gradkit writes float32 (F32), int32 (I32) and bool (BOOL).`,
        { name, dtype: leaf.dtype },
      );
    }
    out.push({ name, dtype, shape: [...leaf.shape], tensor: leaf });
  }
  out.sort((a, b) => dtypeRank(b.dtype) - dtypeRank(a.dtype) || byName(a.name, b.name));
  return out;
}

function checkMetadata(metadata: Record<string, string> | undefined): void {
  if (metadata === undefined) return;
  if (metadata === null || typeof metadata !== "object" || Array.isArray(metadata)) {
    throw new SafetensorsError("SAFETENSORS_METADATA", `saveSafetensors: metadata must be a { string: string } record; received ${describeValue(metadata)}.`);
  }
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== "string") {
      throw new SafetensorsError(
        "SAFETENSORS_METADATA",
        `saveSafetensors: metadata['${k}'] is ${describeValue(v)}; safetensors metadata values must be strings (JSON.stringify it first).`,
        { key: k },
      );
    }
  }
}

function encodeValues(p: Pending, values: ArrayLike<number> | Uint8Array): Uint8Array {
  const n = p.shape.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(n * DTYPE_SIZE[p.dtype]);
  const view = new DataView(out.buffer);
  if (p.dtype === "F32") for (let i = 0; i < n; i++) view.setFloat32(4 * i, values[i], true);
  else if (p.dtype === "I32") for (let i = 0; i < n; i++) view.setInt32(4 * i, values[i], true);
  else for (let i = 0; i < n; i++) out[i] = values[i] ? 1 : 0;
  return out;
}

function assemble(pending: Pending[], data: Uint8Array[], metadata: Record<string, string> | undefined): Uint8Array {
  const parts: string[] = [];
  if (metadata !== undefined) {
    const keys = Object.keys(metadata).sort(byName);
    parts.push(`"__metadata__":{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`).join(",")}}`);
  }
  let offset = 0;
  pending.forEach((p, i) => {
    const end = offset + data[i].length;
    parts.push(`${JSON.stringify(p.name)}:{"dtype":"${p.dtype}","shape":[${p.shape.join(",")}],"data_offsets":[${offset},${end}]}`);
    offset = end;
  });
  let header = utf8.encode(`{${parts.join(",")}}`);
  const pad = (8 - (header.length % 8)) % 8;
  if (pad > 0) {
    const padded = new Uint8Array(header.length + pad).fill(0x20);
    padded.set(header);
    header = padded;
  }
  const out = new Uint8Array(8 + header.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
  out.set(header, 8);
  let at = 8 + header.length;
  for (const d of data) {
    out.set(d, at);
    at += d.length;
  }
  return out;
}

/**
 * Serializes named tensors — a parameter tree (names are dotted paths,
 * `layer1.0.weight`) or a flat `{ name: tensor }` record — to safetensors
 * bytes, reading values with dataSync. float32 → F32, int32 → I32, bool → BOOL.
 */
export function saveSafetensors(tensors: TensorTree | Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  checkMetadata(metadata);
  const pending = collect(tensors);
  return assemble(pending, pending.map((p) => encodeValues(p, p.tensor.dataSync())), metadata);
}

/** As `saveSafetensors`, reading values asynchronously (no dataSync stall on GPU backends). */
export async function saveSafetensorsAsync(tensors: TensorTree | Record<string, Tensor>, metadata?: Record<string, string>): Promise<Uint8Array> {
  checkMetadata(metadata);
  const pending = collect(tensors);
  const values = await Promise.all(pending.map((p) => p.tensor.data()));
  return assemble(pending, pending.map((p, i) => encodeValues(p, values[i] as ArrayLike<number>)), metadata);
}

function malformed(code: string, message: string, details: Record<string, unknown> = {}): never {
  throw new SafetensorsError(code, `safetensors: ${message}`, details);
}

function asBytes(input: Uint8Array | ArrayBuffer): Uint8Array {
  // A plain Uint8Array over the same bytes (a Node Buffer's slice() and
  // subclass methods differ from Uint8Array's), keeping its byteOffset.
  if (input instanceof Uint8Array) return input.constructor === Uint8Array ? input : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  return malformed("SAFETENSORS_INPUT", `expected a Uint8Array or ArrayBuffer; received ${describeValue(input)}.`);
}

function isDim(v: unknown): v is number {
  return Number.isSafeInteger(v) && (v as number) >= 0;
}

/**
 * Parses and validates a safetensors header without reading tensor data:
 * the header length must fit the file (and the reference's 100 MB limit),
 * the header must be a UTF-8 JSON object, every dtype known, every shape a
 * list of non-negative integers whose size matches its offsets, and the
 * offsets must tile the data exactly — no gaps, no overlaps, nothing past
 * the end, no trailing bytes — as the reference reader requires.
 */
export function parseSafetensorsHeader(input: Uint8Array | ArrayBuffer): SafetensorsHeader {
  const bytes = asBytes(input);
  if (bytes.length < 8) malformed("SAFETENSORS_TOO_SMALL", `the file is ${bytes.length} bytes; at least 8 (the header length) are needed.`);
  const n64 = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER_BYTES)) {
    malformed("SAFETENSORS_HEADER_TOO_LARGE", `header length ${n64} exceeds the ${MAX_HEADER_BYTES}-byte limit; the file is probably not safetensors.`, {
      headerLength: n64.toString(),
    });
  }
  const n = Number(n64);
  if (8 + n > bytes.length) {
    malformed("SAFETENSORS_HEADER_LENGTH", `header length ${n} is beyond the file: 8 + ${n} > ${bytes.length} bytes.`, { headerLength: n, fileLength: bytes.length });
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    return malformed("SAFETENSORS_HEADER_UTF8", "the header is not valid UTF-8.");
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return malformed("SAFETENSORS_HEADER_JSON", `the header is not valid JSON (${(error as Error).message}).`);
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    malformed("SAFETENSORS_HEADER_JSON", `the header must be a JSON object; received ${describeValue(json)}.`);
  }
  const metadata: Record<string, string> = {};
  const entries: SafetensorsHeaderEntry[] = [];
  for (const [name, info] of Object.entries(json as Record<string, unknown>)) {
    if (name === "__metadata__") {
      if (info === null || typeof info !== "object" || Array.isArray(info)) malformed("SAFETENSORS_METADATA", "__metadata__ must be an object of strings.");
      for (const [k, v] of Object.entries(info as Record<string, unknown>)) {
        if (typeof v !== "string") malformed("SAFETENSORS_METADATA", `__metadata__['${k}'] must be a string; received ${describeValue(v)}.`, { key: k });
        metadata[k] = v;
      }
      continue;
    }
    const i = info as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
    if (i === null || typeof i !== "object") malformed("SAFETENSORS_TENSOR_INFO", `tensor '${name}': expected { dtype, shape, data_offsets }; received ${describeValue(info)}.`, { name });
    if (!isSafetensorsDtype(i.dtype)) {
      malformed("SAFETENSORS_UNKNOWN_DTYPE", `tensor '${name}' has unknown dtype ${describeValue(i.dtype)}; known: ${SAFETENSORS_DTYPES.join(", ")}.`, {
        name,
        dtype: i.dtype,
      });
    }
    if (!Array.isArray(i.shape) || !i.shape.every(isDim)) {
      malformed("SAFETENSORS_TENSOR_INFO", `tensor '${name}': shape must be a list of non-negative integers; received ${describeValue(i.shape)}.`, { name });
    }
    const off = i.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !isDim(off[0]) || !isDim(off[1]) || off[1] < off[0]) {
      malformed("SAFETENSORS_OFFSETS", `tensor '${name}': data_offsets must be [begin, end] with 0 <= begin <= end; received ${describeValue(off)}.`, { name });
    }
    const dtype = i.dtype as SafetensorsDtype;
    const shape = i.shape as number[];
    const [begin, end] = off as [number, number];
    const size = shape.reduce((a, b) => a * b, 1);
    const need = size * DTYPE_SIZE[dtype];
    if (!Number.isSafeInteger(need) || end - begin !== need) {
      malformed(
        "SAFETENSORS_TENSOR_INFO",
        `tensor '${name}': shape [${shape.join(", ")}] of ${dtype} needs ${need} bytes, but data_offsets [${begin}, ${end}] span ${end - begin}.`,
        { name },
      );
    }
    entries.push({ name, dtype, shape: [...shape], dataOffsets: [begin, end] });
  }
  entries.sort((a, b) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1]);
  const dataLength = bytes.length - 8 - n;
  let expected = 0;
  let previous = "the start of the data";
  for (const e of entries) {
    const [begin, end] = e.dataOffsets;
    if (begin < expected) {
      malformed("SAFETENSORS_OFFSETS", `tensor '${e.name}' data_offsets [${begin}, ${end}] overlap ${previous} (which ends at ${expected}).`, { name: e.name });
    }
    if (begin > expected) {
      malformed("SAFETENSORS_OFFSETS", `tensor '${e.name}' starts at ${begin}, leaving a gap after ${previous} (which ends at ${expected}).`, { name: e.name });
    }
    if (end > dataLength) {
      malformed("SAFETENSORS_OFFSETS", `tensor '${e.name}' data_offsets [${begin}, ${end}] run past the end of the data (${dataLength} bytes).`, {
        name: e.name,
        dataLength,
      });
    }
    expected = end;
    previous = `tensor '${e.name}'`;
  }
  if (expected !== dataLength) {
    malformed("SAFETENSORS_OFFSETS", `the tensors cover ${expected} of ${dataLength} data bytes; ${dataLength - expected} trailing bytes belong to no tensor.`, {
      covered: expected,
      dataLength,
    });
  }
  return { headerLength: n, metadata, entries };
}

/**
 * Reads safetensors bytes into tfjs tensors. F32, I32 and BOOL read as
 * they are; F16 and BF16 widen to float32; F64 rounds to float32; U8, I8,
 * I16, U16 widen to int32; U32, I64, U64 narrow to int32 after a range
 * check. Each conversion is listed in `notes`.
 */
export function loadSafetensors(input: Uint8Array | ArrayBuffer): LoadedSafetensors {
  const bytes = asBytes(input);
  const header = parseSafetensorsHeader(bytes);
  const base = 8 + header.headerLength;
  const notes: ReadNote[] = [];
  const tensors: Record<string, Tensor> = {};
  for (const e of header.entries) {
    if (!READABLE_DTYPES.includes(e.dtype)) {
      for (const t of Object.values(tensors)) t.dispose();
      malformed("SAFETENSORS_UNSUPPORTED_DTYPE", `tensor '${e.name}' has dtype ${e.dtype}, which gradkit does not read (readable: ${READABLE_DTYPES.join(", ")}).`, {
        name: e.name,
        dtype: e.dtype,
      });
    }
  }
  try {
    for (const e of header.entries) {
      tensors[e.name] = decodeTensor(e.name, e.dtype, e.shape, bytes.subarray(base + e.dataOffsets[0], base + e.dataOffsets[1]), notes);
    }
  } catch (error) {
    for (const t of Object.values(tensors)) t.dispose();
    throw error;
  }
  return { tensors, metadata: header.metadata, notes };
}
