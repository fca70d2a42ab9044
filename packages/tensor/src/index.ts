export { ensureGradients, BUNDLED_GRADIENT_COUNT } from "./gradients.js";
