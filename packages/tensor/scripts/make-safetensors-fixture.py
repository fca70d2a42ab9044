#!/usr/bin/env python3
"""Writes the safetensors fixtures that @gradkit/tensor's tests read.

An independent writer: Python's standard library only (struct, json), no
gradkit code, following the published format
(huggingface/safetensors README and safetensors/src/tensor.rs):

  8 bytes   N, unsigned 64-bit little-endian: the header's byte length
  N bytes   UTF-8 JSON {"__metadata__": {str: str},
                        name: {"dtype", "shape", "data_offsets": [begin, end]}}
            padded with spaces to a multiple of 8 bytes
  rest      the tensors' little-endian, C-order bytes; offsets are relative
            to the end of the header

and the reference writer's layout: tensors sorted by dtype, descending in
the order of its Dtype enum, then by name (bytewise UTF-8); compact JSON
(no spaces), "__metadata__" first, then the tensors in layout order;
metadata keys sorted (the reference leaves them in hash order).

Outputs (in packages/tensor/test/fixtures/):
  mixed.safetensors         every dtype gradkit reads, scalar and empty
                            shapes, dotted and non-ASCII names, metadata
  mixed.expected.json       what gradkit must read from it: per tensor its
                            file dtype, shape, the tfjs dtype it becomes and
                            the values (floats after rounding to float32)
  compatible.safetensors    only F32, I32 and BOOL: bytes gradkit's writer
                            must reproduce exactly from the same tensors
  compatible.expected.json  the tensors to give gradkit's writer
  i64-out-of-range.safetensors  an I64 value beyond int32, which gradkit
                            must refuse to narrow

Run: python3 packages/tensor/scripts/make-safetensors-fixture.py
"""

import json
import math
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "fixtures")

# The reference Dtype enum order (safetensors/src/tensor.rs).
DTYPE_ORDER = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16",
               "BF16", "I32", "U32", "F32", "F64", "I64", "U64"]
# struct codes, little-endian; BF16 is packed by hand.
PACK = {"BOOL": "?", "U8": "B", "I8": "b", "I16": "h", "U16": "H", "F16": "e",
        "I32": "i", "U32": "I", "F32": "f", "F64": "d", "I64": "q", "U64": "Q"}


def f32(x):
    """x rounded to the nearest float32, as a Python float."""
    return struct.unpack("<f", struct.pack("<f", x))[0]


def bf16_bits(x):
    """bfloat16 by truncating float32 bits (exact for the values used here)."""
    bits = struct.unpack("<I", struct.pack("<f", x))[0]
    assert bits & 0xFFFF == 0, "choose values exactly representable in bfloat16"
    return bits >> 16


def pack(dtype, values):
    if dtype == "BF16":
        return b"".join(struct.pack("<H", bf16_bits(v)) for v in values)
    return b"".join(struct.pack("<" + PACK[dtype], v) for v in values)


def serialize(tensors, metadata):
    """tensors: {name: (dtype, shape, flat values)} -> safetensors bytes."""
    order = sorted(tensors, key=lambda name: name.encode("utf-8"))
    order.sort(key=lambda name: DTYPE_ORDER.index(tensors[name][0]), reverse=True)
    header = {}
    if metadata is not None:
        header["__metadata__"] = {k: metadata[k] for k in sorted(metadata, key=lambda k: k.encode("utf-8"))}
    blobs = []
    offset = 0
    for name in order:
        dtype, shape, values = tensors[name]
        count = 1
        for d in shape:
            count *= d
        assert count == len(values), name
        blob = pack(dtype, values)
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def expected_value(dtype, v):
    if dtype in ("F32", "F16", "BF16", "F64"):
        x = f32(v) if dtype in ("F32", "F64") else v
        if math.isinf(x):
            return "Infinity" if x > 0 else "-Infinity"
        if math.isnan(x):
            return "NaN"
        return x
    if dtype == "BOOL":
        return bool(v)
    return int(v)


READ_AS = {"F32": "float32", "F16": "float32", "BF16": "float32", "F64": "float32",
           "I32": "int32", "U8": "int32", "I8": "int32", "I16": "int32", "U16": "int32",
           "U32": "int32", "I64": "int32", "U64": "int32", "BOOL": "bool"}


def expected(tensors, metadata):
    return {
        "metadata": metadata,
        "tensors": {
            name: {"dtype": dtype, "shape": shape, "readAs": READ_AS[dtype],
                   "values": [expected_value(dtype, v) for v in values]}
            for name, (dtype, shape, values) in tensors.items()
        },
    }


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def main():
    os.makedirs(OUT, exist_ok=True)

    mixed = {
        "layer1.0.weight": ("F32", [2, 3], [0.5, -1.25, 3.0, 0.1, -0.2, 1e-3]),
        "layer1.0.bias": ("F32", [3], [0.0, -0.0, 7.5]),
        "scalar": ("F32", [], [3.14159]),
        "empty": ("F32", [0], []),
        "empty_2x0": ("I32", [2, 0], []),
        "ints": ("I32", [4], [-2147483648, -1, 0, 2147483647]),
        "mask": ("BOOL", [2, 2], [True, False, False, True]),
        "bytes": ("U8", [3], [0, 128, 255]),
        "int8": ("I8", [2], [-128, 127]),
        "int16": ("I16", [2], [-32768, 32767]),
        "uint16": ("U16", [2], [0, 65535]),
        "uint32": ("U32", [2], [0, 2147483647]),
        # 65504 is the largest half; 2**-24 the smallest subnormal half.
        "half": ("F16", [2, 3], [1.0, -2.0, 0.5, 65504.0, 2.0 ** -24, float("inf")]),
        "brain": ("BF16", [2], [1.0, -0.15625]),
        "double": ("F64", [3], [0.1, -2.5, 1e-8]),
        "long": ("I64", [3], [-5, 0, 2147483647]),
        "ulong": ("U64", [1], [4294967295 >> 1]),
        "ünï.çødé": ("F32", [1], [42.0]),
    }
    mixed_meta = {"format": "pt", "producer": "make-safetensors-fixture.py", "note": "ünïcode ✓"}
    write("mixed.safetensors", serialize(mixed, mixed_meta))
    with open(os.path.join(OUT, "mixed.expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected(mixed, mixed_meta), f, indent=2, ensure_ascii=False)
        f.write("\n")

    # Names chosen so that UTF-8 byte order and UTF-16 code-unit order
    # disagree: U+FF21 (EF BC A1) sorts before U+1F600 (F0 9F 98 80) in
    # bytes, after it (FF21 vs D83D) in UTF-16.
    compatible = {
        "b": ("F32", [2, 2], [1.0, 2.0, -3.5, 0.25]),
        "a": ("F32", [3], [0.1, 0.2, 0.3]),
        "a.b": ("F32", [], [-1.0]),
        "\uff21": ("F32", [1], [5.0]),
        "\U0001F600": ("F32", [1], [6.0]),
        "count": ("I32", [2], [7, -8]),
        "empty": ("I32", [0], []),
        "flags": ("BOOL", [3], [True, False, True]),
        "Z": ("BOOL", [], [False]),
    }
    compatible_meta = {"step": "100", "epoch": "3", "format": "gradkit"}
    write("compatible.safetensors", serialize(compatible, compatible_meta))
    with open(os.path.join(OUT, "compatible.expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected(compatible, compatible_meta), f, indent=2, ensure_ascii=False)
        f.write("\n")

    write("i64-out-of-range.safetensors", serialize({"big": ("I64", [2], [1, 2 ** 40])}, None))


if __name__ == "__main__":
    main()
