import { GradkitError } from "@gradkit/registry";

/** An architecture's options or input do not fit (code `ARCH_INVALID_ARGUMENT` or `ARCH_INPUT_SIZE`). */
export class ArchError extends GradkitError {
  constructor(code: "ARCH_INVALID_ARGUMENT" | "ARCH_INPUT_SIZE", message: string, details?: Record<string, unknown>) {
    super(code, message, details);
    this.name = "ArchError";
  }
}
