import * as tf from "@tensorflow/tfjs-core";
import { z } from "zod";
import { describeValue, validateOptions } from "@gradkit/registry";
import { createRng, type RngStream, type Seed } from "@gradkit/tensor";
import type { Dataset } from "./dataset.js";
import { gather, toTensors } from "./collate.js";
import { DataError } from "./errors.js";

/** An augmentation in the pipeline: gets a batch and a seeded stream, returns the new batch. Tensors it returns are the loader's; intermediates are tidied. */
export type Augment = (x: tf.Tensor, y: tf.Tensor, rng: RngStream) => { x: tf.Tensor; y: tf.Tensor };

/** One batch. The caller owns `x` and `y` and disposes them after the step. */
export interface Batch {
  /** float32 [B, H, W, C] (NHWC). */
  x: tf.Tensor;
  /** int32 [B] class indices, int32 [B, H, W] label maps, or float32 [B, classes] one-hot. */
  y: tf.Tensor;
  /** Dataset indices of the examples, in batch order. */
  indices: number[];
  epoch: number;
  /** Index of this batch within its epoch. */
  step: number;
}

/** Where a loader is in its data order; JSON-safe. */
export interface DataLoaderState {
  seed: string;
  epoch: number;
  /** Next batch of `epoch` to hand out. */
  batch: number;
}

const seedSchema = z.union([z.number(), z.string(), z.bigint()]);

export const dataLoaderSchema = z
  .object({
    batchSize: z.number().int().positive(),
    shuffle: z.boolean().default(true),
    seed: seedSchema.default(0),
    dropLast: z.boolean().default(false),
    labels: z.enum(["index", "onehot"]).default("index"),
    /** Batches prepared ahead of the one being consumed; 0 prepares each batch on request. */
    prefetch: z.number().int().min(0).max(64).default(2),
    augment: z.custom<Augment>((v) => typeof v === "function", "a function (x, y, rng) => { x, y }").optional(),
    /** Called when a batch starts being prepared (instrumentation). */
    onPrepare: z.custom<(epoch: number, step: number) => void>((v) => typeof v === "function", "a function").optional(),
  })
  .strict();

export type DataLoaderOptions = z.input<typeof dataLoaderSchema>;

const TWO_POW_32 = 4294967296;

/** A later turn of the event loop: setImmediate in Node, setTimeout(0) elsewhere. */
const later: (f: () => void) => void =
  typeof globalThis.setImmediate === "function" ? (f) => void globalThis.setImmediate(f) : (f) => void setTimeout(f, 0);

/**
 * Batches a dataset into tensors, in a seeded order.
 *
 * - Order: epoch e's order is `createRng(seed).stream("shuffle")` moved to
 *   Philox block e·2³² and asked for `permutation(n)`, so it depends only
 *   on seed and epoch (not on earlier epochs or on prefetching).
 * - Augmentation: batch b of epoch e gets `createRng(seed).stream("augment/e/b")`,
 *   so resuming mid-epoch augments exactly as the uninterrupted run did.
 * - `for await (const batch of loader)` hands out the rest of the current
 *   epoch, preparing up to `prefetch` batches ahead while the caller's step
 *   runs, then moves to the next epoch. `getState()`/`loadState()` save and
 *   restore the position; breaking out of the loop keeps it.
 */
export class DataLoader {
  readonly dataset: Dataset;
  readonly options: z.output<typeof dataLoaderSchema>;
  private epochValue = 0;
  private batchValue = 0;
  private cached: { epoch: number; order: number[] } | undefined;

  constructor(dataset: Dataset, options: DataLoaderOptions) {
    this.dataset = dataset;
    this.options = validateOptions("dataset", "DataLoader", dataLoaderSchema, options as Record<string, unknown>);
    if (this.options.labels === "onehot" && dataset.labelShape.length !== 0) {
      throw new DataError("DATA_INVALID_ARGUMENT", `DataLoader: labels "onehot" needs class-index labels; this dataset has label maps of shape [${dataset.labelShape.join(", ")}].`, {
        expected: "labelShape []",
        received: dataset.labelShape,
      });
    }
  }

  /** Batches per epoch. */
  get numBatches(): number {
    const { batchSize, dropLast } = this.options;
    const n = this.dataset.length;
    return dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
  }

  get epoch(): number {
    return this.epochValue;
  }

  /** The order of dataset indices in `epoch` (identity when shuffle is off). */
  order(epoch: number): number[] {
    if (!Number.isInteger(epoch) || epoch < 0 || epoch >= 2 ** 21) {
      throw new DataError("DATA_INVALID_ARGUMENT", `DataLoader.order(epoch): epoch must be an integer in [0, 2^21); received ${describeValue(epoch)}.`, { received: epoch });
    }
    if (this.cached?.epoch === epoch) return this.cached.order;
    const n = this.dataset.length;
    let order: number[];
    if (!this.options.shuffle) order = Array.from({ length: n }, (_, i) => i);
    else {
      const stream = createRng(this.options.seed as Seed).stream("shuffle");
      stream.setState({ ...stream.getState(), counter: epoch * TWO_POW_32, offset: 0 });
      order = stream.permutation(n);
    }
    this.cached = { epoch, order };
    return order;
  }

