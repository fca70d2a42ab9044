#!/usr/bin/env bash
# On the GPU machine: tries the NVIDIA Vulkan ICDs (as shipped, and rewritten to name
# libGLX_nvidia / libEGL_nvidia by absolute path) with Dawn and prints what each gives.
cd "$(dirname "$0")/../.."
bash scripts/device/unpack.sh >/dev/null
. scripts/device/env.sh >/dev/null
ls -la /dev/nvidia* 2>&1 | head
mkdir -p .device/run/icd
for lib in /usr/local/nvidia/lib64/libGLX_nvidia.so.0 /usr/local/nvidia/lib64/libEGL_nvidia.so.0; do
  printf '{ "file_format_version": "1.0.1", "ICD": { "library_path": "%s", "api_version": "1.3.0" } }\n' "$lib" > ".device/run/icd/$(basename "$lib").json"
done
for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json .device/run/icd/*.json; do
  VK_DRIVER_FILES="$icd" VK_LOADER_DEBUG=error,driver timeout 30 .device/run/node scripts/device/probe-vulkan.mjs 2>"$OUT/$(basename "$icd").err" | tail -n 1
  grep -m 3 -i -E "error|fail|could not" "$OUT/$(basename "$icd").err"
done
cat /usr/share/vulkan/icd.d/nvidia_icd.json
