/**
 * Every error gradkit throws on purpose is a GradkitError: it carries a
 * stable `code` a program can switch on, and a message that names the
 * thing, what was expected and what was received.
 */
export class GradkitError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

/** Render a received value for an error message, short and unambiguous. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "undefined";
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (Array.isArray(value)) {
    const inner = value.slice(0, 8).map(describeValue).join(", ");
    return `[${inner}${value.length > 8 ? ", …" : ""}]`;
  }
  if (typeof value === "function") return `function ${value.name || "(anonymous)"}`;
  try {
    const s = JSON.stringify(value);
    return s.length > 120 ? `${s.slice(0, 117)}...` : s;
  } catch {
    return Object.prototype.toString.call(value);
  }
}
