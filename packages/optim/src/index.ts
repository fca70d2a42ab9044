export { OptimizerError } from "./errors.js";
export {
  Optimizer,
  saveTensor,
  loadTensor,
  type ParamGroup,
  type ParamGroupInput,
  type ParamsInput,
  type GradTree,
  type Closure,
  type ClosureResult,
  type ParamState,
  type SavedTensor,
  type OptimizerStateDict,
} from "./optimizer.js";
