import { Linear, Sequential, type Module } from "@gradkit/nn";
import { BatchNorm1d } from "@gradkit/norm";
import { Dropout } from "@gradkit/regularize";
import { resolve } from "@gradkit/registry";
import { archOptions } from "./options.js";
import { mlpSchema, type MlpOptions } from "./schemas.js";

/**
 * A multilayer perceptron: for each hidden size, Linear → [BatchNorm1d] →
 * activation → [Dropout], then a Linear to `outFeatures` (the logits).
 * Children are numbered as in a PyTorch `nn.Sequential` ("0.weight", …).
 * `activation` is any registered activation name ("relu", "gelu", "tanh", …).
 */
export class MLP extends Sequential {
  readonly inFeatures: number;
  readonly outFeatures: number;

  constructor(options: MlpOptions) {
    super();
    const { o, rng } = archOptions("mlp", mlpSchema, options);
    this.inFeatures = o.inFeatures;
    this.outFeatures = o.outFeatures;
    const act = (): Module => resolve("activation", { name: o.activation }) as Module;
    act(); // an unknown activation fails here, with a did-you-mean, even without hidden layers
    let width = o.inFeatures;
    for (const hidden of o.hiddenSizes) {
      this.append(new Linear(width, hidden, { rng, bias: !o.batchNorm }));
      if (o.batchNorm) this.append(new BatchNorm1d(hidden));
      this.append(act());
      if (o.dropout > 0) this.append(new Dropout(o.dropout, { rng }));
      width = hidden;
    }
    this.append(new Linear(width, o.outFeatures, { rng }));
  }
}
