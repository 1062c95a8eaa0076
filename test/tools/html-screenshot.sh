#!/usr/bin/env bash
# Renders the HTML report of a capture in headless Chromium and saves a PNG, so people can look at
# the layout (overview table with client-certificate status and diagnosis code, diagnoses first,
# issuer-vs-accepted-CAs box, SVG sequence-diagram ladder). The DOM itself is asserted by
# test/report/html-browser.test.ts; this script is for eyes. Needs Debian's chromium
# (apt-get install -y chromium; .ci/run installs it).
# Usage: test/tools/html-screenshot.sh [capture] [keylog] [out.png]
#   Q=words     open the report filtered by the search box (?q=words)
#   HEIGHT=px   window height (default 3000), WIDTH=px (default 1200)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cap=${1:-$repo/captures/all-scenarios.pcap}
keys=${2:-${cap%.pcap}.keys}
out=${3:-$repo/bench-out/report.png}
command -v chromium >/dev/null 2>&1 || { echo "html-screenshot: chromium is not installed (apt-get install -y chromium)" >&2; exit 2; }
mkdir -p "$(dirname "$out")"
html=$(mktemp /tmp/tls-inspect-report-XXXXXX.html)
profile=$(mktemp -d /tmp/tls-inspect-chromium-XXXXXX)
trap 'rm -rf "$html" "$profile"' EXIT
args=(file "$cap" --format html -o "$html")
[ -f "$keys" ] && args+=(--keylog "$keys")
node "$repo/bin/tls-inspect" "${args[@]}"
query=""
[ -n "${Q:-}" ] && query="?q=$(node -e 'process.stdout.write(encodeURIComponent(process.argv[1]))' "$Q")"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --hide-scrollbars --window-size=${WIDTH:-1200},${HEIGHT:-3000} \
  --screenshot="$out" "file://$html$query" >/dev/null 2>&1
echo "$out"
