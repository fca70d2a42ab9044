import Table from "cli-table3";
import type { EntryInfo } from "@gradkit/registry";
import type { BackendsReport } from "./backends-report.js";

/** Plain tables: no colour codes, so output can be piped, diffed and tested. */
const PLAIN = { head: [] as string[], border: [] as string[] };

export interface RenderOptions {
  /** Terminal width; long columns wrap to fit. Default 100. */
  columns?: number;
}

/** The `gradkit backends` table and the sentence saying which would be chosen. */
export function renderBackends(report: BackendsReport, options: RenderOptions = {}): string {
  const columns = Math.max(60, options.columns ?? 100);
  const rows = report.backends.map((b) => {
    // Available yet skipped: passed over by preference (a software GPU adapter); show why instead of the probe's reason.
    const passedOver = b.available ? report.skipped.find((s) => s.name === b.name) : undefined;
    return [
      b.chosen ? "▶" : "",
      b.rank === null ? "-" : String(b.rank),
      b.name,
      b.kind === "unknown" ? "-" : b.kind,
      !b.registered ? "not installed" : passedOver !== undefined ? "passed over" : b.available ? "available" : "unavailable",
      b.device ?? "",
      passedOver?.reason ?? b.reason,
    ];
  });
  const head = ["", "#", "backend", "kind", "status", "device", "reason"];
  const fixed = head.slice(0, 5).map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)) + 2);
  // What is left after the fixed columns and the borders goes to device and reason.
  const free = Math.max(30, columns - fixed.reduce((a, b) => a + b, 0) - head.length - 1);
  // The device gets its full width if the reason keeps 40 columns, else 40% of what is left.
  const deviceNeeds = Math.max(8, ...rows.map((r) => r[5]!.length + 2));
  const deviceWidth = deviceNeeds <= free - 40 ? deviceNeeds : Math.min(deviceNeeds, Math.floor(free * 0.4));
  const table = new Table({
    head,
    style: PLAIN,
    wordWrap: true,
    wrapOnWordBoundary: true,
    colWidths: [...fixed, deviceWidth, Math.max(20, free - deviceWidth)],
  });
  table.push(...rows);
  // The skipped providers' reasons, a passed-over one's included, are already in the table.
  return `${table.toString()}\n${report.why}.\n`;
}

/** The `gradkit list` table. */
export function renderEntries(entries: readonly EntryInfo[], options: RenderOptions = {}): string {
  if (entries.length === 0) return "";
  const columns = Math.max(60, options.columns ?? 100);
  const rows = entries.map((e) => [e.kind, e.name, e.plugin ?? "", e.description]);
  const head = ["kind", "name", "plugin", "description"];
  const fixed = head.slice(0, 3).map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)) + 2);
  const free = Math.max(20, columns - fixed.reduce((a, b) => a + b, 0) - head.length - 1);
  const table = new Table({ head, style: PLAIN, wordWrap: true, wrapOnWordBoundary: true, colWidths: [...fixed, free] });
  table.push(...rows);
  return table.toString() + "\n";
}
