import * as os from "node:os";

/** host:pid, how trial files and logs name the process that ran a trial. */
export const workerName = (): string => `${os.hostname()}:${process.pid}`;
