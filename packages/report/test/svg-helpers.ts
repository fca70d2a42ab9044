/** The vertices of every `mark-line` path in a vega SVG (its `d` is "Mx,yLx,yL…" for a linear interpolation). */
export function linePathPoints(svg: string): [number, number][][] {
  const out: [number, number][][] = [];
  for (const m of svg.matchAll(/<path[^>]*class="[^"]*mark-line[^"]*"[^>]*>|<g class="mark-line[^"]*"[^>]*>(<path[^>]*>)+/g)) {
    for (const p of m[0].matchAll(/\sd="([^"]*)"/g)) out.push(parsePath(p[1]));
  }
  return out;
}

function parsePath(d: string): [number, number][] {
  const points: [number, number][] = [];
  for (const cmd of d.matchAll(/([ML])\s*(-?[\d.e+-]+)[ ,](-?[\d.e+-]+)/g)) points.push([Number(cmd[2]), Number(cmd[3])]);
  return points;
}

/** Count of data points drawn as `mark-symbol role-mark` paths in a vega SVG (legend symbols excluded). */
export function symbolCount(svg: string): number {
  let n = 0;
  for (const g of svg.matchAll(/<g class="mark-symbol role-mark[^"]*"[^>]*>((?:<path[^>]*\/>)*)<\/g>/g)) n += (g[1].match(/<path/g) ?? []).length;
  return n;
}

