/**
 * The few operating-system facts the Node path needs, behind one interface
 * so tests can stand in for a machine without Vulkan, without SwiftShader,
 * or with a user-chosen driver. Node's modules are imported lazily: this
 * package also runs in browsers, where none of this is touched.
 */
export interface HostSystem {
  platform: string;
  arch: string;
  /** The live process environment: Vulkan's loader reads it when Dawn creates an instance. */
  env: Record<string, string | undefined>;
  exists(path: string): boolean;
  readText(path: string): string | undefined;
  listDir(path: string): string[];
  /** A new directory only this user can enter (mode 0700). */
  makePrivateTempDir(prefix: string): string;
}

export function isNode(): boolean {
  return typeof process !== "undefined" && typeof process.versions?.node === "string";
}

export async function nodeSystem(): Promise<HostSystem> {
  const fs = await import("node:fs");
  const os = await import("node:os");
  const path = await import("node:path");
  return {
    platform: process.platform,
    arch: process.arch,
    env: process.env,
    exists: (p) => fs.existsSync(p),
    readText: (p) => {
      try {
        return fs.readFileSync(p, "utf8");
      } catch {
        return undefined;
      }
    },
    listDir: (p) => {
      try {
        return fs.readdirSync(p);
      } catch {
        return [];
      }
    },
    makePrivateTempDir: (prefix) => fs.mkdtempSync(path.join(os.tmpdir(), prefix)),
  };
}

const MULTIARCH: Record<string, string> = {
  x64: "x86_64-linux-gnu",
  arm64: "aarch64-linux-gnu",
  arm: "arm-linux-gnueabihf",
  ia32: "i386-linux-gnu",
};

/**
 * The directories the dynamic linker searches, in its order: LD_LIBRARY_PATH,
 * then /etc/ld.so.conf.d/*.conf, then the built-in system directories. The
 * linker itself reads its cache (/etc/ld.so.cache) rather than these files,
 * but after `ldconfig` both name the same directories.
 */
export function librarySearchPath(sys: HostSystem): string[] {
  const dirs: string[] = [];
  for (const dir of (sys.env.LD_LIBRARY_PATH ?? "").split(":")) if (dir !== "") dirs.push(dir);
  const confDir = "/etc/ld.so.conf.d";
  for (const file of sys.listDir(confDir).filter((f) => f.endsWith(".conf")).sort()) {
    for (const line of (sys.readText(`${confDir}/${file}`) ?? "").split("\n")) {
      const dir = line.replace(/#.*/, "").trim();
      if (dir.startsWith("/")) dirs.push(dir);
    }
  }
  const triplet = MULTIARCH[sys.arch];
  if (triplet !== undefined) dirs.push(`/lib/${triplet}`, `/usr/lib/${triplet}`);
  dirs.push("/lib64", "/usr/lib64", "/lib", "/usr/lib", "/usr/local/lib");
  return [...new Set(dirs)];
}

/** Where the dynamic linker would find `soname`, or undefined. */
export function findSharedLibrary(sys: HostSystem, soname: string): string | undefined {
  for (const dir of librarySearchPath(sys)) {
    const candidate = `${dir.replace(/\/$/, "")}/${soname}`;
    if (sys.exists(candidate)) return candidate;
  }
  return undefined;
}
