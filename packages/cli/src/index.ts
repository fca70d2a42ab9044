export const PACKAGE = "@gradkit/cli";
