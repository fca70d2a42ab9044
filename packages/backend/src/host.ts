/** Facts about the machine, read without importing Node modules statically (the package also runs in browsers). */
export interface HostFacts {
  /** CPU model as the OS names it, or "unknown CPU". */
  cpuModel: string;
  /** Logical cores, or undefined if the runtime does not say. */
  cores: number | undefined;
  runtime: string;
}

interface OsLike {
  cpus(): Array<{ model: string }>;
}

export function hostFacts(): HostFacts {
  const proc = (globalThis as { process?: { versions?: { node?: string }; getBuiltinModule?: (id: string) => unknown } }).process;
  if (proc?.versions?.node !== undefined) {
    let cpus: Array<{ model: string }> = [];
    try {
      cpus = (proc.getBuiltinModule?.("node:os") as OsLike | undefined)?.cpus() ?? [];
    } catch {
      cpus = [];
    }
    return {
      cpuModel: cpus[0]?.model?.trim() || "unknown CPU",
      cores: cpus.length > 0 ? cpus.length : undefined,
      runtime: `Node ${proc.versions.node}`,
    };
  }
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number; userAgent?: string } }).navigator;
  return { cpuModel: "unknown CPU", cores: nav?.hardwareConcurrency, runtime: nav?.userAgent ?? "unknown runtime" };
}
