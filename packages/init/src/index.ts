import "./register.js";

export { InitError } from "./errors.js";
export { calculateGain, NONLINEARITIES, type Nonlinearity } from "./gain.js";
export { fanInAndFanOut, correctFan, type FanMode } from "./fan.js";
export { seedInit, type InitRandom } from "./stream.js";
export { zeros, ones, constant, positiveBias } from "./constant.js";
export { normal, uniform, type NormalOptions, type UniformOptions } from "./random.js";
export { xavierUniform, xavierNormal, xavierStd, type XavierOptions } from "./xavier.js";
export { kaimingUniform, kaimingNormal, kaimingStd, type KaimingOptions } from "./kaiming.js";
export { lecunUniform, lecunNormal, type LecunOptions } from "./lecun.js";
export { orthogonal, type OrthogonalOptions } from "./orthogonal.js";
export { truncatedNormal, truncatedNormalMoments, type TruncatedNormalOptions } from "./truncated-normal.js";
export { normalCdf, normalPdf, normalQuantile } from "./normal-math.js";
export { toInitializer, type Initializer, type InitializerSpec } from "./initializer.js";
export { initWeights, initFromCheckpoint, type ModuleLike, type InitModuleOptions, type FromCheckpointOptions, type FromCheckpointReport } from "./module-init.js";
