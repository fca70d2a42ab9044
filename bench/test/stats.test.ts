import { describe, expect, it } from "vitest";
import { formatMarkdown, formatRatio, formatTable, imagesPerSecond, median, parseLoad, ratio, throughputTable, validateResult, type ThroughputRow } from "../src/stats.js";

const row = (o: Partial<ThroughputRow>): ThroughputRow => ({
  model: "mlp",
  framework: "gradkit",
  backend: "wasm",
  threads: 1,
  batch: 128,
  params: 203530,
  windows: [1],
  imagesPerSecond: 1,
  ...o,
});

describe("median", () => {
  it("takes the middle value of an odd count and the mean of the two middle values of an even count", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });
  it("does not reorder its input", () => {
    const xs = [3, 1, 2];
    median(xs);
    expect(xs).toEqual([3, 1, 2]);
  });
  it("rejects an empty list and non-finite values, naming them", () => {
    expect(() => median([])).toThrow(/empty list/);
    expect(() => median([1, Number.NaN])).toThrow(/finite numbers; received NaN/);
  });
});

describe("throughput arithmetic", () => {
  it("images/s = batch · steps / seconds", () => {
    expect(imagesPerSecond(128, 10, 2000)).toBe(640);
    expect(() => imagesPerSecond(128, 1, 0)).toThrow(/positive duration/);
  });
  it("ratio is ours / peer, null when a side is missing", () => {
    expect(ratio(300, 200)).toBe(1.5);
    expect(ratio(300, undefined)).toBeNull();
    expect(ratio(300, 0)).toBeNull();
    expect(formatRatio(1.5)).toBe("1.50×");
    expect(formatRatio(null)).toBe("—");
  });
});

describe("tables", () => {
  it("matches each gradkit row with tfjs-layers on the same backend and threads, and torch at the same threads", () => {
    const rows = [
      row({ imagesPerSecond: 1200 }),
      row({ framework: "tfjs-layers", imagesPerSecond: 1000 }),
      row({ framework: "torch", backend: "torch cpu", imagesPerSecond: 2400 }),
      row({ framework: "torch", backend: "torch cpu", threads: 2, imagesPerSecond: 4000 }),
      row({ framework: "tfjs-layers", backend: "cpu", imagesPerSecond: 5 }),
    ];
    const t = throughputTable(rows);
    expect(t.rows[0]).toEqual(["mlp", "wasm", "1", "1200", "1000", "1.20×", "2400", "0.50×"]);
    // torch at 2 threads has no gradkit row at 2 threads: compared with gradkit's best
    expect(t.rows[1]).toEqual(["mlp", "(best: wasm 1t)", "2", "1200", "—", "—", "4000", "0.30×"]);
    expect(t.rows).toHaveLength(2);
  });
  it("aligns columns and writes Markdown", () => {
    expect(formatTable(["a", "bb"], [["xyz", "1"]]).split("\n")).toEqual(["a    bb", "---  --", "xyz   1"]);
    expect(formatMarkdown(["a", "b"], [["x", "1"]])).toBe("| a | b |\n| --- | ---: |\n| x | 1 |");
  });
  it("parses uptime's load averages", () => {
    expect(parseLoad(" 04:47:11 up  2:51,  0 user,  load average: 2.11, 1.26, 3.19")).toEqual([2.11, 1.26, 3.19]);
    expect(() => parseLoad("nonsense")).toThrow(/load average/);
  });
});

describe("result schema", () => {
  const valid = {
    schema: "gradkit-bench-train/1",
    date: "2026-11-24T05:00:00.000Z",
    command: "node bench/dist/train.js",
    quick: false,
    node: "v20.20.0",
    cpu: "AMD EPYC",
    cores: 2,
    load: { before: [1, 1, 1], after: [2, 2, 2] },
    throughput: [row({})],
    memory: [],
    growth: [],
    profile: [],
    notes: [],
  };
  it("accepts a complete result", () => {
    expect(validateResult(valid)).toEqual([]);
  });
  it("names each missing or mistyped field", () => {
    expect(validateResult({ ...valid, schema: "v0" })).toEqual(['schema: expected "gradkit-bench-train/1"; received "v0"']);
    expect(validateResult({ ...valid, throughput: [row({ windows: [] })] })).toEqual(["throughput[0].windows: expected non-empty number[]"]);
    expect(validateResult({ ...valid, cores: "2" })).toEqual(["cores: expected a number"]);
    expect(validateResult(null)).toEqual(["result: expected an object"]);
  });
});
