import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";

/** The operating-system facts the CUDA diagnosis reads, behind an interface tests replace. */
export interface HostSystem {
  platform: string;
  arch: string;
  env: Record<string, string | undefined>;
  exists(path: string): boolean;
  readText(path: string): string | undefined;
  listDir(path: string): string[];
  /** Run a program briefly; its stdout, or undefined if it is absent or fails. */
  run(command: string, args: string[]): string | undefined;
}

export function nodeSystem(): HostSystem {
  return {
    platform: process.platform,
    arch: process.arch,
    env: process.env,
    exists: (p) => existsSync(p),
    readText: (p) => {
      try {
        return readFileSync(p, "utf8");
      } catch {
        return undefined;
      }
    },
    listDir: (p) => {
      try {
        return readdirSync(p);
      } catch {
        return [];
      }
    },
    run: (command, args) => {
      try {
        return execFileSync(command, args, { encoding: "utf8", timeout: 5000, stdio: ["ignore", "pipe", "ignore"] });
      } catch {
        return undefined;
      }
    },
  };
}

const MULTIARCH: Record<string, string> = { x64: "x86_64-linux-gnu", arm64: "aarch64-linux-gnu" };

/**
 * The directories the dynamic linker searches, in its order: LD_LIBRARY_PATH,
 * /etc/ld.so.conf.d/*.conf, the system directories; plus CUDA's usual
 * install directory, which TensorFlow's own loader also tries.
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
  dirs.push("/lib64", "/usr/lib64", "/lib", "/usr/lib", "/usr/local/lib", "/usr/local/cuda/lib64");
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
