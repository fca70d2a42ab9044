import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CIFAR100_CLASSES, CIFAR100_COARSE_CLASSES, cifar10, cifar100, parseCifarRecords } from "../src/cifar.js";

/** One record: label bytes, then channel c of pixel p = (p + 7c + seed) mod 256, CHW. */
function record(labels: number[], seed: number): number[] {
  const img: number[] = [];
  for (let c = 0; c < 3; c++) for (let p = 0; p < 1024; p++) img.push((p + 7 * c + seed) % 256);
  return [...labels, ...img];
}

describe("CIFAR binary batches", () => {
  it("CIFAR-10: six files, CHW → HWC, labels in file order", () => {
    const dir = mkdtempSync(join(tmpdir(), "gk-cifar-"));
    for (let b = 1; b <= 5; b++) writeFileSync(join(dir, `data_batch_${b}.bin`), Buffer.from([...record([b], b), ...record([9], 100 + b)]));
    writeFileSync(join(dir, "test_batch.bin"), Buffer.from(record([3], 50)));
    const train = cifar10({ dir });
    expect(train.length).toBe(10);
    expect(train.shape).toEqual([32, 32, 3]);
    expect(Array.from({ length: 10 }, (_, i) => train.get(i).y)).toEqual([1, 9, 2, 9, 3, 9, 4, 9, 5, 9]);
    const t = cifar10({ dir, split: "test" }).get(0);
    expect(t.y).toBe(3);
    // pixel p = 33 (row 1, col 1), HWC: x[3p + c] = (p + 7c + 50) / 255
    expect([t.x[99], t.x[100], t.x[101]]).toEqual([83 / 255, 90 / 255, 97 / 255].map(Math.fround));
  });

  it("CIFAR-100: coarse then fine label byte", () => {
    const dir = mkdtempSync(join(tmpdir(), "gk-cifar-"));
    writeFileSync(join(dir, "train.bin"), Buffer.from([...record([19, 99], 0), ...record([4, 0], 1)]));
    const fine = cifar100({ dir });
    const coarse = cifar100({ dir, label: "coarse" });
    expect([fine.get(0).y, fine.get(1).y]).toEqual([99, 0]);
    expect([coarse.get(0).y, coarse.get(1).y]).toEqual([19, 4]);
    expect(fine.classes[99]).toBe("worm");
    expect(CIFAR100_CLASSES).toHaveLength(100);
    expect([...CIFAR100_CLASSES].sort()).toEqual([...CIFAR100_CLASSES]); // meta lists fine names alphabetically
    expect(CIFAR100_COARSE_CLASSES).toHaveLength(20);
  });

  it("a truncated file names the file, the record size and the bytes found", () => {
    const bytes = Buffer.from([...record([1], 0), ...record([2], 0)]).subarray(0, 3073 + 100);
    expect(() => parseCifarRecords(bytes, "data_batch_1.bin", 1)).toThrow(
      "data_batch_1.bin: expected a whole number of 3073-byte records (1 label byte + 3072 pixels), found 3173 bytes (1 records and 100 bytes left over; truncated?).",
    );
    expect(() => parseCifarRecords(Buffer.from(record([1, 2], 0)).subarray(0, 3000), "train.bin", 2)).toThrow(/train\.bin: expected a whole number of 3074-byte records .* found 3000 bytes/);
    const dir = mkdtempSync(join(tmpdir(), "gk-cifar-"));
    expect(() => cifar10({ dir, split: "test" })).toThrow(/test_batch\.bin: no such file/);
    writeFileSync(join(dir, "test_batch.bin"), Buffer.from(record([12], 0)));
    expect(() => cifar10({ dir, split: "test" })).toThrow(/record 0 has label 12; expected a class index in \[0, 10\)/);
  });
});
