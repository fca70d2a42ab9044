import { packageConfig } from "../vitest.shared";

export default packageConfig(import.meta.dirname);
