import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";
import { openDashboards } from "../src/commands/dashboard.js";

const run = (args: string[]) => runCli(args);

describe("gradkit dashboard", () => {
  afterAll(async () => {
    for (const d of openDashboards.splice(0)) await d.close();
  });

  it("serves the trials under RUNS_DIR on the printed URL", async () => {
    const runsDir = mkdtempSync(join(tmpdir(), "gradkit-cli-dash-"));
    for (const [id, lr] of [["t1", 0.1], ["t2", 0.01]] as const) {
      mkdirSync(join(runsDir, id));
      writeFileSync(join(runsDir, id, "config.json"), JSON.stringify({ lr }));
      writeFileSync(join(runsDir, id, "metrics.jsonl"), [1, 2, 3].map((step) => JSON.stringify({ kind: "batch", step, loss: 1 / step, lr }) + "\n").join(""));
    }
    const r = await run(["dashboard", runsDir, "--port", "0"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const url = /gradkit dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(r.stdout)?.[1];
    expect(url).toBeDefined();
    const body = (await (await fetch(new URL("api/trials", url))).json()) as { trials: { id: string; lastStep: number; finalLoss: number; config: { lr: number } }[] };
    expect(body.trials.map((t) => [t.id, t.config.lr, t.lastStep, t.finalLoss])).toEqual([
      ["t1", 0.1, 3, 1 / 3],
      ["t2", 0.01, 3, 1 / 3],
    ]);
    // The packaged server finds its page script and the vega bundles.
    for (const f of ["client/dashboard.js", "vendor/vega.min.js", "vendor/vega-embed.min.js"]) expect((await fetch(new URL(f, url))).status, f).toBe(200);
  });

  it("a missing directory and a bad port are exit code 1 naming them", async () => {
    const missing = join(tmpdir(), "gradkit-no-such-dir-for-dashboard");
    const r = await run(["dashboard", missing]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`expected a directory, received "${missing}"`);
    const p = await run(["dashboard", tmpdir(), "--port", "70000"]);
    expect(p.code).toBe(1);
    expect(p.stderr).toContain('--port: expected a whole number from 0 to 65535, received "70000"');
  });
});
