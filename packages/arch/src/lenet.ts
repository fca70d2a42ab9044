import { AvgPool2d, Conv2d, Flatten, Linear, MaxPool2d, Sequential, type Module } from "@gradkit/nn";
import { resolve } from "@gradkit/registry";
import { archOptions } from "./options.js";
import { lenetSchema, type LeNetOptions } from "./schemas.js";

/**
 * LeNet-5-style CNN (LeCun et al. 1998) on NHWC `[N, 28|32, 28|32, C]`:
 * conv 5×5 → 6, pool 2, conv 5×5 → 16, pool 2, then 400 → 120 → 84 → classes.
 * A 28×28 input gets padding 2 on the first convolution (as d2l's LeNet), so both
 * sizes reach 16×5×5 features. ReLU and max pooling by default (the 1998 net
 * used scaled tanh and trainable subsampling: pass `activation: "tanh", pool: "avg"`).
 * Children: `features` (Sequential), `classifier` (Sequential).
 */
export class LeNet extends Sequential {
  constructor(options: LeNetOptions = {}) {
    super();
    const { o, rng } = archOptions("lenet", lenetSchema, options);
    const act = (): Module => resolve("activation", { name: o.activation }) as Module;
    const pool = (): Module => (o.pool === "max" ? new MaxPool2d(2, { stride: 2 }) : new AvgPool2d(2, { stride: 2 }));
    this.append(
      new Sequential(
        new Conv2d(o.inChannels, 6, 5, { padding: o.inputSize === 28 ? 2 : 0, rng }),
        act(),
        pool(),
        new Conv2d(6, 16, 5, { rng }),
        act(),
        pool(),
        new Flatten(),
      ),
    );
    this.append(new Sequential(new Linear(16 * 5 * 5, 120, { rng }), act(), new Linear(120, 84, { rng }), act(), new Linear(84, o.numClasses, { rng })));
  }
}
