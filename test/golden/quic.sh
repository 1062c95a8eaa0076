#!/usr/bin/env bash
# quic.sh — tshark golden files for the QUIC captures (captures/quic/*.pcap, made by
# captures/make-quic-captures.sh). Generated with TShark (Wireshark) 4.0.17. Tests read the outputs
# (test/golden/quic/) and never need tshark; re-run this script and commit its outputs whenever a
# QUIC capture or key log changes.
#
# Every tshark run: LC_ALL=C, an empty WIRESHARK_CONFIG_DIR, -n, one pass. Per capture <name>:
#   <name>.tsv        without keys  (tshark decrypts Initial packets by itself)
#   <name>.keys.tsv   with -o tls.keylog_file:captures/quic/<name>.keys (when the key log exists)
# Both: tshark -Y quic -T fields -E separator=/t -E aggregator=, with the columns
#   1 frame.number  2 udp.stream  3 udp.srcport  4 quic.long.packet_type (one per long-header packet
#   of the datagram; short-header packets add none)  5 tls.handshake.type (in CRYPTO order)
#   6 quic.cc.error_code.tls_alert (CONNECTION_CLOSE with a crypto error: the TLS alert)
# tshark 4.0 does not dissect QUIC v2 draft 0x709a50c4 (quic-v2draft-*): their files are empty.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo"
export LC_ALL=C
cfg=$(mktemp -d)
trap 'rm -rf "$cfg"' EXIT
export WIRESHARK_CONFIG_DIR="$cfg"
FIELDS=(-Y quic -T fields -E separator=/t -E aggregator=, -e frame.number -e udp.stream -e udp.srcport
  -e quic.long.packet_type -e tls.handshake.type -e quic.cc.error_code.tls_alert)
mkdir -p "$here/quic"
rm -f "$here"/quic/*.tsv
n=0
for in in captures/quic/*.pcap; do
  name=$(basename "$in" .pcap)
  tshark -n -r "$in" "${FIELDS[@]}" 2>/dev/null >"$here/quic/$name.tsv"
  keys=captures/quic/$name.keys
  [[ -e $keys ]] && tshark -n -r "$in" -o "tls.keylog_file:$keys" "${FIELDS[@]}" 2>/dev/null >"$here/quic/$name.keys.tsv"
  n=$((n + 1))
done
echo "quic.sh: $n QUIC captures -> $here/quic"
