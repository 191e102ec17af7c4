#!/usr/bin/env bash
# Full-size random-weight exports for the slow fidelity test and the benchmarks (not committed: ~350 MB each).
#   tools/export/make_full.sh [OUT_DIR] [PRESET...]     (default OUT_DIR: target/full-exports)
# then: mvn -Pslow test -pl dl4j-transfer
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/../../target/full-exports}"
shift || true
presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=(deit-b16 dinov2-vitb14 resnet152)
mkdir -p "$out"
for p in "${presets[@]}"; do
  /usr/bin/python3 "$here/export.py" --family "$p" --out "$out/$p"
done
