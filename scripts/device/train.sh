#!/usr/bin/env bash
# On the GPU machine: trains reference apps at once on WebGPU (Dawn, NVIDIA Vulkan), each under its own
# wall-clock limit, and packs each run directory (JSON, JSONL and the checkpoint's weights and state) into
# $OUT/<name>.tar.gz (the tool returns at most 8 files: keep runs + logs under that).
#   FM_ARGS / SEG_ARGS   the apps' options (empty: that app does not run); FM_LIMIT / SEG_LIMIT seconds
#   RUNS                 more runs, one per line: "NAME APP LIMIT ARGS…" (APP fashion or segmentation)
#   .device/resume/<name>/ or <name>.tar.gz / .tar.xz (carried; xz -9 is ~10 % smaller) a run directory to continue with --resume
set -uo pipefail
cd "$(dirname "$0")/../.."
bash scripts/device/unpack.sh >/dev/null
. scripts/device/env.sh
R=.device/run
mkdir -p "$R/runs"
run() {
  local name=$1 app=$2 limit=$3 args=$4 resume=""
  if [ -f ".device/resume/$name.tar.gz" ]; then tar -C "$R/runs" -xzf ".device/resume/$name.tar.gz"; fi
  if [ -f ".device/resume/$name.tar.xz" ]; then xz -dc ".device/resume/$name.tar.xz" | tar -C "$R/runs" -xf -; fi
  if [ -d ".device/resume/$name" ]; then cp -r ".device/resume/$name" "$R/runs/$name"; fi
  [ -f "$R/runs/$name/checkpoint.json" ] && resume="--resume"
  # shellcheck disable=SC2086
  (cd "$R" && timeout "$limit" ./node "$app.mjs" $args $resume --run-dir "runs/$name") > "$OUT/$name.log" 2>&1
  echo "$name: exit $?"
  grep -E "epoch [0-9]+ (done|step [0-9]+/[0-9]+ +loss)|final|test|stopped|Error" "$OUT/$name.log" | tail -n 8
  # The files checkpoint.json names: the weights and (checkpoint format 2) the optimizer's state tensors.
  local w t
  w=$(sed -n 's/.*"weights": *"\([^"]*\)".*/\1/p' "$R/runs/$name/checkpoint.json" 2>/dev/null | head -n1)
  t=$(sed -n 's/.*"tensors": *"\([^"]*\)".*/\1/p' "$R/runs/$name/checkpoint.json" 2>/dev/null | head -n1)
  (cd "$R/runs" && tar czf "$OUT/$name.tar.gz" $(cd "$name" && ls *.json *.jsonl *.png 2>/dev/null | sed "s|^|$name/|") ${w:+"$name/$w"} ${t:+"$name/$t"})
}
[ -n "${FM_ARGS:-}" ] && run fm fashion "${FM_LIMIT:-500}" "$FM_ARGS" &
[ -n "${SEG_ARGS:-}" ] && run seg segmentation "${SEG_LIMIT:-500}" "$SEG_ARGS" &
while read -r name app limit args; do
  [ -n "$name" ] && run "$name" "$app" "$limit" "$args" &
done <<< "${RUNS:-}"
wait
