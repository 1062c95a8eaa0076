#!/usr/bin/env bash
# make-acceptance-captures.sh — "accepted" vs "rejected" when no alert says it (issue 12).
#
# Needs root (tcpdump on lo), openssl 3.0, Node.js 20, tcpdump. Uses captures/pki/ (make-pki.sh).
# Server on 127.0.0.1, fixed port per scenario (21001-21010), capture
# `tcpdump -i lo --immediate-mode -U 'tcp port P'`; key log from the server (s_server -keylogfile)
# or the Node client ('keylog' event) in <name>.keys; what both sides printed in logs/<name>.txt.
#
# 1. A server that does NOT enforce client verification: openssl s_server -Verify 1 WITHOUT
#    -verify_return_error accepts an untrusted (Evil CA) or expired client certificate, sends
#    NewSessionTickets, serves data and closes normally.
#      server: openssl s_server -accept 127.0.0.1:P -naccept 1 -cert pki/server.pem -key pki/server.key
#                -CAfile pki/test-ca.pem -Verify 1 -keylogfile NAME.keys  -WWW | -rev
#      client: (printf 'GET /www/hello.txt HTTP/1.0\r\n\r\n'; sleep 1) | openssl s_client
#                -connect 127.0.0.1:P -servername localhost -CAfile pki/test-ca.pem
#                -cert pki/evil-client.pem|pki/expired-client.pem -key ... -tls1_3|-tls1_2
#    -WWW: the server answers the GET and closes first (close_notify + FIN);
#    -rev: the server echoes the request reversed and waits; the client closes first (stdin EOF:
#    close_notify), the server answers with its own close_notify.
#      openssl-tls13-wrong-ca-accepted  21001  -WWW   evil-client
#      openssl-tls12-wrong-ca-accepted  21002  -WWW   evil-client
#      openssl-tls13-expired-accepted   21003  -rev   expired-client
#      openssl-tls12-expired-accepted   21004  -rev   expired-client
#    and with a client that sends nothing (stdin: sleep 1), then closes with close_notify: the
#    server sends only its NewSessionTickets (1.3) / NewSessionTicket + Finished (1.2) and waits
#      openssl-tls13-wrong-ca-accepted-idle  21007  -WWW  evil-client
#      openssl-tls12-wrong-ca-accepted-idle  21008  -WWW  evil-client
# 2. A Node.js CLIENT that rejects the SERVER's certificate (rejectUnauthorized, its CA is Evil CA):
#    it sends no alert and closes right after the server's flight.
#      server: node node-tls-peer.mjs server --port P --tls 1.3|1.2   (requestCert, rejectUnauthorized)
#      client: node node-tls-peer.mjs client --port P --tls 1.3|1.2 --keylog NAME.keys
#                --ca pki/evil-ca.pem --cert pki/client.pem --key pki/client.key
#      node-client-tls13-untrusted-server  21005
#      node-client-tls12-untrusted-server  21006
#    and against openssl s_server -Verify 1 -verify_return_error -WWW (it answers the client's FIN
#    with a fatal decode_error: a reaction to the abort, not its cause)
#      node-client-tls13-untrusted-openssl-server  21009
#      node-client-tls12-untrusted-openssl-server  21010
# Outputs (captures/): <name>.pcap, <name>.keys, logs/<name>.txt. Re-runnable: outputs are
# overwritten. Usage: captures/make-acceptance-captures.sh [name-filter-regex]
set -euo pipefail

source "$(dirname "$0")/lib.sh"
REQUEST='GET /www/hello.txt HTTP/1.0\r\n\r\n'

listening() { ss -Hltn "( sport = :$1 )" | grep -q LISTEN; }

# record NAME PORT DESCRIPTION — uses the globals SRV (array), CLI (array), CLI_IN (shell snippet
# for the client's stdin)
record() {
  local name=$1 port=$2 desc=$3
  [[ $name =~ $filter ]] || return 0
  if listening "$port"; then echo "make-acceptance-captures.sh: port $port is busy" >&2; exit 1; fi
  rm -f "$name.pcap" "$name.keys"
  tcpdump -i lo --immediate-mode -U -Z root -s 0 -w "$name.pcap" "tcp port $port" 2>"$tmp/tcpdump.err" &
  local tpid=$!; bg+=("$tpid")
  wait_for 10 grep -q 'listening on' "$tmp/tcpdump.err"
  timeout 20 "${SRV[@]}" >"$tmp/server.txt" 2>&1 &
  local spid=$!; bg+=("$spid")
  wait_for 10 listening "$port"
  set +e
  bash -c "$CLI_IN" | timeout 20 "${CLI[@]}" >"$tmp/client.txt" 2>&1
  local crc=$?
  wait_for 5 bash -c "! kill -0 $spid 2>/dev/null" || kill "$spid" 2>/dev/null
  wait "$spid" 2>/dev/null
  local src=$?
  set -e
  sleep 0.3
  kill -INT "$tpid"; wait "$tpid" || true
  {
    echo "# $name: $desc"
    echo "# server: ${SRV[*]}"
    echo "# client: ($CLI_IN) | ${CLI[*]}"
    echo "# client exit status $crc, server exit status $src"
    echo "## client output"
    strip_hex <"$tmp/client.txt"
    echo "## server output"
    strip_hex <"$tmp/server.txt"
  } >"logs/$name.txt"
  local notes
  notes=$(grep -hoiE 'alert number [0-9]+|verify error:num=[0-9]+:[^\n]*|client: error.*' \
    "$tmp/client.txt" "$tmp/server.txt" | sort -u | paste -sd';' || true)
  printf '%-36s port %s client rc %s server rc %s  %s\n' "$name" "$port" "$crc" "$src" "${notes:-no alert reported}"
}

