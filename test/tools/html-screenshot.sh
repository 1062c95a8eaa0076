#!/usr/bin/env bash
# Renders the HTML report of a capture in headless Chromium and saves a PNG, so the layout can be
# checked by eye. Needs Debian's chromium (apt-get install -y chromium); not part of CI.
# Usage: test/tools/html-screenshot.sh [capture] [keylog] [out.png]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cap=${1:-$repo/captures/all-scenarios.pcap}
keys=${2:-${cap%.pcap}.keys}
out=${3:-$repo/bench-out/report.png}
mkdir -p "$(dirname "$out")"
html=$(mktemp /tmp/tls-inspect-report-XXXXXX.html)
profile=$(mktemp -d /tmp/tls-inspect-chromium-XXXXXX)
trap 'rm -rf "$html" "$profile"' EXIT
args=(file "$cap" --format html -o "$html")
[ -f "$keys" ] && args+=(--keylog "$keys")
node "$repo/bin/tls-inspect" "${args[@]}"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --hide-scrollbars --window-size=1200,${HEIGHT:-3000} \
  --screenshot="$out" "file://$html" >/dev/null 2>&1
echo "$out"
