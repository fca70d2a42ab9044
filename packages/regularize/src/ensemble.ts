import * as tf from "@tensorflow/tfjs-core";
import type { Tensor } from "@tensorflow/tfjs-core";
import { Module } from "@gradkit/nn";
import { describeValue } from "@gradkit/registry";
import { invalid } from "./errors.js";

/**
 * The ensemble's predicted distribution: the mean over members of
 * softmax(logits) along the last axis. (Averaging probabilities, not
 * logits: the mean of softmaxes is not the softmax of the mean.)
 */
export function averageProbabilities(logits: readonly Tensor[]): Tensor {
  if (!Array.isArray(logits) || logits.length === 0) throw invalid("averageProbabilities", `expected a non-empty array of logit tensors; received ${describeValue(logits)}.`);
  const shape = logits[0].shape.join(",");
  logits.forEach((l, i) => {
    if (!(l instanceof tf.Tensor) || l.shape.join(",") !== shape) {
      throw invalid("averageProbabilities", `member ${i} must be a tensor of shape [${shape}] like member 0; received ${l instanceof tf.Tensor ? `[${l.shape.join(", ")}]` : describeValue(l)}.`, { index: i });
    }
  });
  return tf.tidy(() => tf.div(tf.addN(logits.map((l) => tf.softmax(l))), logits.length));
}

/**
 * A module whose output is the average of its members' predicted
 * distributions (probabilities, not logits: use a probability loss such
 * as NLL on its log for training, or train the members separately).
 * Members appear as children "0", "1", ….
 */
export class Ensemble extends Module {
  readonly members: Module[];

  constructor(members: Module[]) {
    super();
    if (!Array.isArray(members) || members.length === 0 || members.some((m) => !(m instanceof Module))) {
      throw invalid("Ensemble", `expected a non-empty array of Modules; received ${describeValue(members)}.`);
    }
    this.members = members.map((m, i) => this.registerModule(String(i), m));
  }

  forward(x: Tensor): Tensor {
    return tf.tidy(() => averageProbabilities(this.members.map((m) => m.call(x))));
  }

  protected override extraRepr(): string {
    return `members=${this.members.length}`;
  }
}