# ---- 1. s_server -Verify 1 without -verify_return_error: accepts what it cannot verify ---------
lax() { # lax NAME PORT VERSIONFLAG MODE CERT DESC [CLIENT-STDIN]
  local name=$1 port=$2 vf=$3 mode=$4 cert=$5 desc=$6 stdin=${7:-"printf '$REQUEST'; sleep 1"}
  SRV=(openssl s_server -accept "127.0.0.1:$port" -naccept 1 -cert pki/server.pem -key pki/server.key
    -CAfile pki/test-ca.pem -Verify 1 -keylogfile "$name.keys" "$mode")
  CLI=(openssl s_client -connect "127.0.0.1:$port" -servername localhost -CAfile pki/test-ca.pem
    -cert "pki/$cert.pem" -key "pki/$cert.key" "$vf")
  CLI_IN=$stdin
  record "$name" "$port" "$desc"
}
lax openssl-tls13-wrong-ca-accepted 21001 -tls1_3 -WWW evil-client \
  "TLS 1.3, s_server -Verify 1 without -verify_return_error accepts an Evil CA client certificate (-WWW: server closes after the reply)"
lax openssl-tls12-wrong-ca-accepted 21002 -tls1_2 -WWW evil-client \
  "TLS 1.2, s_server -Verify 1 without -verify_return_error accepts an Evil CA client certificate (-WWW: server closes after the reply)"
lax openssl-tls13-expired-accepted 21003 -tls1_3 -rev expired-client \
  "TLS 1.3, s_server -Verify 1 without -verify_return_error accepts an expired client certificate (-rev: the client closes first)"
lax openssl-tls12-expired-accepted 21004 -tls1_2 -rev expired-client \
  "TLS 1.2, s_server -Verify 1 without -verify_return_error accepts an expired client certificate (-rev: the client closes first)"
lax openssl-tls13-wrong-ca-accepted-idle 21007 -tls1_3 -WWW evil-client \
  "TLS 1.3, s_server -Verify 1 without -verify_return_error accepts an Evil CA client certificate; the client sends nothing and closes after 1 s" "sleep 1"
lax openssl-tls12-wrong-ca-accepted-idle 21008 -tls1_2 -WWW evil-client \
  "TLS 1.2, s_server -Verify 1 without -verify_return_error accepts an Evil CA client certificate; the client sends nothing and closes after 1 s" "sleep 1"

# ---- 2. a Node.js client rejects the server's certificate without an alert ---------------------
for v in 13 12; do
  name="node-client-tls$v-untrusted-server"
  port=$((21005 + (13 - v)))
  SRV=(node node-tls-peer.mjs server --port "$port" --tls "1.${v: -1}")
  CLI=(node node-tls-peer.mjs client --port "$port" --tls "1.${v: -1}" --keylog "$name.keys"
    --ca pki/evil-ca.pem --cert pki/client.pem --key pki/client.key)
  CLI_IN="true"
  record "$name" "$port" "Node.js TLS 1.${v: -1} client trusting only Evil CA rejects the server's certificate (no alert)"
done
# the same client against OpenSSL s_server, which answers the client's FIN with a fatal alert
for v in 13 12; do
  name="node-client-tls$v-untrusted-openssl-server"
  port=$((21009 + (13 - v)))
  SRV=(openssl s_server -accept "127.0.0.1:$port" -naccept 1 -cert pki/server.pem -key pki/server.key
    -CAfile pki/test-ca.pem -Verify 1 -verify_return_error -WWW)
  CLI=(node node-tls-peer.mjs client --port "$port" --tls "1.${v: -1}" --keylog "$name.keys"
    --ca pki/evil-ca.pem --cert pki/client.pem --key pki/client.key)
  CLI_IN="true"
  record "$name" "$port" "Node.js TLS 1.${v: -1} client trusting only Evil CA against s_server: no alert from the client, s_server answers its FIN with decode_error"
done
