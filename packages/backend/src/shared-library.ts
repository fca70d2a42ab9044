/** The file-system facts the library search needs (the GPU providers' `HostSystem`s satisfy it). */
export interface LibraryLookupSystem {
  arch: string;
  env: Record<string, string | undefined>;
  exists(path: string): boolean;
  readText(path: string): string | undefined;
  listDir(path: string): string[];
}

/** Debian/Ubuntu multiarch directory names by Node's `process.arch`. */
const MULTIARCH: Record<string, string> = {
  x64: "x86_64-linux-gnu",
  arm64: "aarch64-linux-gnu",
  arm: "arm-linux-gnueabihf",
  ia32: "i386-linux-gnu",
};

/**
 * The directories the dynamic linker searches, in its order: LD_LIBRARY_PATH, then
 * /etc/ld.so.conf.d/*.conf, then the built-in system directories, then `extra` (e.g. CUDA's
 * /usr/local/cuda/lib64, which TensorFlow's own loader also tries). The linker itself reads its
 * cache (/etc/ld.so.cache) rather than these files, but after `ldconfig` both name the same
 * directories. Duplicates are dropped, first place kept.
 */
export function librarySearchPath(sys: LibraryLookupSystem, extra: readonly string[] = []): string[] {
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
  dirs.push("/lib64", "/usr/lib64", "/lib", "/usr/lib", "/usr/local/lib", ...extra);
  return [...new Set(dirs)];
}

/** Where the dynamic linker would find `soname` (first match along `librarySearchPath(sys, extra)`), or undefined. */
export function findSharedLibrary(sys: LibraryLookupSystem, soname: string, extra: readonly string[] = []): string | undefined {
  for (const dir of librarySearchPath(sys, extra)) {
    const candidate = `${dir.replace(/\/$/, "")}/${soname}`;
    if (sys.exists(candidate)) return candidate;
  }
  return undefined;
}
