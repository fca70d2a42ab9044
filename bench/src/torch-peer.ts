/**
 * The PyTorch peer: a long-lived `/usr/bin/python3 bench/torch_train.py`
 * subprocess per thread count, driven line by line so its timed windows
 * interleave with gradkit's.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import type { ModelName } from "./models.js";

/** Debian's python3-torch lives under the system interpreter, not the python3 on PATH. */
export const TORCH_PYTHON = process.env.GRADKIT_BENCH_PYTHON ?? "/usr/bin/python3";

export class TorchPeer {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly lines: string[] = [];
  private waiting: ((line: string) => void) | undefined;
  private failWaiting: ((e: Error) => void) | undefined;
  private exited: string | undefined;
  private stderr = "";
  version = "";

  private constructor(
    readonly threads: number,
    script: string,
  ) {
    this.proc = spawn(TORCH_PYTHON, [script, "--threads", String(threads)], {
      env: { ...process.env, OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) },
    });
    this.proc.stderr.on("data", (d: Buffer) => (this.stderr += d.toString()));
    const fail = (why: string) => {
      this.exited = why;
      this.failWaiting?.(new Error(why));
    };
    this.proc.on("exit", (code) => fail(`torch peer exited with ${code}: ${this.stderr.slice(-2000)}`));
    this.proc.on("error", (e) => fail(`torch peer could not start: ${e.message}`));
    createInterface({ input: this.proc.stdout }).on("line", (line) => {
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = undefined;
        w(line);
      } else this.lines.push(line);
    });
  }

  private next(): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const take = (line: string) => {
        const msg = JSON.parse(line) as Record<string, unknown>;
        if (msg.error) reject(new Error(`torch peer: ${String(msg.error)}`));
        else resolve(msg);
      };
      const queued = this.lines.shift();
      if (queued !== undefined) take(queued);
      else if (this.exited !== undefined) reject(new Error(this.exited));
      else {
        this.waiting = take;
        this.failWaiting = reject;
      }
    });
  }

  /** Starts the peer, or returns the reason it cannot run. */
  static async start(threads: number, script: string): Promise<TorchPeer | string> {
    if (!existsSync(TORCH_PYTHON)) return `${TORCH_PYTHON} not found`;
    const peer = new TorchPeer(threads, script);
    try {
      const hello = await peer.next();
      peer.version = String(hello.torch);
      return peer;
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  }

  private async ask(req: object): Promise<Record<string, unknown>> {
    this.proc.stdin.write(JSON.stringify(req) + "\n");
    return this.next();
  }

  async params(model: ModelName): Promise<number> {
    return (await this.ask({ cmd: "params", model })).params as number;
  }

  /** Runs `steps` training steps; returns their wall time in ms (measured in Python). */
  async run(model: ModelName, steps: number, batch: number): Promise<number> {
    return (await this.ask({ cmd: "run", model, steps, batch })).ms as number;
  }

  close(): void {
    this.proc.stdin.write(JSON.stringify({ cmd: "quit" }) + "\n");
    this.proc.stdin.end();
  }
}
