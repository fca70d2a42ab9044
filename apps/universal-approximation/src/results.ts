import type { BoundTerms, SweepRow } from "./construct.js";

export interface Results {
  target: string;
  interval: [number, number];
  lipschitz: number;
  example: { n: number; w: number } & BoundTerms;
  sweep: SweepRow[];
  training: {
    steps: number;
    seed: number;
    lr: number;
    points: number;
    backend: string;
    fits: { width: number; trainMse: number; supError: number; rmsError: number }[];
  };
}

const f3 = (v: number): string => (v >= 0.01 ? v.toFixed(3) : v.toExponential(1));

/** The tables of the README: sup error / bound per (N, w), and the trained nets' errors per width. */
export function markdown(r: Results): string {
  const ns = [...new Set(r.sweep.map((s) => s.n))];
  const ws = [...new Set(r.sweep.map((s) => s.w))];
  const lines = [
    `Construction on ${r.target}, [${r.interval.join(", ")}], L = ${r.lipschitz}: sup error (4001 points) / bound`,
    "",
    `| N \\ w | ${ws.join(" | ")} |`,
    `|---|${ws.map(() => "---:").join("|")}|`,
    ...ns.map((n) => `| ${n} | ${ws.map((w) => {
      const s = r.sweep.find((q) => q.n === n && q.w === w);
      return s === undefined ? "" : `${f3(s.supError)} / ${f3(s.bound)}`;
    }).join(" | ")} |`),
    "",
    `Trained Linear(1, width) → Sigmoid → Linear(width, 1), Adam lr ${r.training.lr} (cosine decay to 0 over the last quarter), ${r.training.steps} full-batch steps on ${r.training.points} points, seed ${r.training.seed} (${r.training.backend}); errors on 2001 points`,
    "",
    "| width | train MSE | sup error | RMS error |",
    "|---:|---:|---:|---:|",
    ...r.training.fits.map((q) => `| ${q.width} | ${q.trainMse.toExponential(2)} | ${f3(q.supError)} | ${f3(q.rmsError)} |`),
    "",
  ];
  return lines.join("\n");
}
