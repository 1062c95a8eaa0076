#!/usr/bin/env bash
# regenerate.sh — tshark golden files for every committed capture and the Zeek corpus.
#
# Generated with: TShark (Wireshark) 4.0.17 (Git v4.0.17 packaged as 4.0.17-0+deb12u3).
# Tests must not need tshark: they read the committed outputs. Re-run this script (and commit its
# outputs) whenever a capture, key file or this script changes; index.tsv records the SHA-256 of
# every input so a test can detect a stale golden file.
#
# Inputs:  captures/*.pcap captures/*.pcapng   -> test/golden/captures/<name>.*
#          test/fixtures/zeek/*.pcap            -> test/golden/zeek/<name>.*
#          (<name> = file name without .pcap/.pcapng; key log = captures/<name>.keys if present)
# Every tshark run: LC_ALL=C, an empty WIRESHARK_CONFIG_DIR (no user preferences), -n (no name
# resolution), -o tcp.reassemble_out_of_order:TRUE, single pass (no -2), plus -d for the corpus
# files on non-standard ports (DECODE_AS below).
#
# Outputs per input (tab-separated, no header; column meanings in README.md):
#   <name>.streams.tsv   tshark -Y tcp -T fields -e frame.number -e tcp.stream
#   <name>.conv.tsv      computed from -T fields (frame.len, tcp.len per direction, per tcp.stream);
#                        frame counts are cross-checked against `-q -z conv,tcp`
#   <name>.follow.tsv    byte counts of `-q -z follow,tcp,raw,N` for every stream N
#   <name>.tls.tsv       -Y tls -T fields -E separator=/t -E aggregator=, -e frame.number
#                        -e tcp.stream -e tcp.srcport -e tls.record.content_type
#                        -e tls.handshake.type -e tls.alert_message.desc
#                        -e tls.record.opaque_type -e tls.record.length   (two extra columns)
#   <name>.tls-keys.tsv  the same with -o tls.keylog_file:<key log>  (only when a key log exists)
#   index.tsv            one line per input: golden name, input path, sha256, key log path, its
#                        sha256, -d option, frame count
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo"
export LC_ALL=C
cfg=$(mktemp -d)
stage=$(mktemp -d) # outputs are written here and moved into place only when all succeeded
trap 'rm -rf "$cfg" "$stage"' EXIT
export WIRESHARK_CONFIG_DIR="$cfg"

EXPECTED_VERSION="TShark (Wireshark) 4.0.17"
if ! tshark --version 2>/dev/null | head -1 | grep -qF "$EXPECTED_VERSION"; then
  echo "regenerate.sh: warning: not $EXPECTED_VERSION: $(tshark --version 2>/dev/null | head -1)" >&2
fi

CORPUS=test/fixtures/zeek
declare -A DECODE_AS=(
  [certificate-request-failed]="tcp.port==3000,tls" # TLS on 3000 (heuristics find it too)
  [tls-early-alert]="tcp.port==64132,tls"           # TLS on 64132 (heuristics find it too)
)
# smtp-starttls: port 25, tshark follows the STARTTLS upgrade itself; tls-fragmented-handshake:
# port 4433 is a registered TLS port in tshark.

ts() { tshark -n -o tcp.reassemble_out_of_order:TRUE "$@" 2>/dev/null; }

# conv_from_fields: stream, A ip, A port, B ip, B port, frames, frame bytes A->B, frame bytes B->A,
# TCP payload bytes A->B, TCP payload bytes B->A   (A = source of the stream's first frame)
conv_from_fields() {
  awk -F'\t' -v OFS='\t' '
    { s = $1; src = ($2 != "" ? $2 : $3); sp = $4; dst = ($5 != "" ? $5 : $6); dp = $7
      if (!(s in aip)) { aip[s] = src; apt[s] = sp; bip[s] = dst; bpt[s] = dp; order[++n] = s }
      fr[s]++
      if (src == aip[s] && sp == apt[s]) { ab[s] += $8; pab[s] += $9 } else { ba[s] += $8; pba[s] += $9 }
    }
    END { for (i = 1; i <= n; i++) { s = order[i]
            print s, aip[s], apt[s], bip[s], bpt[s], fr[s], ab[s] + 0, ba[s] + 0, pab[s] + 0, pba[s] + 0 } }' |
    sort -n -k1,1
}

