import "@tensorflow/tfjs-backend-cpu";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { PNG } from "pngjs";
import { beforeAll, describe, expect, it } from "vitest";
import { countLive } from "@gradkit/tensor";
import { DataLoader, ImageFolder } from "../src/index.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("decode → batch → augment pipeline", () => {
  it("decodes PNGs ahead of the step, augments, leaks nothing across steps", async () => {
    const root = mkdtempSync(join(tmpdir(), "gk-pipe-"));
    for (const c of ["a", "b"]) {
      mkdirSync(join(root, c));
      for (let k = 0; k < 5; k++) {
        const img = new PNG({ width: 4, height: 4 });
        img.data.fill(c === "a" ? 40 * k : 255 - 40 * k);
        writeFileSync(join(root, c, `${k}.png`), PNG.sync.write(img));
      }
    }
    const ds = new ImageFolder({ root, channels: 1, size: [2, 2] });
    const events: string[] = [];
    const flip = (x: tf.Tensor, y: tf.Tensor) => ({ x: tf.reverse(x, 2), y });
    const loader = new DataLoader(ds, { batchSize: 3, seed: 9, prefetch: 1, augment: flip, onPrepare: (_e, s) => void events.push(`prepare ${s}`) });
    const start = countLive();
    const labels: number[] = [];
    for await (const b of loader) {
      events.push(`step ${b.step} start`);
      await new Promise((r) => setImmediate(r)); // the step awaits (e.g. a GPU read-back)
      labels.push(...b.y.dataSync());
      events.push(`step ${b.step} end`);
      tf.dispose([b.x, b.y]);
      expect(countLive()).toBeLessThanOrEqual(start + 2); // at most the one prefetched batch is alive
    }
    expect(countLive()).toBe(start);
    // batch s+1 is prepared while step s runs
    for (let s = 0; s < 3; s++) {
      const i = events.indexOf(`prepare ${s + 1}`);
      expect(i).toBeGreaterThan(events.indexOf(`step ${s} start`));
      expect(i).toBeLessThan(events.indexOf(`step ${s} end`));
    }
    expect(labels).toEqual(loader.order(0).map((i) => ds.files[i].label));
  });
});
