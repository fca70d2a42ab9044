import { GradkitError } from "@gradkit/registry";

/** Every error @gradkit/train throws: a code (`TRAIN_*`), a message naming the thing, expected and received values, and details. */
export class TrainError extends GradkitError {}
