import { describe, expect, it } from "vitest";
import { findSharedLibrary, librarySearchPath, type LibraryLookupSystem } from "../src/index.js";

/** A fake machine: files by path, ld.so.conf.d with a comment, a blank line and a relative (ignored) entry. */
function machine(files: string[], env: Record<string, string> = {}, arch = "x64"): LibraryLookupSystem {
  const conf: Record<string, string> = {
    "/etc/ld.so.conf.d/b-nvidia.conf": "/usr/local/nvidia/lib64 # the driver\n\n",
    "/etc/ld.so.conf.d/a-local.conf": "# comment only\n/opt/lib\nrelative/dir\n",
    "/etc/ld.so.conf.d/README": "/not/a/conf\n",
  };
  return {
    arch,
    env,
    exists: (p) => files.includes(p),
    readText: (p) => conf[p],
    listDir: (p) => (p === "/etc/ld.so.conf.d" ? Object.keys(conf).map((f) => f.split("/").pop()!) : []),
  };
}

describe("librarySearchPath / findSharedLibrary (the dynamic linker's order, ld.so(8))", () => {
  it("LD_LIBRARY_PATH, then the .conf files in name order, then the multiarch and system directories, then extra; no duplicates", () => {
    const sys = machine([], { LD_LIBRARY_PATH: "/a::/b/:/opt/lib" });
    expect(librarySearchPath(sys, ["/usr/local/cuda/lib64", "/a"])).toEqual([
      "/a",
      "/b/",
      "/opt/lib",
      "/usr/local/nvidia/lib64",
      "/lib/x86_64-linux-gnu",
      "/usr/lib/x86_64-linux-gnu",
      "/lib64",
      "/usr/lib64",
      "/lib",
      "/usr/lib",
      "/usr/local/lib",
      "/usr/local/cuda/lib64",
    ]);
    expect(librarySearchPath(machine([], {}, "arm64"))).toContain("/usr/lib/aarch64-linux-gnu");
    expect(librarySearchPath(machine([], {}, "riscv64")).some((d) => d.includes("linux-gnu"))).toBe(false);
  });

  it("finds the first match along the path, or undefined", () => {
    const files = ["/usr/lib/x86_64-linux-gnu/libvulkan.so.1", "/usr/local/nvidia/lib64/libvulkan.so.1", "/usr/local/cuda/lib64/libcudart.so.12"];
    expect(findSharedLibrary(machine(files), "libvulkan.so.1")).toBe("/usr/local/nvidia/lib64/libvulkan.so.1");
    expect(findSharedLibrary(machine(files, { LD_LIBRARY_PATH: "/b/" }), "libvulkan.so.1")).toBe("/usr/local/nvidia/lib64/libvulkan.so.1");
    expect(findSharedLibrary(machine(files), "libcudart.so.12")).toBeUndefined();
    expect(findSharedLibrary(machine(files), "libcudart.so.12", ["/usr/local/cuda/lib64"])).toBe("/usr/local/cuda/lib64/libcudart.so.12");
  });
});
