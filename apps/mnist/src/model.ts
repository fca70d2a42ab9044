import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from "@gradkit/nn";
import type { Rng } from "@gradkit/tensor";

export interface DigitCnnOptions {
  /** Channels of the three 3×3 convolutions (default [16, 32, 64]). */
  channels?: [number, number, number];
  /** Width of the hidden fully connected layer (default 128). */
  hidden?: number;
  /** Generator for the initial weights (PyTorch's default init). */
  rng: Rng;
}

/**
 * The default reference model for 28×28×1 digits (NHWC):
 * conv3×3·c1 → ReLU → conv3×3·c2 → ReLU → maxpool 2 → conv3×3·c3 → ReLU → maxpool 2
 * → flatten (7·7·c3) → linear → ReLU → linear 10. "same" padding throughout.
 */
export function digitCnn(options: DigitCnnOptions): Sequential {
  const [c1, c2, c3] = options.channels ?? [16, 32, 64];
  const hidden = options.hidden ?? 128;
  const rng = options.rng;
  return new Sequential(
    new Conv2d(1, c1, 3, { padding: 1, rng }),
    new ReLU(),
    new Conv2d(c1, c2, 3, { padding: 1, rng }),
    new ReLU(),
    new MaxPool2d(2, { stride: 2 }),
    new Conv2d(c2, c3, 3, { padding: 1, rng }),
    new ReLU(),
    new MaxPool2d(2, { stride: 2 }),
    new Flatten(),
    new Linear(7 * 7 * c3, hidden, { rng }),
    new ReLU(),
    new Linear(hidden, 10, { rng }),
  );
}
