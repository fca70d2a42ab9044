export const PACKAGE = "@gradkit/autograd";
