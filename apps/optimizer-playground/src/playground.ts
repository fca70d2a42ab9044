import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { surfaceSvg } from "./plot.js";
import { svgToPng } from "@gradkit/report";
import { race, stepsToLeave, type RaceResult } from "./race.js";
import { RACERS, RACER_NAMES, type RacerName } from "./racers.js";
import { allSurfaces, type Surface } from "./surfaces.js";

/** The saddle's escape is measured as the first step farther than this from the saddle point (0, 0) (the start is at distance 0.5). */
export const SADDLE_ESCAPE_RADIUS = 1;

/** Options of `runPlayground`. */
export interface PlaygroundOptions {
  /** Steps per optimizer and surface (default 1000). */
  steps?: number;
  surfaces?: Surface[];
  racers?: readonly RacerName[];
  /** Where to write SVG, PNG, Markdown and JSON; nothing is written without it. */
  outDir?: string;
  /** Also render PNGs (default true when `outDir` is given). */
  png?: boolean;
}

export interface SurfaceReport {
  surface: Surface;
  results: RaceResult[];
  svg: string;
}

/** Races every optimizer on every surface; returns the results and, with `outDir`, writes `<surface>.svg`, `<surface>.png`, `results.md` and `results.json`. */
export function runPlayground(options: PlaygroundOptions = {}): SurfaceReport[] {
  const steps = options.steps ?? 1000;
  const reports = (options.surfaces ?? allSurfaces()).map((surface) => {
    const results = race(surface, { steps, racers: options.racers ?? RACER_NAMES });
    return { surface, results, svg: surfaceSvg(surface, results) };
  });
  if (options.outDir !== undefined) {
    mkdirSync(options.outDir, { recursive: true });
    for (const r of reports) {
      writeFileSync(join(options.outDir, `${r.surface.name}.svg`), r.svg);
      if (options.png ?? true) writeFileSync(join(options.outDir, `${r.surface.name}.png`), svgToPng(r.svg));
    }
    writeFileSync(join(options.outDir, "results.md"), markdownTable(reports, steps));
    writeFileSync(join(options.outDir, "results.json"), JSON.stringify(toJson(reports, steps), null, 1));
  }
  return reports;
}

const cell = (n: number | null) => (n === null ? "—" : String(n));

/** The Markdown table: steps to reach |f − f*| < tol per surface × optimizer ("—": not within the budget), plus the saddle's escape steps. */
export function markdownTable(reports: SurfaceReport[], steps: number): string {
  const racers = reports[0]?.results.map((r) => r.racer) ?? [];
  const head = `| surface (tol) | ${racers.map((r) => RACERS[r].label).join(" | ")} |\n|---|${racers.map(() => "---:").join("|")}|`;
  const rows = reports.map(
    (rep) => `| ${rep.surface.title} (${rep.surface.tol}) | ${rep.results.map((r) => cell(r.stepsToTol) + (r.diverged ? " (diverged)" : "")).join(" | ")} |`
  );
  const lines = [`Steps to reach |f − f*| < tol (budget ${steps} steps; "—" = not reached):`, "", head, ...rows];
  const saddle = reports.find((r) => r.surface.name === "saddle");
  if (saddle !== undefined) {
    lines.push(
      "",
      `Saddle escape: first step farther than ${SADDLE_ESCAPE_RADIUS} from the saddle point (start at distance 0.5):`,
      "",
      `| | ${saddle.results.map((r) => RACERS[r.racer].label).join(" | ")} |`,
      `|---|${saddle.results.map(() => "---:").join("|")}|`,
      `| steps | ${saddle.results.map((r) => cell(stepsToLeave(r, [0, 0], SADDLE_ESCAPE_RADIUS))).join(" | ")} |`
    );
  }
  const lbfgs = reports.flatMap((rep) => rep.results.filter((r) => r.racer === "lbfgs").map((r) => `${rep.surface.name} ${cell(r.evaluationsToTol)}`));
  if (lbfgs.length > 0)
    lines.push(
      "",
      `L-BFGS runs one iteration per step; its strong-Wolfe line search may evaluate the objective more than once (evaluations until the tolerance: ${lbfgs.join(
        ", "
      )}).`
    );
  return `${lines.join("\n")}\n`;
}

/** The JSON written to results.json. */
export function toJson(reports: SurfaceReport[], steps: number) {
  return {
    steps,
    surfaces: reports.map(({ surface: s, results }) => ({
      name: s.name,
      title: s.title,
      formula: s.formula,
      fStar: s.fStar,
      argmin: s.argmin,
      start: s.start,
      tol: s.tol,
      racers: results.map((r) => ({
        racer: r.racer,
        label: RACERS[r.racer].label,
        spec: { ...RACERS[r.racer].spec, lr: r.lr },
        lr: r.lr,
        stepsToTol: r.stepsToTol,
        escapeSteps: s.name === "saddle" ? stepsToLeave(r, [0, 0], SADDLE_ESCAPE_RADIUS) : undefined,
        evaluations: r.evaluations,
        evaluationsToTol: r.evaluationsToTol,
        diverged: r.diverged,
        final: { point: r.trajectory[r.trajectory.length - 1], f: r.values[r.values.length - 1] },
        trajectory: r.trajectory,
      })),
    })),
  };
}
