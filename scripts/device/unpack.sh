#!/usr/bin/env bash
# On the GPU machine: unpacks what pack.sh made into .device/run (node, the bundles, Fashion-MNIST).
set -euo pipefail
cd "$(dirname "$0")/../.."
R=.device/run
mkdir -p "$R"
xz -dc .device/node.xz > "$R/node" && chmod +x "$R/node"
xz -dc .device/app.tar.xz | tar -C "$R" -xf -
if [ -d .device/fashion-mnist ]; then
  mkdir -p "$R/fashion-mnist"
  for f in .device/fashion-mnist/*.xz; do xz -dc "$f" > "$R/fashion-mnist/$(basename "$f" .xz)"; done
fi
"$R/node" --version
