#!/usr/bin/env bash
# make-lossy-captures.sh — record mTLS exchanges over a veth pair between two network namespaces,
# with real kernel-made loss, duplication and reordering (lossy-mtls) or a small MTU (mtu600-mtls).
#
# Needs root, iproute2, iptables (statistic, TEE, CLASSIFY), tc (htb), tcpdump, openssl 3.0.
# The kernel here has no sch_netem, so the impairments are built from what exists:
#   loss         iptables `-m statistic --mode nth ... -j DROP`, in four places:
#                  server OUTPUT and client OUTPUT (dropped before the capture point: the capture
#                  shows a sequence gap, later filled by a retransmission), server INPUT and client
#                  INPUT (dropped after the capture point: the capture holds the segment AND its
#                  retransmission, i.e. a duplicate);
#   duplication  iptables `-t mangle ... -j TEE --gateway <peer>` (an exact copy of the packet);
#   reordering   an htb qdisc with a slow class (1:2, 400 kbit) on both veth ends; iptables
#                `-j CLASSIFY --set-class 1:2` puts every n-th packet into it, so later packets of
#                the fast class overtake it on the wire.
# "nth" (not "random") keeps the pattern the same from run to run; TCP timing still varies.
# GSO is limited to one segment per packet (`ip link set ... gso_max_segs 1`) so that the capture
# shows wire-sized segments, not 64 KB offload packets (ethtool is not installed).
#
# Topology: netns ti-cli (veth ti-c, 10.99.0.1) <-> netns ti-srv (veth ti-s, 10.99.0.2).
# The capture runs in ti-cli on ti-c (the client side). Namespaces are deleted on exit (trap).
#
# Exchange: s_server (plain mode, -Verify 1 -verify_return_error, Test CA) and s_client (good
# client certificate, -nocommands) each send PAYLOAD bytes of digit lines (digits: no s_server
# command letters) read from stdin; the client closes (close_notify) after its stdin ends.
#   lossy-mtls   TLS 1.3, MTU 1500, 200 KB each way, impairments above
#   mtu600-mtls  TLS 1.2, MTU 600 on both ends, 200 KB each way, no impairment (records span
#                many segments; the client Certificate is cleartext and spans two segments)
# Outputs (captures/): <name>.pcap, <name>.keys, logs/<name>.txt.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
[[ -e pki/test-ca.pem ]] || ./make-pki.sh
mkdir -p logs
PAYLOAD=204800
PORT=4433
NSC=ti-cli NSS=ti-srv
C_IP=10.99.0.1 S_IP=10.99.0.2
tmp=$(mktemp -d)
pids=()

cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  ip netns del "$NSC" 2>/dev/null || true
  ip netns del "$NSS" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

in_c() { ip netns exec "$NSC" "$@"; }
in_s() { ip netns exec "$NSS" "$@"; }

wait_for() { # wait_for SECONDS COMMAND...
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.05
  done
}

# digits-only payload of exactly N bytes: 63 digits + newline per line
payload() { { yes "$1" || true; } | head -c "$2"; }

setup_net() { # setup_net MTU
  for ns in "$NSC" "$NSS"; do
    if ip netns list | grep -qw "$ns"; then
      echo "make-lossy-captures.sh: netns $ns exists (left over?): ip netns del $ns" >&2; exit 1
    fi
    ip netns add "$ns"
    ip -n "$ns" link set lo up
  done
  ip -n "$NSC" link add name ti-c type veth peer name ti-s netns "$NSS"
  ip -n "$NSC" addr add "$C_IP/24" dev ti-c
  ip -n "$NSS" addr add "$S_IP/24" dev ti-s
  ip -n "$NSC" link set ti-c mtu "$1" gso_max_segs 1 up
  ip -n "$NSS" link set ti-s mtu "$1" gso_max_segs 1 up
}

impair() {
  # loss. nth: "--every E --packet k" matches the k-th (0-based) TCP packet passing the rule and
  # every E-th after it (retransmissions count too). The first drops hit the handshake.
  in_s iptables -A INPUT -p tcp -m statistic --mode nth --every 31 --packet 2 -j DROP
  in_s iptables -A OUTPUT -p tcp -m statistic --mode nth --every 23 --packet 2 -j DROP
  in_c iptables -A OUTPUT -p tcp -m statistic --mode nth --every 29 --packet 5 -j DROP
  in_c iptables -A INPUT -p tcp -m statistic --mode nth --every 37 --packet 11 -j DROP
  # duplication
  in_s iptables -t mangle -A POSTROUTING -p tcp -m statistic --mode nth --every 41 --packet 9 \
    -j TEE --gateway "$C_IP"
  in_c iptables -t mangle -A POSTROUTING -p tcp -m statistic --mode nth --every 43 --packet 4 \
    -j TEE --gateway "$S_IP"
  # reordering: every n-th packet waits in a slow htb class
  local ns dev
  for ns in "$NSC" "$NSS"; do
    dev=ti-c; [[ $ns == "$NSS" ]] && dev=ti-s
    ip netns exec "$ns" tc qdisc add dev "$dev" root handle 1: htb default 1
    ip netns exec "$ns" tc class add dev "$dev" parent 1: classid 1:1 htb rate 10gbit quantum 60000
    ip netns exec "$ns" tc class add dev "$dev" parent 1: classid 1:2 htb rate 400kbit ceil 400kbit \
      burst 1600 cburst 1600
    ip netns exec "$ns" iptables -t mangle -A POSTROUTING -p tcp -m statistic --mode nth \
      --every 17 --packet 8 -j CLASSIFY --set-class 1:2
  done
}

