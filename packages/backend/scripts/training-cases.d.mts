import type * as tfc from "@tensorflow/tfjs-core";

export type TrainingCase = [makeInputs: () => tfc.Tensor[], f: (...xs: tfc.Tensor[]) => tfc.Tensor];

export function trainingCases(tf: typeof tfc): Record<string, TrainingCase>;
