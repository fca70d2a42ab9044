/** The npm package this provider loads; an optional peer the user installs. */
export const TFJS_NODE_GPU = "@tensorflow/tfjs-node-gpu";

/** The tfjs-core backend name tfjs-node(-gpu) registers. */
export const TFJS_TENSORFLOW = "tensorflow";

/**
 * What @tensorflow/tfjs-node-gpu 4.x is built against: libtensorflow
 * 2.9.1 for CUDA 11.2 and cuDNN 8.1 (tfjs-node's deps-constants.js and
 * TensorFlow's tested-build table).
 */
export const CUDA_BUILD = { tensorflow: "2.9.1", cuda: "11.2", cudnn: "8.1" } as const;

export const NEEDS = `CUDA ${CUDA_BUILD.cuda} / cuDNN ${CUDA_BUILD.cudnn}`;

export const INSTALL_HINT = `install ${TFJS_NODE_GPU} (built for ${NEEDS})`;

/**
 * The shared libraries libtensorflow's GPU build opens, with what provides
 * each. TensorFlow dlopens the CUDA ones itself at start-up, so a missing
 * one does not fail the require: TensorFlow logs it on stderr and runs on
 * the CPU.
 */
export const CUDA_LIBRARIES: ReadonlyArray<{ soname: string; from: string }> = [
  { soname: "libcudart.so.11.0", from: `the CUDA ${CUDA_BUILD.cuda} runtime` },
  { soname: "libcublas.so.11", from: `cuBLAS from CUDA ${CUDA_BUILD.cuda}` },
  { soname: "libcublasLt.so.11", from: `cuBLAS from CUDA ${CUDA_BUILD.cuda}` },
  { soname: "libcufft.so.10", from: `cuFFT from CUDA ${CUDA_BUILD.cuda}` },
  { soname: "libcurand.so.10", from: `cuRAND from CUDA ${CUDA_BUILD.cuda}` },
  { soname: "libcusolver.so.11", from: `cuSOLVER from CUDA ${CUDA_BUILD.cuda}` },
  { soname: "libcusparse.so.11", from: `cuSPARSE from CUDA ${CUDA_BUILD.cuda}` },
  { soname: "libcudnn.so.8", from: `cuDNN ${CUDA_BUILD.cudnn}` },
];

/** Libraries that are not CUDA toolkit parts, by prefix of their soname. */
const OTHER_LIBRARIES: ReadonlyArray<{ prefix: string; from: string }> = [
  { prefix: "libcuda.so", from: "the NVIDIA driver" },
  { prefix: "libnvidia-", from: "the NVIDIA driver" },
  { prefix: "libtensorflow", from: `the libtensorflow ${CUDA_BUILD.tensorflow} that ${TFJS_NODE_GPU}'s install script downloads into its deps/lib` },
  { prefix: "libnvinfer", from: "TensorRT (optional)" },
];

/** What provides a shared library, in words, if it is one we know. */
export function providerOf(soname: string): string | undefined {
  const cuda = CUDA_LIBRARIES.find((l) => l.soname === soname);
  if (cuda !== undefined) return cuda.from;
  const base = soname.replace(/\.so.*$/, "");
  const family = CUDA_LIBRARIES.find((l) => l.soname.replace(/\.so.*$/, "") === base);
  if (family !== undefined) return `${family.from} (this is another version: ${soname})`;
  return OTHER_LIBRARIES.find((l) => soname.startsWith(l.prefix))?.from;
}
