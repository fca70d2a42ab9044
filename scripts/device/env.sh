# Sourced on the GPU machine after unpack.sh: a Vulkan loader (the machine's, else
# Debian's libvulkan1 from .device/debs) and the NVIDIA Vulkan driver for Dawn.
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1'; then
  deb=$(ls .device/debs/libvulkan1_*.deb 2>/dev/null | head -n1 || true)
  if [ -n "$deb" ]; then
    dpkg -x "$deb" .device/run/vulkan
    export LD_LIBRARY_PATH="$PWD/.device/run/vulkan/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    echo "env: Vulkan loader from $deb"
  else
    echo "env: no libvulkan.so.1 and no .device/debs/libvulkan1_*.deb"
  fi
else
  echo "env: Vulkan loader $(ldconfig -p | grep -m1 'libvulkan.so.1' | sed 's/.*=> //')"
fi
# The shipped nvidia_icd.json names libGLX_nvidia.so.0, which on the lent (headless) machine
# answers no vkCreateInstance; libEGL_nvidia.so.0 carries the same Vulkan driver and works
# (measured 2026-11-24, driver 580.159.04; scripts/device/probe-vulkan.sh tries each).
egl=$(ls /usr/local/nvidia/lib64/libEGL_nvidia.so.0 /usr/lib/x86_64-linux-gnu/libEGL_nvidia.so.0 2>/dev/null | head -n1 || true)
if [ -n "$egl" ]; then
  mkdir -p .device/run/icd
  printf '{ "file_format_version": "1.0.1", "ICD": { "library_path": "%s", "api_version": "1.3.0" } }\n' "$egl" > .device/run/icd/nvidia_egl_icd.json
  export VK_DRIVER_FILES="$PWD/.device/run/icd/nvidia_egl_icd.json"
fi
echo "env: VK_DRIVER_FILES=${VK_DRIVER_FILES:-unset}"
export GRADKIT_BACKEND=webgpu
