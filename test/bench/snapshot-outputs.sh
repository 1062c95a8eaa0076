#!/usr/bin/env bash
# Behaviour check for speed work: writes the text, json and jsonl reports of every capture in
# captures/ (and text with --details --all; with its key log when captures/NAME.keys exists) made by one build into a directory,
# so two builds' directories can be compared byte for byte.
#   bash test/bench/snapshot-outputs.sh DIST OUTDIR      e.g. bench-out/before/dist bench-out/snap-before
#   diff -r bench-out/snap-before bench-out/snap-after && echo identical
# Exit codes are recorded too (NAME.FORMAT.rc), and stderr (NAME.FORMAT.err).
set -u
dist=${1:?DIST (a build directory holding cli/main.js)}
out=${2:?OUTDIR}
mkdir -p "$out"
cd "$(dirname "$0")/../.."
for f in captures/*.pcap captures/*.pcapng; do
  [ -e "$f" ] || continue
  name=$(basename "$f")
  keys=${f%.*}.keys
  ka=()
  [ -e "$keys" ] && ka=(--keylog "$keys")
  for fmt in text json jsonl details; do
    fa=(--format "$fmt")
    [ "$fmt" = details ] && fa=(--format text --details --all)
    node "$dist/cli/main.js" file "$f" "${ka[@]}" "${fa[@]}" >"$out/$name.$fmt" 2>"$out/$name.$fmt.err"
    echo $? >"$out/$name.$fmt.rc"
  done
done
ls "$out" | grep -c -v '\.\(rc\|err\)$'
