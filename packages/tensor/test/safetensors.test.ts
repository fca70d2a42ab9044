import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  countLive,
  loadSafetensors,
  parseSafetensorsHeader,
  readSafetensorsFile,
  saveSafetensors,
  treeDispose,
  unflattenTree,
  writeSafetensorsFile,
} from "@gradkit/tensor";

/**
 * Fixtures come from scripts/make-safetensors-fixture.py, an independent
 * writer (Python stdlib struct + json, no gradkit code) following the
 * published format; *.expected.json hold the values it wrote.
 */
const FIXTURES = join(import.meta.dirname, "fixtures");
const fixture = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, name)));
const expectedOf = (name: string) =>
  JSON.parse(readFileSync(join(FIXTURES, name), "utf8")) as {
    metadata: Record<string, string>;
    tensors: Record<string, { dtype: string; shape: number[]; readAs: string; values: Array<number | boolean | string> }>;
  };

const asNumber = (v: number | boolean | string) => (v === "Infinity" ? Infinity : v === "-Infinity" ? -Infinity : v === "NaN" ? NaN : Number(v));

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("reading a file from an independent writer", () => {
  it("reads every dtype, shape, name and the metadata of mixed.safetensors", () => {
    const want = expectedOf("mixed.expected.json");
    const before = countLive();
    const { tensors, metadata, notes } = loadSafetensors(fixture("mixed.safetensors"));
    expect(metadata).toEqual(want.metadata);
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(want.tensors).sort());
    for (const [name, w] of Object.entries(want.tensors)) {
      const t = tensors[name];
      expect(t.shape, name).toEqual(w.shape);
      expect(t.dtype, name).toBe(w.readAs);
      // Floats were rounded to float32 by the script (struct '<f'); F16/BF16 are exact in float32.
      expect(Array.from(t.dataSync()), name).toEqual(w.values.map(asNumber));
    }
    expect(notes.map((n) => `${n.name}:${n.from}->${n.to}`).sort()).toEqual(
      ["brain:BF16->float32", "bytes:U8->int32", "double:F64->float32", "half:F16->float32", "int16:I16->int32", "int8:I8->int32", "long:I64->int32", "uint16:U16->int32", "uint32:U32->int32", "ulong:U64->int32"].sort(),
    );
    expect(notes.find((n) => n.name === "double")!.note).toMatch(/rounded to float32/);
    const tree = unflattenTree(tensors) as { layer1: Array<{ weight: tf.Tensor }> };
    expect(tree.layer1[0].weight.shape).toEqual([2, 3]);
    treeDispose(tensors);
    expect(countLive()).toBe(before);
  });

  it("refuses to narrow an I64 value outside int32, naming tensor, index and value", () => {
    const before = countLive();
    expect(() => loadSafetensors(fixture("i64-out-of-range.safetensors"))).toThrow(
      "safetensors: tensor 'big' (I64) holds 1099511627776 at flat index 1, outside int32",
    );
    expect(countLive()).toBe(before);
  });

  it("writes the same bytes as the independent writer for the same tensors (compatible.safetensors)", () => {
    const want = expectedOf("compatible.expected.json");
    const input: Record<string, tf.Tensor> = {};
    for (const [name, w] of Object.entries(want.tensors)) {
      input[name] = tf.tensor(w.values.map(asNumber), w.shape, w.readAs as tf.DataType);
    }
    const bytes = saveSafetensors(input, want.metadata);
    const reference = fixture("compatible.safetensors");
    expect(Buffer.from(bytes).toString("latin1")).toBe(Buffer.from(reference).toString("latin1"));
    treeDispose(input);
  });
});

describe("reading from a view into a larger buffer", () => {
  // The bytes sit after a run of 0xAB filler, so reading from the start of
  // the underlying ArrayBuffer (or the Node Buffer pool) gives other values.
  const want = expectedOf("mixed.expected.json");
  const file = fixture("mixed.safetensors");
  const check = (input: Uint8Array, label: string) => {
    const before = countLive();
    const { tensors } = loadSafetensors(input);
    for (const [name, w] of Object.entries(want.tensors)) {
      expect(Array.from(tensors[name].dataSync()), `${label} ${name}`).toEqual(w.values.map(asNumber));
    }
    treeDispose(tensors);
    expect(countLive()).toBe(before);
  };
  for (const offset of [1, 3, 8]) {
    it(`reads a Uint8Array and a Node Buffer at byteOffset ${offset} exactly`, () => {
      const big = new ArrayBuffer(offset + file.length + 5);
      new Uint8Array(big).fill(0xab);
      new Uint8Array(big, offset, file.length).set(file);
      const view = new Uint8Array(big, offset, file.length);
      expect(view.byteOffset).toBe(offset);
      check(view, `Uint8Array@${offset}`);
      const buf = Buffer.from(big, offset, file.length);
      expect(buf.byteOffset).toBe(offset);
      check(buf, `Buffer@${offset}`);
    });
  }
  it("reads readFileSync's Buffer (a view into Node's pool) directly", () => {
    check(readFileSync(join(FIXTURES, "mixed.safetensors")), "readFileSync");
  });
});

