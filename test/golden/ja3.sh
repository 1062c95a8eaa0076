#!/usr/bin/env bash
# ja3.sh — tshark's JA3 / JA3S for every ClientHello and ServerHello of every committed capture and
# of the Zeek corpus, as golden files for test/analysis/fingerprints-golden.test.ts (tests never run
# tshark). Re-run it and commit the outputs whenever a capture or this script changes.
#
# Generated with: TShark (Wireshark) 4.0.17 (Debian 4.0.17-0+deb12u3).
# Inputs:  captures/*.pcap captures/*.pcapng  -> test/golden/ja3/captures/<name>.tsv
#          test/fixtures/zeek/*.pcap           -> test/golden/ja3/zeek/<name>.tsv
# Every run: LC_ALL=C, an empty WIRESHARK_CONFIG_DIR, -n, -o tcp.reassemble_out_of_order:TRUE, one
# pass, the same -d (decode-as) options as regenerate.sh; no key log (the hellos are plaintext).
#
# Columns (tab-separated, no header; lists joined by ","):
#   1 frame.number  2 tcp.stream  3 tls.handshake.type  4 tls.handshake.ja3_full
#   5 tls.handshake.ja3  6 tls.handshake.ja3s_full  7 tls.handshake.ja3s
# One line per frame that holds a ClientHello (type 1) or ServerHello / HelloRetryRequest (type 2).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo"
export LC_ALL=C
cfg=$(mktemp -d)
stage=$(mktemp -d)
trap 'rm -rf "$cfg" "$stage"' EXIT
export WIRESHARK_CONFIG_DIR="$cfg"

EXPECTED_VERSION="TShark (Wireshark) 4.0.17"
if ! tshark --version 2>/dev/null | head -1 | grep -qF "$EXPECTED_VERSION"; then
  echo "ja3.sh: warning: not $EXPECTED_VERSION: $(tshark --version 2>/dev/null | head -1)" >&2
fi

CORPUS=test/fixtures/zeek
declare -A DECODE_AS=(
  [certificate-request-failed]="tcp.port==3000,tls"
  [tls-early-alert]="tcp.port==64132,tls"
)

run() { # run INPUT OUTFILE NAME
  local dopt=()
  [[ -n ${DECODE_AS[$3]:-} ]] && dopt=(-d "${DECODE_AS[$3]}")
  tshark -n -o tcp.reassemble_out_of_order:TRUE -r "$1" "${dopt[@]}" \
    -Y 'tls.handshake.type==1 || tls.handshake.type==2' -T fields -E separator=/t -E aggregator=, \
    -e frame.number -e tcp.stream -e tls.handshake.type -e tls.handshake.ja3_full -e tls.handshake.ja3 \
    -e tls.handshake.ja3s_full -e tls.handshake.ja3s 2>/dev/null >"$2"
}

shopt -s nullglob
mkdir -p "$stage/captures" "$stage/zeek"
for in in captures/*.pcap captures/*.pcapng; do
  name=$(basename "$in"); name=${name%.pcapng}; name=${name%.pcap}
  run "$in" "$stage/captures/$name.tsv" "$name"
done
for in in "$CORPUS"/*.pcap; do
  name=$(basename "$in" .pcap)
  run "$in" "$stage/zeek/$name.tsv" "$name"
done
rm -rf "$here/ja3/captures" "$here/ja3/zeek"
mkdir -p "$here/ja3"
mv "$stage/captures" "$stage/zeek" "$here/ja3/"
echo "ja3.sh: $(ls "$here/ja3/captures" "$here/ja3/zeek" | grep -c tsv) inputs -> $here/ja3"
