#!/usr/bin/env bash
# Regenerate every committed tiny fixture (random weights, fixed seeds: a rerun gives identical files)
# into dl4j-transfer/src/test/resources/fixtures/tiny/<preset>/, then the operator fixtures
# (make_op_fixtures.py, when present).
#   tools/export/make_fixtures.sh [--check] [PRESET...]
#     --check   also evaluate each fixture's ONNX graph with onnx_eval.py against its references
#     PRESET    only these tiny fixtures (and then not the operator fixtures)
#   FIXTURES_DIR=/tmp/fx tools/export/make_fixtures.sh   writes <FIXTURES_DIR>/tiny and <FIXTURES_DIR>/ops
#   instead of the committed dl4j-transfer/src/test/resources/fixtures (e.g. to diff a rerun).
# Needs Debian's /usr/bin/python3 (torch 1.13, torchvision 0.14, onnx 1.12).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
fixtures="${FIXTURES_DIR:-$root/dl4j-transfer/src/test/resources/fixtures}"
out="$fixtures/tiny"
py=/usr/bin/python3
check=0
explicit=0
presets=()
for a in "$@"; do
  case "$a" in
    --check) check=1 ;;
    *) presets+=("$a"); explicit=1 ;;
  esac
done
[ ${#presets[@]} -gt 0 ] || presets=(dinov2-vitb14 deit-b16 dino-vitb16 openclip-vitb16 blip-vitb16 deit-tail
                                   sam-vitb seem-focalnet-t resnet152)
limit=$((2 * 1024 * 1024))
mkdir -p "$out"
for p in "${presets[@]}"; do
  rm -rf "${out:?}/$p"
  # torch 1.13 prints UserWarnings about constant folding / shape inference here; they are harmless
  "$py" "$here/export.py" --family "$p" --tiny --out "$out/$p"
  size=$(du -sb "$out/$p" | cut -f1)
  if [ "$size" -ge "$limit" ]; then
    echo "ERROR: $out/$p is $size bytes (limit 2 MiB)" >&2
    exit 1
  fi
done
if [ -f "$here/make_op_fixtures.py" ] && [ "$explicit" = 0 ]; then
  "$py" "$here/make_op_fixtures.py" --out "$fixtures/ops"
fi
if [ "$check" = 1 ]; then
  dirs=()
  for p in "${presets[@]}"; do dirs+=("$out/$p"); done
  "$py" "$here/check_export.py" "${dirs[@]}"
fi
du -sh "$out"/* | sed "s#$root/##"
[ "$explicit" = 1 ] || [ ! -d "$fixtures/ops" ] || du -sh "$fixtures/ops" | sed "s#$root/##"
