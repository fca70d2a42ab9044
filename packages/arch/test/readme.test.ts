import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { expect, test } from "vitest";
import { valueAndGrad } from "@gradkit/autograd";
import { crossEntropy } from "@gradkit/nn";
import { createModel, listModels } from "../src/index.js";

test("README example: resnet20 and lenet by name", async () => {
  await tf.setBackend("cpu");
  expect(listModels()).toContain("resnet20");
  const resnet = createModel({ name: "resnet20", numClasses: 10, seed: 0 });
  const z = tf.zeros([1, 32, 32, 3]);
  const out = resnet.eval().call(z);
  expect(resnet.numParameters()).toBe(269722);
  expect(out.shape).toEqual([1, 10]);
  const lenet = createModel({ name: "lenet", inputSize: 28, seed: 0 });
  const x = tf.randomNormal([4, 28, 28, 1]);
  const y = tf.tensor1d([0, 1, 2, 3], "int32");
  const { value, grads } = valueAndGrad((_p, xb: tf.Tensor, yb: tf.Tensor) => crossEntropy(lenet.call(xb), yb))(lenet.parameterTree(), x, y);
  // ln 10 ≈ 2.30 for near-uniform logits at initialization
  expect(Math.abs(value.dataSync()[0] - Math.log(10))).toBeLessThan(0.5);
  expect(Object.keys(grads)).toEqual(["0.0.weight", "0.0.bias", "0.3.weight", "0.3.bias", "1.0.weight", "1.0.bias", "1.2.weight", "1.2.bias", "1.4.weight", "1.4.bias"]);
  tf.dispose([z, out, x, y, value, ...Object.values(grads)]);
  resnet.dispose();
  lenet.dispose();
}, 30000);
