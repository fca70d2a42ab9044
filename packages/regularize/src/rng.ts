import { rngFrom, type RngOptions } from "@gradkit/nn";
import { RngStream } from "@gradkit/tensor";
import { describeValue } from "@gradkit/registry";
import { invalid } from "./errors.js";

/** Where a module's masks come from: a stream, or a generator / seed whose "dropout" stream is used. */
export interface StreamOptions extends RngOptions {
  /** The stream to draw from (takes precedence over `rng` and `seed`). */
  stream?: RngStream;
}

/** The stream for `options`: `stream`, else `rngFrom(options).stream(name)` (nn's rule: rng, seed, enclosing buildModule, default). */
export function streamFrom(options: StreamOptions | undefined, name = "dropout"): RngStream {
  if (options?.stream !== undefined) return options.stream;
  return rngFrom(options).stream(name);
}

/** Throws unless `stream` is an RngStream. */
export function checkStream(where: string, stream: unknown): RngStream {
  if (!(stream instanceof RngStream)) {
    throw invalid(where, `expected an RngStream (createRng(seed).stream("dropout")); received ${describeValue(stream)}.`, { received: stream });
  }
  return stream;
}
