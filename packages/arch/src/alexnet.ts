import { Conv2d, Flatten, Linear, LocalResponseNorm, MaxPool2d, ReLU, Sequential } from "@gradkit/nn";
import { Dropout } from "@gradkit/regularize";
import { archOptions } from "./options.js";
import { alexnetSchema, type AlexNetOptions } from "./schemas.js";

/** Output size of a 3×3 stride-2 unpadded max pool: ⌊(n − 3)/2⌋ + 1. */
const overlapPool = (n: number): number => Math.floor((n - 3) / 2) + 1;

/**
 * A small AlexNet (Krizhevsky et al. 2012) for 28×28 or 32×32 NHWC images,
 * keeping its ingredients: ReLU, overlapping max pooling (3×3, stride 2),
 * local response normalization (n = 5, α = 1e-4, β = 0.75, k = 2, PyTorch's
 * α/n form) after the first two convolutions, five convolutions
 * (5×5·64, 5×5·64, 3×3·128, 3×3·128, 3×3·64; `width` scales 64) and dropout before each of the two
 * hidden fully connected layers (384, 192). 32 → 15 → 7 → 3 (28 → 13 → 6 → 2).
 * Children `features` ("0") and `classifier` ("1").
 */
export class AlexNet extends Sequential {
  constructor(options: AlexNetOptions = {}) {
    super();
    const { o, rng } = archOptions("alexnet", alexnetSchema, options);
    const lrn = (): LocalResponseNorm => new LocalResponseNorm(5, { alpha: 1e-4, beta: 0.75, k: 2 });
    const pool = (): MaxPool2d => new MaxPool2d(3, { stride: 2 });
    const w = o.width;
    const side = overlapPool(overlapPool(overlapPool(o.inputSize)));
    this.append(
      new Sequential(
        new Conv2d(o.inChannels, w, 5, { padding: 2, rng }),
        new ReLU(),
        pool(),
        lrn(),
        new Conv2d(w, w, 5, { padding: 2, rng }),
        new ReLU(),
        lrn(),
        pool(),
        new Conv2d(w, 2 * w, 3, { padding: 1, rng }),
        new ReLU(),
        new Conv2d(2 * w, 2 * w, 3, { padding: 1, rng }),
        new ReLU(),
        new Conv2d(2 * w, w, 3, { padding: 1, rng }),
        new ReLU(),
        pool(),
        new Flatten(),
      ),
    );
    const classifier = new Sequential();
    if (o.dropout > 0) classifier.append(new Dropout(o.dropout, { rng }));
    classifier.append(new Linear(w * side * side, 384, { rng })).append(new ReLU());
    if (o.dropout > 0) classifier.append(new Dropout(o.dropout, { rng }));
    classifier.append(new Linear(384, 192, { rng })).append(new ReLU()).append(new Linear(192, o.numClasses, { rng }));
    this.append(classifier);
  }
}
