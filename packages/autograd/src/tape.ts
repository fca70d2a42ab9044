import { engine, type Tensor } from "@tensorflow/tfjs-core";

/**
 * The parts of tfjs-core's engine that gradkit reads to trace a computation
 * and to clean up after a failed gradient. They are public fields or
 * TypeScript-private methods of `Engine` in tfjs-core 4.x (engine.ts):
 * `state.activeTape` holds one node per top-level kernel run while
 * `state.gradientDepth > 0`; `startTape()` / `endTape()` move that depth.
 */

export interface TapeNodeLike {
  id: number;
  kernelName: string;
  inputs: Record<string, Tensor>;
  outputs: Tensor[];
  saved?: Tensor[];
}

interface EngineTape {
  state: { activeTape: TapeNodeLike[] | null; gradientDepth: number };
  startTape(): void;
  endTape(): void;
}

export function engineTape(): EngineTape {
  return engine() as unknown as EngineTape;
}

/**
 * After a forward or backward pass threw, the engine leaves its tape (and
 * the tensors its nodes saved for backprop) in place. When no outer
 * gradient is recording, release them the way `engine.gradients` does on
 * success.
 */
export function releaseTapeAfterFailure(): void {
  const e = engineTape();
  if (e.state.gradientDepth !== 0 || e.state.activeTape == null) return;
  for (const node of e.state.activeTape) for (const t of node.saved ?? []) t.dispose();
  e.state.activeTape = null;
}
