#!/usr/bin/env bash
# On the GPU machine: a short throughput check of both apps on WebGPU (Dawn on the
# NVIDIA Vulkan driver) before a long run. Logs go to $OUT.
set -uo pipefail
cd "$(dirname "$0")/../.."
bash scripts/device/unpack.sh
. scripts/device/env.sh
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
R=.device/run
cd "$R"
run() { local name=$1; shift; timeout "$LIMIT" ./node "$@" > "$OUT/$name.log" 2>&1; echo "$name: exit $?"; grep -v '^\s*$' "$OUT/$name.log" | grep -E 'backend|step|img/s|test|Error|error' | tail -n 6; }
LIMIT=${LIMIT:-100}
run fm-b128 fashion.mjs --data fashion-mnist --widths 16,64,128 --batch-size 128 --steps 60 --log-every 20 --run-dir "$OUT/fm-b128" &
run seg-b32 segmentation.mjs --widths 8,16,32,64 --stage4-convs 3 --batch-size 32 --steps 60 --train 2000 --val 500 --test 500 --log-every 20 --run-dir "$OUT/seg-b32" &
wait
