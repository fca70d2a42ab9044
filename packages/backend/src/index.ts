export const PACKAGE = "@gradkit/backend";
