#!/bin/sh
# Free-memory preflight of a Prositronic llama-server unit (ExecStartPre, written by prositronic.infra.llama_server).
# usage: llama-server-preflight NAME NEED_BYTES[,NEED_BYTES...] RESERVE_BYTES
#   NEED_BYTES: what the plan puts on each GPU once the model is loaded (plan.json atLoadBytes, device order)
#   RESERVE_BYTES: the margin the plan keeps free on every GPU (plan.json memory.reserveBytes)
# Exits 1, with the numbers, when a GPU has less free memory (nvidia-smi memory.free) than need plus reserve.
set -eu
[ $# -eq 3 ] || { echo "usage: $0 NAME NEED_BYTES[,NEED_BYTES...] RESERVE_BYTES" >&2; exit 2; }
name=$1
needs=$2
reserve=$3
if ! smi=$(nvidia-smi --query-gpu=index,memory.free,memory.total --format=csv,noheader,nounits); then
  echo "$name: nvidia-smi failed, so the GPUs' free memory cannot be checked (is the NVIDIA driver loaded?)" >&2
  exit 1
fi
printf '%s\n' "$smi" | awk -F', *' -v name="$name" -v needs="$needs" -v reserve="$reserve" '
BEGIN { n = split(needs, need, ","); MiB = 1048576; bad = 0 }
NF >= 2 { free[$1] = $2; total[$1] = $3 }
END {
  for (i = 1; i <= n; i++) {
    g = i - 1
    if (!(g in free)) {
      printf "%s: the plan puts %.0f MiB on GPU %d, which nvidia-smi does not list\n", name, need[i] / MiB, g > "/dev/stderr"
      bad = 1
      continue
    }
    want = need[i] + reserve
    if (free[g] * MiB < want) {
      printf "%s: GPU %d has %d MiB free of %d MiB; the plan needs %.0f MiB plus a reserve of %.0f MiB (%.0f MiB). " \
             "Stop what else uses the GPU (nvidia-smi lists it) or compile a plan that fits what is free.\n",
             name, g, free[g], total[g], need[i] / MiB, reserve / MiB, want / MiB > "/dev/stderr"
      bad = 1
    } else {
      printf "%s: GPU %d has %d MiB free; the plan needs %.0f MiB plus a reserve of %.0f MiB: ok\n",
             name, g, free[g], need[i] / MiB, reserve / MiB
    }
  }
  exit bad
}'
