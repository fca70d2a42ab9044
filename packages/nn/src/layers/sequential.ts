import type { Tensor } from "@tensorflow/tfjs-core";
import { Module } from "../module.js";

/** Runs its children in order; they are named "0", "1", … as in PyTorch. */
export class Sequential extends Module {
  private readonly layers: Module[] = [];

  constructor(...layers: Module[]) {
    super();
    for (const layer of layers) this.append(layer);
  }

  /** Adds a layer at the end, named by its index. */
  append(layer: Module): this {
    this.layers.push(this.registerModule(String(this.layers.length), layer));
    return this;
  }

  /** The i-th layer. */
  at(i: number): Module | undefined {
    return this.layers.at(i);
  }

  get length(): number {
    return this.layers.length;
  }

  /** `call()` runs this under tf.tidy, so the intermediate outputs are released and only the last one stays. */
  forward(x: Tensor): Tensor {
    let y = x;
    for (const layer of this.layers) {
      y = layer.call(y);
    }
    return y === x ? x.clone() : y;
  }
}
