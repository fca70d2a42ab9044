export { GradkitError, describeValue } from "./errors.js";
