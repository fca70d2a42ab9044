import { GradkitError } from "@gradkit/registry";

/**
 * Errors of @gradkit/data. Codes:
 * - `DATA_INVALID_ARGUMENT`: a bad option or index (names the option, the expected and the received value).
 * - `DATA_MISSING_FILE`: a dataset file that is not there (names the path and how to get it).
 * - `DATA_CORRUPT_FILE`: a file whose bytes do not match its format (names the file, what was expected and what was found).
 */
export class DataError extends GradkitError {}