describe("gradkit's writer", () => {
  it("round-trips a parameter tree with dotted names, scalar and empty tensors", () => {
    const params = {
      layer1: [{ weight: tf.tensor2d([[1, 2], [3, 4]]), bias: tf.tensor1d([0.5, -0.5]) }],
      step: tf.scalar(7, "int32"),
      empty: tf.zeros([0, 3]),
      mask: tf.tensor1d([true, false], "bool"),
    };
    const bytes = saveSafetensors(params, { epoch: "2" });
    const { tensors, metadata, notes } = loadSafetensors(bytes);
    expect(metadata).toEqual({ epoch: "2" });
    expect(notes).toEqual([]);
    expect(Object.keys(tensors).sort()).toEqual(["empty", "layer1.0.bias", "layer1.0.weight", "mask", "step"]);
    expect(Array.from(tensors["layer1.0.weight"].dataSync())).toEqual([1, 2, 3, 4]);
    expect(tensors.step.dtype).toBe("int32");
    expect(tensors.step.shape).toEqual([]);
    expect(tensors.empty.shape).toEqual([0, 3]);
    expect(Array.from(tensors.mask.dataSync())).toEqual([1, 0]);
    treeDispose([params, tensors]);
  });

  it("lays out the header like the reference: sorted, compact, space-padded to 8 bytes", () => {
    const t = { b: tf.ones([1]), a: tf.ones([1], "int32"), c: tf.ones([1]) };
    const bytes = saveSafetensors(t);
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    // F32 before I32 (descending dtype), then by name.
    expect(header).toBe(
      '{"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"c":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"a":{"dtype":"I32","shape":[1],"data_offsets":[8,12]}}'.padEnd(n, " "),
    );
    treeDispose(t);
  });

  it("matches the reference's own byte-level tests (safetensors/src/tensor.rs test_empty)", () => {
    // serialize({}, None) and serialize({}, {"framework": "pt"}) in the reference's unit tests.
    expect(Array.from(saveSafetensors({}))).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    expect(Array.from(saveSafetensors({}, { framework: "pt" }))).toEqual([
      40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95, 95, 34, 58, 123, 34, 102, 114, 97, 109, 101, 119, 111, 114, 107, 34, 58, 34, 112, 116, 34, 125,
      125, 32, 32, 32, 32, 32,
    ]);
  });

  it("rejects what it cannot write", () => {
    const c = tf.complex([1], [2]);
    expect(() => saveSafetensors({ c })).toThrow(expect.objectContaining({ code: "SAFETENSORS_UNSUPPORTED_DTYPE" }));
    expect(() => saveSafetensors({ x: 3 } as never)).toThrow(/'x' is 3, not a tensor/);
    const t = tf.ones([1]);
    expect(() => saveSafetensors({ "a.b": t, a: { b: t } })).toThrow(expect.objectContaining({ code: "SAFETENSORS_DUPLICATE_NAME" }));
    expect(() => saveSafetensors({ t }, { step: 3 } as never)).toThrow(/metadata\['step'\] is 3/);
    tf.dispose([c, t]);
  });
});

/** Builds a file from a header object and a data length, for malformed-file tests. */
function rawFile(header: unknown, dataLength: number, headerLengthOverride?: bigint): Uint8Array {
  const text = new TextEncoder().encode(typeof header === "string" ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + text.length + dataLength);
  new DataView(out.buffer).setBigUint64(0, headerLengthOverride ?? BigInt(text.length), true);
  out.set(text, 8);
  return out;
}

