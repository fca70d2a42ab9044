export { renderSpec, type RenderOptions, type RenderedChart, type VegaLiteSpec } from "./render.js";