# run NAME VERSIONFLAG MTU IMPAIR(yes|no) DESCRIPTION
run() {
  local name=$1 vflag=$2 mtu=$3 imp=$4 desc=$5
  setup_net "$mtu"
  [[ $imp == yes ]] && impair
  rm -f "$name.pcap" "$name.keys"
  payload 012345678901234567890123456789012345678901234567890123456789012 $PAYLOAD >"$tmp/c.in"
  payload 987654321098765432109876543210987654321098765432109876543210987 $PAYLOAD >"$tmp/s.in"

  # not via in_c: $! must be tcpdump itself (ip netns exec execs it) so that kill -INT reaches it
  ip netns exec "$NSC" tcpdump -i ti-c --immediate-mode -B 32768 -U -Z root -s 0 -w "$name.pcap" \
    "tcp port $PORT" 2>"$tmp/tcpdump.err" &
  local tpid=$!; pids+=("$tpid")
  wait_for 5 grep -q 'listening on' "$tmp/tcpdump.err"

  local srv=(openssl s_server -accept "$S_IP:$PORT" -naccept 1 -cert pki/server.pem -key pki/server.key
    -CAfile pki/test-ca.pem -Verify 1 -verify_return_error)
  local cli=(openssl s_client -connect "$S_IP:$PORT" -servername localhost -CAfile pki/test-ca.pem
    -verify_return_error -cert pki/client.pem -key pki/client.key -keylogfile "$name.keys"
    -nocommands "$vflag")
  (cat "$tmp/s.in"; sleep 30) | in_s timeout 40 "${srv[@]}" >"$tmp/server.out" 2>&1 &
  local spid=$!; pids+=("$spid")
  wait_for 5 bash -c "ip netns exec $NSS ss -Hltn '( sport = :$PORT )' | grep -q LISTEN"
  set +e
  (cat "$tmp/c.in"; sleep 8) | in_c timeout 40 "${cli[@]}" >"$tmp/client.out" 2>&1
  local crc=$?
  set -e
  wait_for 15 bash -c "! kill -0 $spid 2>/dev/null" || kill "$spid" 2>/dev/null || true
  sleep 0.5
  kill -INT "$tpid"; wait "$tpid" || true

  local got_c got_s
  got_c=$(grep -c '^9876' "$tmp/client.out" || true)   # server payload lines seen by the client
  got_s=$(grep -c '^0123' "$tmp/server.out" || true)   # client payload lines seen by the server
  {
    echo "# $name: $desc"
    echo "# server (netns $NSS): (cat server-payload; sleep 30) | ${srv[*]}"
    echo "# client (netns $NSC): (cat client-payload; sleep 8) | ${cli[*]}"
    echo "# s_client exit status $crc; payload lines received: client $got_c, server $got_s" \
      "(expected $((PAYLOAD / 64)) each; a line printed in the middle of s_client's session" \
      "ticket report is not counted)"
    echo "# tcpdump: $(grep -E 'captured|dropped' "$tmp/tcpdump.err" | paste -sd, )"
    if [[ $imp == yes ]]; then
      echo "## impairment counters (packets, bytes) at the end"
      for ns in "$NSC" "$NSS"; do
        echo "### netns $ns"
        ip netns exec "$ns" iptables-save -c | grep -E 'statistic' || true
        ip netns exec "$ns" tc -s class show dev "$( [[ $ns == "$NSS" ]] && echo ti-s || echo ti-c )" \
          | grep -E 'class|Sent' || true
      done
    fi
    echo "## s_client output (payload lines removed)"
    grep -Ev '^(9876|0123)' "$tmp/client.out" | grep -Ev '^ +[0-9a-f]{4} - ' || true
    echo "## s_server output (payload lines removed)"
    grep -Ev '^(9876|0123)' "$tmp/server.out" | grep -Ev '^ +[0-9a-f]{4} - ' || true
  } >"logs/$name.txt"
  ip netns del "$NSC"; ip netns del "$NSS"
  printf '%-14s client rc %s, lines client %s server %s, %s bytes\n' "$name" "$crc" "$got_c" "$got_s" \
    "$(stat -c %s "$name.pcap")"
}

run lossy-mtls -tls1_3 1500 yes "TLS 1.3 mTLS, 200 KB each way, loss + duplication + reordering"
run mtu600-mtls -tls1_2 600 no "TLS 1.2 mTLS, 200 KB each way, MTU 600"

# gap-mtls: mtu600-mtls with frame 12 removed (the first segment of the client's Certificate
# flight), as a capture that lost a packet the receiver did get: a capture gap hides the client's
# answer to the CertificateRequest. Same key log.
editcap -F pcap mtu600-mtls.pcap gap-mtls.pcap 12
cp mtu600-mtls.keys gap-mtls.keys
