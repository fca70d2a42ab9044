#!/usr/bin/env bash
# On the GPU machine: forward+backward time of the Fashion ResNet-8 under tfjs-webgpu
# settings (the submit batch size), one line each.
cd "$(dirname "$0")/../.."
bash scripts/device/unpack.sh >/dev/null; . scripts/device/env.sh >/dev/null
cd .device/run
for sb in 15 100 1000; do
  TFJS_FLAGS="{\"WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE\":$sb}" NO_KERNEL_PROFILE=1 BATCHES=${BATCHES:-128,512} timeout 60 ./node profile.mjs 2>&1 | grep '^{"batch"' | sed "s/^/submit=$sb /"
done