  /** Dataset indices of batch `step` of `epoch`. */
  batchIndices(epoch: number, step: number): number[] {
    if (!Number.isInteger(step) || step < 0 || step >= this.numBatches) {
      throw new DataError("DATA_INVALID_ARGUMENT", `DataLoader: batch must be an integer in [0, ${this.numBatches}); received ${describeValue(step)}.`, {
        expected: `[0, ${this.numBatches})`,
        received: step,
      });
    }
    const bs = this.options.batchSize;
    return this.order(epoch).slice(step * bs, (step + 1) * bs);
  }

  /** Prepares batch `step` of `epoch` now: gathers (decodes), makes tensors, augments. The caller owns the result. */
  makeBatch(epoch: number, step: number): Batch {
    this.options.onPrepare?.(epoch, step);
    const host = gather(this.dataset, this.batchIndices(epoch, step));
    let { x, y } = toTensors(this.dataset, host, this.options.labels);
    const augment = this.options.augment;
    if (augment !== undefined) {
      const rng = createRng(this.options.seed as Seed).stream(`augment/${epoch}/${step}`);
      const [ax, ay] = tf.tidy(() => {
        const out = augment(x, y, rng);
        return [out.x, out.y];
      });
      if (ax !== x) x.dispose();
      if (ay !== y) y.dispose();
      x = ax;
      y = ay;
    }
    return { x, y, indices: host.indices, epoch, step };
  }

  getState(): DataLoaderState {
    return { seed: String(this.options.seed), epoch: this.epochValue, batch: this.batchValue };
  }

  /** Continues from a saved position. The seed must match the loader's. */
  loadState(state: DataLoaderState): void {
    const ok = state != null && Number.isInteger(state.epoch) && state.epoch >= 0 && Number.isInteger(state.batch) && state.batch >= 0 && state.batch <= this.numBatches;
    if (!ok) {
      throw new DataError("DATA_INVALID_ARGUMENT", `DataLoader.loadState: expected { seed, epoch, batch } with 0 <= batch <= ${this.numBatches}; received ${describeValue(state)}.`, {
        received: state,
      });
    }
    if (state.seed !== String(this.options.seed)) {
      throw new DataError("DATA_INVALID_ARGUMENT", `DataLoader.loadState: the state was saved with seed '${state.seed}'; this loader's seed is '${String(this.options.seed)}'.`, {
        expected: String(this.options.seed),
        received: state.seed,
      });
    }
    this.epochValue = state.epoch;
    this.batchValue = state.batch;
  }

  /** The rest of the current epoch, synchronously, without prefetching. */
  *[Symbol.iterator](): Generator<Batch> {
    const epoch = this.epochValue;
    while (this.batchValue < this.numBatches) {
      const batch = this.makeBatch(epoch, this.batchValue);
      this.batchValue++;
      yield batch;
    }
    this.advance(epoch);
  }

  /** The rest of the current epoch, `prefetch` batches prepared ahead. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Batch> {
    const epoch = this.epochValue;
    const end = this.numBatches;
    const depth = this.options.prefetch;
    const queue: Promise<Batch>[] = [];
    let next = this.batchValue;
    const schedule = (): void => {
      while (queue.length < depth && next < end) {
        const step = next++;
        const p = new Promise<Batch>((res, rej) => {
          later(() => {
            try {
              res(this.makeBatch(epoch, step));
            } catch (e) {
              rej(e);
            }
          });
        });
        p.catch(() => undefined); // awaited below; this only silences the unhandled-rejection report while it waits in the queue
        queue.push(p);
      }
    };
    try {
      schedule();
      while (this.batchValue < end) {
        const batch = depth === 0 ? this.makeBatch(epoch, this.batchValue) : await queue.shift()!;
        this.batchValue = batch.step + 1;
        schedule();
        yield batch;
      }
      this.advance(epoch);
    } finally {
      // Batches prepared ahead but never handed out (the loop broke or threw).
      for (const p of queue.splice(0)) {
        try {
          const b = await p;
          b.x.dispose();
          b.y.dispose();
        } catch {
          // the error, if any, belongs to a batch nobody asked for
        }
      }
    }
  }

  private advance(epoch: number): void {
    if (this.epochValue === epoch && this.batchValue >= this.numBatches) {
      this.epochValue = epoch + 1;
      this.batchValue = 0;
    }
  }
}
