/** What a WebGPU adapter says about itself, copied out of the live object. */
export interface AdapterFacts {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** The spec's flag for a software (or otherwise degraded) adapter. */
  isFallbackAdapter: boolean;
  /** True when the adapter is a software rasterizer (SwiftShader, llvmpipe, WARP…). */
  software: boolean;
  features: string[];
  limits: Record<string, number>;
}

/** Drivers that are software renderers, by the words they use for themselves. */
const SOFTWARE_NAMES = /swiftshader|llvmpipe|lavapipe|softpipe|\bwarp\b|basic render|software/i;

/** The limits worth reporting for training: how big a buffer and a workgroup may be. */
const LIMITS = [
  "maxBufferSize",
  "maxStorageBufferBindingSize",
  "maxComputeWorkgroupStorageSize",
  "maxComputeInvocationsPerWorkgroup",
  "maxComputeWorkgroupSizeX",
  "maxComputeWorkgroupsPerDimension",
] as const;

interface AdapterLike {
  info?: Record<string, unknown>;
  isFallbackAdapter?: boolean;
  features?: Iterable<string>;
  limits?: Record<string, unknown>;
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/**
 * Read an adapter's info. `adapter.info` is the current spec; older
 * browsers had `isFallbackAdapter` on the adapter itself. Browsers may blank
 * the strings for privacy, so "software" also trusts the fallback flag.
 */
export function readAdapterFacts(adapter: unknown): AdapterFacts {
  const a = adapter as AdapterLike;
  const info = a.info ?? {};
  const vendor = text(info.vendor);
  const architecture = text(info.architecture);
  const device = text(info.device);
  const description = text(info.description);
  const isFallbackAdapter = info.isFallbackAdapter === true || a.isFallbackAdapter === true;
  const named = SOFTWARE_NAMES.test([vendor, architecture, device, description].join(" "));
  const limits: Record<string, number> = {};
  for (const key of LIMITS) {
    const value = a.limits?.[key];
    if (typeof value === "number") limits[key] = value;
  }
  return {
    vendor,
    architecture,
    device,
    description,
    isFallbackAdapter,
    software: isFallbackAdapter || named,
    features: a.features === undefined ? [] : [...a.features].sort(),
    limits,
  };
}

/**
 * The adapter in words, e.g. "SwiftShader driver 5.0.0 (google swiftshader)
 * (software)": the driver's description, then vendor and architecture.
 */
export function adapterLabel(facts: AdapterFacts): string {
  const who = [facts.vendor, facts.architecture].filter((s) => s !== "").join(" ");
  const main = facts.description !== "" ? facts.description : facts.device !== "" ? facts.device : "";
  let label: string;
  if (main !== "" && who !== "") label = `${main} (${who})`;
  else label = main !== "" ? main : who !== "" ? who : "unnamed WebGPU adapter";
  return facts.software ? `${label} (software)` : label;
}
