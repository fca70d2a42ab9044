import { GradkitError } from "@gradkit/registry";

/** Every error @gradkit/search throws: a code (`SEARCH_*`), a message naming the thing, the expected and the received value. */
export class SearchError extends GradkitError {}
