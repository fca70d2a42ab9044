import type { Objective, Strategy, TrialOutcome, TrialRequest } from "./strategy.js";

/**
 * Runs a strategy against a plain function (no training, no files): each
 * requested trial's score is `evaluate(request)` (undefined or a thrown error
 * counts as aborted). For testing strategies on objectives with a known optimum.
 */
export async function searchFunction(strategy: Strategy, evaluate: (request: TrialRequest) => number | undefined | Promise<number | undefined>, objective: Objective = { metric: "value", mode: "min" }): Promise<{ outcomes: Map<string, TrialOutcome>; best: TrialOutcome | undefined; rounds: number }> {
  const outcomes = new Map<string, TrialOutcome>();
  let rounds = 0;
  for (;;) {
    const round = strategy.next(outcomes, objective);
    if (round.length === 0) break;
    rounds += 1;
    for (const r of round) {
      let score: number | undefined;
      try {
        score = await evaluate(r);
      } catch {
        score = undefined;
      }
      const ok = score !== undefined && Number.isFinite(score);
      outcomes.set(r.id, { id: r.id, params: r.params, status: ok ? "done" : "aborted", score: ok ? score : undefined });
    }
  }
  let best: TrialOutcome | undefined;
  for (const o of outcomes.values()) {
    if (o.score === undefined) continue;
    if (best === undefined || (objective.mode === "min" ? o.score < best.score! : o.score > best.score!)) best = o;
  }
  return { outcomes, best, rounds };
}
