#!/usr/bin/env bash
# Render a benchmark report (report.html) in headless Chromium and save a PNG screenshot: the check that the
# self-contained HTML really renders in a browser without network, and a picture for a pull request.
#
#   tools/report/screenshot.sh REPORT_HTML OUT_PNG [WIDTHxHEIGHT]
#
# Needs Debian's chromium (apt-get install -y chromium). Size defaults to 1280x4000 (the page is long;
# anything below the window is cut off, so raise the height for big matrices).
set -euo pipefail

if [[ $# -lt 2 || $# -gt 3 ]]; then
  echo "usage: $0 REPORT_HTML OUT_PNG [WIDTHxHEIGHT]" >&2
  exit 2
fi
html=$1
out=$2
size=${3:-1280x4000}
if [[ ! -f $html ]]; then
  echo "no such file: $html" >&2
  exit 2
fi
if [[ ! $size =~ ^[0-9]+x[0-9]+$ ]]; then
  echo "size must look like 1280x4000, got $size" >&2
  exit 2
fi

browser=${CHROMIUM:-}
if [[ -z $browser ]]; then
  for b in chromium chromium-browser google-chrome; do
    if command -v "$b" >/dev/null 2>&1; then browser=$(command -v "$b"); break; fi
  done
fi
if [[ -z $browser ]]; then
  echo "no Chromium found; install it with: apt-get update && apt-get install -y chromium (or set CHROMIUM=/path)" >&2
  exit 3
fi

abs_html=$(cd "$(dirname "$html")" && pwd)/$(basename "$html")
mkdir -p "$(dirname "$out")"
abs_out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
rm -f "$abs_out"

# A fresh profile each time, and no background traffic: the machine may have no network at all, and
# Chromium's update, sync and metrics connections would otherwise fail (or hang) at every start.
# --no-sandbox because CI containers run as root, where Chromium's sandbox refuses to start.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync --disable-extensions \
  --hide-scrollbars --user-data-dir="$profile" --window-size="${size/x/,}" \
  --screenshot="$abs_out" "file://$abs_html" >/dev/null 2>"$profile/chromium.log" || {
  echo "chromium failed:" >&2
  tail -20 "$profile/chromium.log" >&2
  exit 1
}

if [[ ! -s $abs_out ]]; then
  echo "chromium wrote no screenshot; its log:" >&2
  tail -20 "$profile/chromium.log" >&2
  exit 1
fi
echo "wrote $abs_out"