# follow_counts CONV: reads `-z follow,tcp,raw` output; prints stream, bytes A->B, bytes B->A with A
# taken from CONV (Node 0/Node 1 are matched against A by "ip:port", IPv6 in brackets).
follow_counts() {
  awk -F'\t' -v OFS='\t' -v conv="$1" '
    BEGIN { while ((getline line < conv) > 0) { split(line, c, "\t")
              a[c[1]] = (c[2] ~ /:/ ? "[" c[2] "]" : c[2]) ":" c[3] } }
    /^Filter: tcp.stream eq / { s = $0; sub(/^Filter: tcp.stream eq /, "", s); n0[s] = 0; n1[s] = 0; ord[++k] = s; next }
    /^Node 0: / { node0[s] = substr($0, 9); next }
    /^Node 1: / { next }
    /^=+$/ || /^Follow: / || /^$/ { next }
    /^\t/ { n1[s] += (length($0) - 1) / 2; next }
    { n0[s] += length($0) / 2 }
    END { for (i = 1; i <= k; i++) { s = ord[i]
            if (node0[s] == a[s] || node0[s] == "") print s, n0[s], n1[s]; else print s, n1[s], n0[s] } }' |
    sort -n -k1,1
}

TLS_FIELDS=(-Y tls -T fields -E separator=/t -E aggregator=, -e frame.number -e tcp.stream
  -e tcp.srcport -e tls.record.content_type -e tls.handshake.type -e tls.alert_message.desc
  -e tls.record.opaque_type -e tls.record.length)

golden() { # golden INPUT OUTDIR NAME KEYS
  local in=$1 out=$2 name=$3 keys=$4
  local dopt=()
  [[ -n ${DECODE_AS[$name]:-} ]] && dopt=(-d "${DECODE_AS[$name]}")
  mkdir -p "$out"

  ts -r "$in" "${dopt[@]}" -Y tcp -T fields -E separator=/t -e frame.number -e tcp.stream \
    >"$out/$name.streams.tsv"

  ts -r "$in" "${dopt[@]}" -Y tcp -T fields -E separator=/t -e tcp.stream -e ip.src -e ipv6.src \
    -e tcp.srcport -e ip.dst -e ipv6.dst -e tcp.dstport -e frame.len -e tcp.len |
    conv_from_fields >"$out/$name.conv.tsv"

  # cross-check: total frames per address/port pair must equal tshark's own conversation table
  local mine theirs
  mine=$(awk -F'\t' '{ print $6 }' "$out/$name.conv.tsv" | sort -n | paste -sd' ')
  theirs=$(ts -r "$in" "${dopt[@]}" -q -z conv,tcp | awk '/<->/ { print $(NF-4) + 0 }' | sort -n | paste -sd' ')
  if [[ "$mine" != "$theirs" ]]; then
    echo "regenerate.sh: $name: frames per stream ($mine) differ from -z conv,tcp ($theirs)" >&2
    exit 1
  fi

  local zs=() s
  for s in $(awk -F'\t' '{ print $1 }' "$out/$name.conv.tsv"); do zs+=(-z "follow,tcp,raw,$s"); done
  if ((${#zs[@]})); then
    ts -r "$in" "${dopt[@]}" -q "${zs[@]}" | follow_counts "$out/$name.conv.tsv" >"$out/$name.follow.tsv"
  else
    : >"$out/$name.follow.tsv"
  fi

  ts -r "$in" "${dopt[@]}" "${TLS_FIELDS[@]}" >"$out/$name.tls.tsv"
  local ksum=-
  if [[ -n $keys ]]; then
    ts -r "$in" "${dopt[@]}" -o "tls.keylog_file:$keys" "${TLS_FIELDS[@]}" >"$out/$name.tls-keys.tsv"
    ksum=$(sha256sum "$keys" | cut -d' ' -f1)
  else
    rm -f "$out/$name.tls-keys.tsv"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${out#"$stage"/}/$name" "$in" "$(sha256sum "$in" | cut -d' ' -f1)" \
    "${keys:--}" "$ksum" "${DECODE_AS[$name]:--}" "$(wc -l <"$out/$name.streams.tsv")" >>"$stage/index.tsv"
}

shopt -s nullglob
for in in captures/*.pcap captures/*.pcapng; do
  name=$(basename "$in"); name=${name%.pcapng}; name=${name%.pcap}
  keys=""; [[ -e captures/$name.keys ]] && keys=captures/$name.keys
  golden "$in" "$stage/captures" "$name" "$keys"
done
for in in "$CORPUS"/*.pcap; do
  name=$(basename "$in" .pcap)
  golden "$in" "$stage/zeek" "$name" ""
done
rm -rf "$here/captures" "$here/zeek" "$here/index.tsv" "$here/index.tsv.new"
mv "$stage/captures" "$stage/zeek" "$stage/index.tsv" "$here/"
echo "regenerate.sh: $(wc -l <"$here/index.tsv") inputs -> $here"
