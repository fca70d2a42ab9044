export { renderSpec, type RenderOptions, type RenderedChart, type VegaLiteSpec } from "./render.js";
export { svgToPng, pngSize, PNG_SIGNATURE, type SvgToPngOptions } from "./png.js";
export {
  readRun,
  parseMetrics,
  flattenConfig,
  runOverview,
  RunFileError,
  type Run,
  type RunOverview,
  type RunStatus,
  type RunSummaryFile,
  type MetricsFile,
  type BatchRecord,
  type EpochRecord,
  type DiagnosticsRecord,
  type ActivationStats,
  type OtherRecord,
} from "./run.js";
export { chartSpecs, exponentialMovingAverage, HEALTHY_UPDATE_RATIO, type ChartSet, type ChartOptions, type NamedChart, type OmittedChart } from "./charts.js";
export { writeReport, finalMetrics, formatValue, escapeHtml, type ReportOptions, type ReportResult } from "./report.js";