describe("malformed files are rejected with clear errors", () => {
  const f32 = (begin: number, end: number, shape = [(end - begin) / 4]) => ({ dtype: "F32", shape, data_offsets: [begin, end] });
  it.each([
    ["fewer than 8 bytes", new Uint8Array(5), "SAFETENSORS_TOO_SMALL", /at least 8/],
    ["header length beyond the file", rawFile({}, 0, 1000n), "SAFETENSORS_HEADER_LENGTH", /header length 1000 is beyond the file: 8 \+ 1000 > 10 bytes/],
    ["header length beyond 100 MB", rawFile({}, 0, 1n << 40n), "SAFETENSORS_HEADER_TOO_LARGE", /exceeds the 100000000-byte limit/],
    ["invalid UTF-8", rawFile("{\"\xff\"}", 0).map((b, i) => (i === 10 ? 0xff : b)), "SAFETENSORS_HEADER_UTF8", /not valid UTF-8/],
    ["invalid JSON", rawFile("{not json", 0), "SAFETENSORS_HEADER_JSON", /not valid JSON/],
    ["a JSON array", rawFile("[]", 0), "SAFETENSORS_HEADER_JSON", /must be a JSON object/],
    ["unknown dtype", rawFile({ x: { dtype: "F128", shape: [1], data_offsets: [0, 16] } }, 16), "SAFETENSORS_UNKNOWN_DTYPE", /tensor 'x' has unknown dtype "F128"; known: BOOL, U8/],
    ["size not matching shape", rawFile({ x: f32(0, 8, [3]) }, 8), "SAFETENSORS_TENSOR_INFO", /shape \[3\] of F32 needs 12 bytes, but data_offsets \[0, 8\] span 8/],
    ["negative shape", rawFile({ x: { dtype: "F32", shape: [-1], data_offsets: [0, 4] } }, 4), "SAFETENSORS_TENSOR_INFO", /non-negative integers/],
    ["end before begin", rawFile({ x: { dtype: "F32", shape: [1], data_offsets: [8, 4] } }, 8), "SAFETENSORS_OFFSETS", /0 <= begin <= end/],
    ["overlapping offsets", rawFile({ a: f32(0, 8), b: f32(4, 12) }, 12), "SAFETENSORS_OFFSETS", /tensor 'b' data_offsets \[4, 12\] overlap tensor 'a' \(which ends at 8\)/],
    ["a gap between tensors", rawFile({ a: f32(0, 4), b: f32(8, 12) }, 12), "SAFETENSORS_OFFSETS", /tensor 'b' starts at 8, leaving a gap/],
    ["offsets past the end", rawFile({ a: f32(0, 16) }, 8), "SAFETENSORS_OFFSETS", /run past the end of the data \(8 bytes\)/],
    ["trailing bytes", rawFile({ a: f32(0, 4) }, 8), "SAFETENSORS_OFFSETS", /cover 4 of 8 data bytes; 4 trailing bytes/],
    ["non-string metadata", rawFile({ __metadata__: { step: 1 } }, 0), "SAFETENSORS_METADATA", /must be a string/],
    ["an FP8 tensor", rawFile({ a: { dtype: "F8_E4M3", shape: [2], data_offsets: [0, 2] } }, 2), "SAFETENSORS_UNSUPPORTED_DTYPE", /does not read/],
  ])("%s", (_label, bytes, code, message) => {
    const before = countLive();
    let caught: unknown;
    try {
      loadSafetensors(bytes as Uint8Array);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code });
    expect((caught as Error).message).toMatch(message as RegExp);
    expect(countLive()).toBe(before);
  });

  it("parseSafetensorsHeader reads names, dtypes and offsets without making tensors", () => {
    const before = countLive();
    const h = parseSafetensorsHeader(fixture("compatible.safetensors"));
    expect(countLive()).toBe(before);
    expect(h.headerLength % 8).toBe(0);
    expect(h.entries.map((e) => e.name)).toEqual(["a", "a.b", "b", "\uff21", "\u{1F600}", "count", "empty", "Z", "flags"]);
  });
});

describe("files", () => {
  const dir = mkdtempSync(join(tmpdir(), "gradkit-safetensors-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes atomically (no temp file left) and reads back", async () => {
    const path = join(dir, "model.safetensors");
    const params = { w: tf.tensor2d([[1, 2, 3]]), b: tf.scalar(-1) };
    await writeSafetensorsFile(path, params, { step: "1" });
    await writeSafetensorsFile(path, { w: tf.keep(tf.tensor2d([[4, 5, 6]])) }, { step: "2" });
    expect(readdirSync(dir)).toEqual(["model.safetensors"]);
    const { tensors, metadata } = await readSafetensorsFile(path);
    expect(metadata).toEqual({ step: "2" });
    expect(Array.from(tensors.w.dataSync())).toEqual([4, 5, 6]);
    treeDispose([params, tensors]);
  });

  it("leaves the old file in place and no temp file when writing fails", async () => {
    const path = join(dir, "model.safetensors");
    await expect(writeSafetensorsFile(join(dir, "missing-dir", "x.safetensors"), { a: tf.ones([1]) })).rejects.toThrow(/ENOENT/);
    await expect(writeSafetensorsFile(path, { c: tf.complex([1], [1]) })).rejects.toThrow(/complex64/);
    expect(readdirSync(dir)).toEqual(["model.safetensors"]);
  });
});
