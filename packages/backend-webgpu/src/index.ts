export const PACKAGE = "@gradkit/backend-webgpu";
