export const PACKAGE = "@gradkit/backend-cuda";
