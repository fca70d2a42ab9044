export const PACKAGE = "@gradkit/tensor";
