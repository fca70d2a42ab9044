import { GradkitError, describeValue } from "@gradkit/registry";

/**
 * An initializer was given an impossible argument (unknown nonlinearity,
 * a shape without fan-in, a negative std, a < b reversed…). Code
 * `INIT_BAD_ARGUMENT`; the message names the function, the expected and
 * the received value.
 */
export class InitError extends GradkitError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("INIT_BAD_ARGUMENT", message, details);
  }
}

export function checkShape(shape: unknown, fn: string): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new InitError(`${fn}: shape must be an array of non-negative integers, e.g. [784, 128]; received ${describeValue(shape)}.`, { shape });
  }
  return shape as number[];
}

export function checkNumber(value: unknown, name: string, fn: string, opts: { min?: number; positive?: boolean } = {}): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new InitError(`${fn}: ${name} must be a finite number; received ${describeValue(value)}.`, { [name]: value });
  }
  if (opts.positive === true && !(value > 0)) {
    throw new InitError(`${fn}: ${name} must be > 0; received ${value}.`, { [name]: value });
  }
  if (opts.min !== undefined && value < opts.min) {
    throw new InitError(`${fn}: ${name} must be >= ${opts.min}; received ${value}.`, { [name]: value });
  }
  return value;
}
