/**
 * The benchmarked models, built with gradkit and with @tensorflow/tfjs-layers,
 * and one training step (forward + backward + SGD-momentum update) of each.
 */
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { CifarResNet, MLP } from "@gradkit/arch";
import { valueAndGrad } from "@gradkit/autograd";
import { crossEntropy, type Module } from "@gradkit/nn";
import { SGD } from "@gradkit/optim";

export type ModelName = "resnet20" | "mlp";

export const LR = 0.01;
export const MOMENTUM = 0.9;

/** A model being trained on one fixed batch: `step()` runs one training step and returns the loss. */
export interface Trainee {
  params: number;
  step(): Promise<number>;
  dispose(): void;
}

export function inputShape(model: ModelName, batch: number): number[] {
  return model === "resnet20" ? [batch, 32, 32, 3] : [batch, 784];
}

function batchOf(model: ModelName, batch: number): { x: tf.Tensor; labels: tf.Tensor1D } {
  const x = tf.randomNormal(inputShape(model, batch), 0, 1, "float32", 7);
  const labels = tf.tidy(() => tf.cast(tf.floor(tf.randomUniform([batch], 0, 10, "float32", 8)), "int32")) as tf.Tensor1D;
  return { x, labels };
}

/** gradkit: @gradkit/arch's model, @gradkit/autograd's valueAndGrad, @gradkit/nn's crossEntropy, @gradkit/optim's SGD. */
export function gradkitTrainee(model: ModelName, batch: number): Trainee {
  const net: Module =
    model === "resnet20" ? new CifarResNet({ depth: 20, numClasses: 10, seed: 1 }) : new MLP({ inFeatures: 784, hiddenSizes: [256], outFeatures: 10, activation: "relu", seed: 1 });
  net.train();
  const params = net.parameterTree();
  const opt = new SGD(params, { lr: LR, momentum: MOMENTUM });
  const { x, labels } = batchOf(model, batch);
  const lossOf = valueAndGrad(() => crossEntropy(net.call(x), labels));
  return {
    params: net.numParameters(),
    async step() {
      const { value, grads } = lossOf(params);
      tf.tidy(() => {
        opt.step(grads as Record<string, tf.Tensor>);
      });
      const loss = value.dataSync()[0];
      tf.dispose([value, ...Object.values(grads as Record<string, tf.Tensor>)]);
      return loss;
    },
    dispose() {
      opt.dispose();
      net.dispose();
      tf.dispose([x, labels]);
    },
  };
}

/**
 * He et al.'s option-A shortcut as a tfjs-layers layer: x[:, ::2, ::2, :]
 * zero-padded on channels (tfjs-layers has no Lambda layer).
 */
class PadShortcut extends tfl.layers.Layer {
  static className = "GradkitBenchPadShortcut";
  constructor(private readonly extra: number) {
    super({});
  }
  override computeOutputShape(s: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = s as tfl.Shape;
    return [shape[0], Math.ceil((shape[1] as number) / 2), Math.ceil((shape[2] as number) / 2), (shape[3] as number) + 2 * this.extra];
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const [n, h, w, c] = x.shape;
      // strided slice has no gradient in tfjs: reshape + slice as @gradkit/arch does
      const sub = tf.reshape(tf.slice(tf.reshape(x, [n, h / 2, 2, w / 2, 2, c]), [0, 0, 0, 0, 0, 0], [n, h / 2, 1, w / 2, 1, c]), [n, h / 2, w / 2, c]);
      return tf.pad(sub, [
        [0, 0],
        [0, 0],
        [0, 0],
        [this.extra, this.extra],
      ]);
    });
  }
  override getClassName(): string {
    return PadShortcut.className;
  }
}

function layersResNet20(): tfl.LayersModel {
  const input = tfl.input({ shape: [32, 32, 3] });
  const conv = (filters: number, strides: number) => tfl.layers.conv2d({ filters, kernelSize: 3, strides, padding: "same", useBias: false, kernelInitializer: "heNormal" });
  const bn = () => tfl.layers.batchNormalization({ axis: -1, momentum: 0.9, epsilon: 1e-5 });
  let y = tfl.layers.reLU().apply(bn().apply(conv(16, 1).apply(input))) as tfl.SymbolicTensor;
  let inC = 16;
  for (const [planes, stride] of [
    [16, 1],
    [32, 2],
    [64, 2],
  ]) {
    for (let i = 0; i < 3; i++) {
      const s = i === 0 ? stride : 1;
      let out = tfl.layers.reLU().apply(bn().apply(conv(planes, s).apply(y))) as tfl.SymbolicTensor;
      out = bn().apply(conv(planes, 1).apply(out)) as tfl.SymbolicTensor;
      const short = s !== 1 || inC !== planes ? (new PadShortcut((planes - inC) / 2).apply(y) as tfl.SymbolicTensor) : y;
      y = tfl.layers.reLU().apply(tfl.layers.add().apply([out, short])) as tfl.SymbolicTensor;
      inC = planes;
    }
  }
  const pooled = tfl.layers.globalAveragePooling2d({}).apply(y);
  const logits = tfl.layers.dense({ units: 10, activation: "softmax" }).apply(pooled) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: logits });
}

function layersMlp(): tfl.LayersModel {
  const m = tfl.sequential();
  m.add(tfl.layers.dense({ inputShape: [784], units: 256, activation: "relu" }));
  m.add(tfl.layers.dense({ units: 10, activation: "softmax" }));
  return m;
}

/** Trainable parameters of a tfjs-layers model (countParams also counts BN's moving statistics). */
export function trainableCount(m: tfl.LayersModel): number {
  return m.trainableWeights.reduce((s, w) => s + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
}

/** tfjs-layers: the same shapes, `model.trainOnBatch` with `tf.train.momentum`. */
export function layersTrainee(model: ModelName, batch: number): Trainee {
  const m = model === "resnet20" ? layersResNet20() : layersMlp();
  m.compile({ optimizer: tf.train.momentum(LR, MOMENTUM), loss: "categoricalCrossentropy" });
  const { x, labels } = batchOf(model, batch);
  const oneHot = tf.cast(tf.oneHot(labels, 10), "float32");
  return {
    params: trainableCount(m),
    async step() {
      const loss = await m.trainOnBatch(x, oneHot);
      return Array.isArray(loss) ? loss[0] : loss;
    },
    dispose() {
      m.optimizer.dispose();
      m.dispose();
      tf.dispose([x, labels, oneHot]);
    },
  };
}
