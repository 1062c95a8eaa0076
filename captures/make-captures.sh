#!/usr/bin/env bash
# make-captures.sh — record the loopback sample captures of OpenSSL mTLS successes and failures.
#
# Needs root (tcpdump on lo), openssl 3.0, tcpdump, mergecap. Uses captures/pki/ (make-pki.sh).
# Every scenario: one s_server (-naccept 1) and one s_client on 127.0.0.1:<fixed port>, recorded
# with `tcpdump -i lo --immediate-mode -U 'tcp port <port>'` (without --immediate-mode, this
# kernel delivers nothing to tcpdump: "0 packets captured"); the client's key log goes to <name>.keys and what
# both tools printed goes to logs/<name>.txt (hex dumps of session tickets removed).
#
# Server (always):  openssl s_server -accept 127.0.0.1:PORT -naccept 1 -cert pki/server.pem
#                     -key pki/server.key -CAfile pki/test-ca.pem -Verify 1 -verify_return_error -WWW
# Client (default): printf 'GET /www/hello.txt HTTP/1.0\r\n\r\n' | openssl s_client
#                     -connect 127.0.0.1:PORT -servername localhost -CAfile pki/test-ca.pem
#                     -verify_return_error -cert pki/client.pem -key pki/client.key
#                     -keylogfile NAME.keys -ign_eof [-tls1_2 | -tls1_3]
#
# Outputs (in captures/): <name>.pcap, <name>.keys, logs/<name>.txt, all-scenarios.pcap/.keys
# (the six core scenarios merged with mergecap). Re-runnable: every output is overwritten.
# Usage: captures/make-captures.sh [name-filter-regex]
set -euo pipefail

source "$(dirname "$0")/lib.sh"
REQUEST='GET /www/hello.txt HTTP/1.0\r\n\r\n'

port_free() { ! ss -Hltn "( sport = :$1 )" | grep -q .; }

# scenario NAME PORT VERSIONFLAG DESCRIPTION -- CLIENT-ARGS...
#   CLIENT-ARGS replace the default "-CAfile pki/test-ca.pem -cert pki/client.pem -key pki/client.key".
scenario() {
  local name=$1 port=$2 vflag=$3 desc=$4; shift 5
  [[ $name =~ $filter ]] || return 0
  local cargs=("$@")
  ((${#cargs[@]})) || cargs=(-CAfile pki/test-ca.pem -cert pki/client.pem -key pki/client.key)
  if ! port_free "$port"; then
    echo "make-captures.sh: port $port is busy; stop whatever uses it and re-run" >&2
    exit 1
  fi
  local srv=(openssl s_server -accept "127.0.0.1:$port" -naccept 1 -cert pki/server.pem
    -key pki/server.key -CAfile pki/test-ca.pem -Verify 1 -verify_return_error -WWW)
  local cli=(openssl s_client -connect "127.0.0.1:$port" -servername localhost "${cargs[@]}"
    -verify_return_error -keylogfile "$name.keys" -ign_eof "$vflag")
  local tmp
  tmp=$(mktemp -d)
  rm -f "$name.keys" "$name.pcap"

  tcpdump -i lo --immediate-mode -U -Z root -s 0 -w "$name.pcap" "tcp port $port" 2>"$tmp/tcpdump.err" &
  local tpid=$!
  wait_for 5 grep -q 'listening on' "$tmp/tcpdump.err"
  timeout 20 "${srv[@]}" >"$tmp/server.txt" 2>&1 &
  local spid=$!
  wait_for 5 bash -c "ss -Hltn '( sport = :$port )' | grep -q LISTEN"
  set +e
  printf "$REQUEST" | timeout 20 "${cli[@]}" >"$tmp/client.txt" 2>&1
  local crc=$?
  wait "$spid"
  local src=$?
  set -e
  sleep 0.3
  kill -INT "$tpid"
  wait "$tpid" || true

  {
    echo "# $name: $desc"
    echo "# server: ${srv[*]}"
    echo "# client: printf '$REQUEST' | ${cli[*]}"
    echo "# s_client exit status $crc, s_server exit status $src"
    echo "## s_client output"
    strip_hex <"$tmp/client.txt"
    echo "## s_server output"
    strip_hex <"$tmp/server.txt"
  } >"logs/$name.txt"
  rm -rf "$tmp"
  local alert
  alert=$(grep -ho 'SSL alert number [0-9]*' "logs/$name.txt" | sort -u | paste -sd' ' || true)
  printf '%-40s port %s  client rc %s  server rc %s  %s\n' "$name" "$port" "$crc" "$src" "${alert:-no alert}"
}

GOOD=(-CAfile pki/test-ca.pem -cert pki/client.pem -key pki/client.key)
for v in 13 12; do
  vf="-tls1_${v#1}"
  b=$((44300 + (v - 12) * 50)) # TLS 1.2: 443xx from 44300, TLS 1.3: from 44350
  scenario "tls$v-mtls-ok" $((b + 1)) "$vf" "good client certificate (Test CA), HTTP/1.0 GET and reply" -- "${GOOD[@]}"
  scenario "tls$v-wrong-ca" $((b + 2)) "$vf" "client certificate issued by Evil CA" -- \
    -CAfile pki/test-ca.pem -cert pki/evil-client.pem -key pki/evil-client.key
  scenario "tls$v-no-cert" $((b + 3)) "$vf" "client has no certificate (empty Certificate message)" -- \
    -CAfile pki/test-ca.pem
  scenario "tls$v-expired-cert" $((b + 4)) "$vf" "client certificate expired (valid 2020-2021)" -- \
    -CAfile pki/test-ca.pem -cert pki/expired-client.pem -key pki/expired-client.key
  scenario "tls$v-not-yet-valid" $((b + 5)) "$vf" "client certificate not yet valid (valid from 2030)" -- \
    -CAfile pki/test-ca.pem -cert pki/future-client.pem -key pki/future-client.key
  scenario "tls$v-no-clientauth-eku" $((b + 6)) "$vf" "client certificate with EKU serverAuth only" -- \
    -CAfile pki/test-ca.pem -cert pki/serverauth-client.pem -key pki/serverauth-client.key
  scenario "tls$v-chain-missing-intermediate" $((b + 7)) "$vf" "chain-client leaf sent without Test Intermediate CA" -- \
    -CAfile pki/test-ca.pem -cert pki/chain-client.pem -key pki/chain-client.key
  scenario "tls$v-chain-ok" $((b + 8)) "$vf" "chain-client leaf sent with Test Intermediate CA (-cert_chain)" -- \
    -CAfile pki/test-ca.pem -cert pki/chain-client.pem -key pki/chain-client.key -cert_chain pki/test-int-ca.pem
  scenario "tls$v-server-rejected" $((b + 9)) "$vf" "client trusts only Evil CA and rejects the server certificate" -- \
    -CAfile pki/evil-ca.pem -cert pki/client.pem -key pki/client.key
done

if [[ all-scenarios =~ $filter ]]; then
  core=(tls13-mtls-ok tls13-wrong-ca tls13-no-cert tls12-mtls-ok tls12-wrong-ca tls12-no-cert)
  mergecap -F pcap -w all-scenarios.pcap "${core[@]/%/.pcap}"
  cat "${core[@]/%/.keys}" >all-scenarios.keys
  echo "all-scenarios.pcap: ${core[*]}"
fi
