import { z } from "zod";
import type { Reduction } from "../losses/reduce.js";
import { BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, DiceLoss, IoULoss, L2Loss, MSELoss, MulticlassHingeLoss } from "../losses/modules.js";
import { reduction, type Entry } from "./entry.js";

const plain = z.object({ reduction });
const overlap = z.object({ reduction, smooth: z.number().nonnegative().default(1e-6), fromLogits: z.boolean().default(false) });
type R = { reduction: Reduction };

export const LOSSES: Entry[] = [
  [
    "cross_entropy",
    (o: R & { labelSmoothing: number; weight?: number[]; ignoreIndex?: number }) => new CrossEntropyLoss(o),
    z.object({ reduction, labelSmoothing: z.number().min(0).lt(1).default(0), weight: z.array(z.number().nonnegative()).optional(), ignoreIndex: z.number().int().optional() }),
    "softmax cross-entropy with class indices or soft targets, label smoothing",
  ],
  [
    "multiclass_hinge",
    (o: R & { margin: number }) => new MulticlassHingeLoss(o),
    z.object({ reduction, margin: z.number().nonnegative().default(1) }),
    "multiclass SVM: Σ_{j≠y} max(0, s_j − s_y + Δ)",
  ],
  ["mse", (o: R) => new MSELoss(o), plain, "mean squared error"],
  ["l2", (o: R) => new L2Loss(o), plain, "per-sample squared Euclidean distance"],
  ["bce", (o: R) => new BCELoss(o), plain, "binary cross-entropy on probabilities"],
  [
    "bce_with_logits",
    (o: R & { posWeight: number }) => new BCEWithLogitsLoss(o),
    z.object({ reduction, posWeight: z.number().positive().default(1) }),
    "binary cross-entropy on logits (stable)",
  ],
  ["iou", (o: R & { smooth: number; fromLogits: boolean }) => new IoULoss(o), overlap, "soft Jaccard loss for segmentation"],
  ["dice", (o: R & { smooth: number; fromLogits: boolean }) => new DiceLoss(o), overlap, "soft Dice loss for segmentation"],
];
