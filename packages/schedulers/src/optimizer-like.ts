import { describeValue, GradkitError } from "@gradkit/registry";

/**
 * What a scheduler needs from an optimizer: its parameter groups, each with a
 * mutable `lr`. `@gradkit/optim`'s Optimizer satisfies it; so does any object
 * of this shape (schedulers do not depend on optim's classes).
 */
export interface ParamGroupLike {
  lr: number;
  /** The lr the first scheduler found (PyTorch's `initial_lr`); set by schedulers. */
  initialLr?: number;
  [hyper: string]: unknown;
}

export interface OptimizerLike {
  paramGroups: ParamGroupLike[];
}

export function checkOptimizer(owner: string, optimizer: unknown): asserts optimizer is OptimizerLike {
  const groups = (optimizer as OptimizerLike | null | undefined)?.paramGroups;
  if (!Array.isArray(groups) || groups.length === 0) {
    throw new GradkitError(
      "SCHEDULER_BAD_OPTIMIZER",
      `${owner} expects an optimizer with a non-empty paramGroups array, received ${describeValue(optimizer)}.`,
      { owner },
    );
  }
  groups.forEach((group, i) => {
    if (group === null || typeof group !== "object" || typeof group.lr !== "number" || !Number.isFinite(group.lr)) {
      throw new GradkitError(
        "SCHEDULER_BAD_OPTIMIZER",
        `${owner}: paramGroups[${i}].lr must be a finite number, received ${describeValue(group?.lr)}.`,
        { owner, group: i, received: group?.lr },
      );
    }
  });
}

/** A stateDict from another setup (other group count) must not be half-loaded. */
export function checkGroupCount(owner: string, field: string, expected: number, received: unknown): void {
  if (!Array.isArray(received) || received.length !== expected) {
    throw new GradkitError(
      "SCHEDULER_BAD_STATE",
      `${owner}.loadStateDict: ${field} must hold one number per parameter group (${expected}), received ${describeValue(received)}.`,
      { owner, field, expected, received },
    );
  }
}
