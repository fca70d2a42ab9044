import type { Registry } from "@gradkit/registry";

/** Registers the AutoAugment/RandAugment family (filled in by autoaugment.ts). */
export function registerAutoAugment(_target: Registry): void {}
