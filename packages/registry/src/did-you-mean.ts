import { distance } from "fastest-levenshtein";

/**
 * The candidate a user most likely meant, or undefined when nothing is
 * close. A case-insensitive exact match wins outright ("AdamW" → "adamw").
 * Otherwise the candidate at the smallest edit distance on lower-cased
 * names (Levenshtein, with one swap of neighbours also counted as one edit:
 * "sdg" → "sgd"), if that distance is small enough to be a typo for names
 * of that length: 0 for 1 character, 1 for 2–3, max(2, ⌊len/3⌋) from 4 on,
 * len being the shorter of the two. So "lrr" → "lr", "adma" → "adam",
 * "sd" → "std", but neither "sgd" nor "sam" suggests "adam". Ties go to
 * the first candidate in order.
 */
export function closestMatch(input: string, candidates: Iterable<string>): string | undefined {
  const needle = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const hay = candidate.toLowerCase();
    if (hay === needle) return candidate;
    const d = isAdjacentSwap(needle, hay) ? 1 : distance(needle, hay);
    if (d < bestDistance && d <= typoLimit(Math.min(needle.length, hay.length))) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** " Did you mean 'x'?" or "" — ready to append to a sentence. */
export function didYouMean(input: string, candidates: Iterable<string>): string {
  const match = closestMatch(input, candidates);
  return match === undefined ? "" : ` Did you mean '${match}'?`;
}

function typoLimit(length: number): number {
  if (length <= 1) return 0;
  if (length <= 3) return 1;
  return Math.max(2, Math.floor(length / 3));
}

/** True when b is a with exactly one pair of neighbouring characters swapped. */
function isAdjacentSwap(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i < a.length && i + 1 < a.length && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
}
