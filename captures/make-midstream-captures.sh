#!/usr/bin/env bash
# make-midstream-captures.sh — captures that start mid-connection, TLS 1.3 post-handshake
# authentication, and TLS 1.2 resumption (OpenSSL 3.0 s_server / s_client on 127.0.0.1).
#
# Needs root (tcpdump on lo). Ports 21300-21399 only; capture filter `tcp port P`, as in
# make-captures.sh: `tcpdump -i lo --immediate-mode -U -s 0 -w OUT 'tcp port P'`.
#
# Base recordings (kept in a temporary directory, not committed):
#   app12  TLS 1.2 mTLS (ECDHE-ECDSA-AES256-GCM-SHA384), then three request lines a second apart,
#          each answered by `s_server -rev` (the line reversed), then the client's close_notify:
#            server: openssl s_server -accept 127.0.0.1:21301 -naccept 1 -cert pki/server.pem
#                    -key pki/server.key -CAfile pki/test-ca.pem -Verify 1 -verify_return_error -rev
#            client: (sleep 0.5; echo hello-1; sleep 0.5; echo hello-2; sleep 0.5; echo hello-3;
#                    sleep 0.5) | openssl s_client -connect 127.0.0.1:21301 -servername localhost
#                    -CAfile pki/test-ca.pem -cert pki/client.pem -key pki/client.key -tls1_2
#                    -keylogfile K
#   app13  the same with -tls1_3 (port 21302).
# Committed cuts (editcap -r keeps a frame range; the frame numbers are found with tshark):
#   tls12-after-handshake.pcap  app12 from the server's first application-data record on: no SYN,
#                               no handshake; the first packet comes from the server; the
#                               close_notify alerts are 26-byte encrypted alert records.
#   tls13-after-handshake.pcap  app13 cut the same way.
#   tls12-mid-handshake.pcap    app12 from the frame after the ClientHello (ServerHello first).
#   tls13-mid-handshake.pcap    app13 from the frame after the ClientHello.
#   (<name>.keys: the base recording's key log — useless without the ClientHello random, as for
#   tshark, but kept beside so that "keys given, still not decryptable" is tested.)
# Whole recordings (committed as they are):
#   tls13-pha.pcap   TLS 1.3 post-handshake authentication: the server requests no certificate in
#                    the handshake; after the first request line, `c` on s_server's stdin sends a
#                    CertificateRequest under the application keys and the client (-enable_pha)
#                    answers with Certificate, CertificateVerify, Finished:
#            server: openssl s_server -accept 127.0.0.1:21303 -naccept 1 -cert pki/server.pem
#                    -key pki/server.key -CAfile pki/test-ca.pem -rev   (stdin: sleep 1; echo c; sleep 2)
#            client: (sleep 0.5; echo hello-1; sleep 1.5; echo hello-2; sleep 1) | openssl s_client
#                    -connect 127.0.0.1:21303 -servername localhost -CAfile pki/test-ca.pem
#                    -cert pki/client.pem -key pki/client.key -tls1_3 -enable_pha -keylogfile K
#   tls12-listening-port.pcap  two curl (--tls-max 1.2, SSLKEYLOGFILE) connections to s_server -WWW
#                    on port 21399: the first from an ephemeral port, whole; the second from
#                    --local-port 21300 (lower than the server's port), cut after its handshake (from
#                    the server's first application-data record): only "port 21399 accepted a
#                    connection earlier in the capture" tells its server.
#   tls13-client-closes-first.pcap  TLS 1.3 mTLS, s_server -num_tickets 0 -rev (port 21306), s_client
#                    with an empty stdin: it sends close_notify right after its Finished; the
#                    server's only record after the client's flight is its own close_notify.
#   tls12-resumption.pcap  TLS 1.2 mTLS full handshake, then a session-id resumption (-no_ticket)
#                    and a session-ticket resumption, three connections on port 21304:
#            server: openssl s_server -accept 127.0.0.1:21304 -naccept 3 ... -Verify 1
#                    -verify_return_error -WWW
#            client: openssl s_client ... -tls1_2 -sess_out S / -sess_in S (-no_ticket for the
#                    session-id pair; a ticket connection last)
# Usage: captures/make-midstream-captures.sh [name-filter-regex]
set -euo pipefail

source "$(dirname "$0")/lib.sh"

listening() { ss -Hltn "( sport = :$1 )" | grep -q LISTEN; }

SRV_BASE=(openssl s_server -cert pki/server.pem -key pki/server.key -CAfile pki/test-ca.pem)
CLI_BASE=(openssl s_client -servername localhost -CAfile pki/test-ca.pem -cert pki/client.pem -key pki/client.key)
CONNECT=yes # record() gives s_client "-connect 127.0.0.1:PORT"; empty for curl

# record OUT PORT LOG — globals: SRV (array), SRV_IN (snippet for its stdin), CLIS (array of
# client argument strings, run one after another), CLI_IN (snippet for each client's stdin)
record() {
  local out=$1 port=$2 log=$3
  rm -f "$out"
  tcpdump -i lo --immediate-mode -U -Z root -s 0 -w "$out" "tcp port $port" 2>"$tmp/tcpdump.err" &
  local tpid=$!; bg+=("$tpid")
  wait_for 20 grep -q 'listening on' "$tmp/tcpdump.err"
  bash -c "$SRV_IN" | timeout 30 "${SRV[@]}" -accept "127.0.0.1:$port" >"$tmp/server.txt" 2>&1 &
  local spid=$!; bg+=("$spid")
  wait_for 10 listening "$port"
  local c
  : >"$tmp/client.txt"
  set +e
  for c in "${CLIS[@]}"; do
    # shellcheck disable=SC2086
    bash -c "$CLI_IN" | timeout 20 "${CLI_BASE[@]}" ${CONNECT:+-connect "127.0.0.1:$port"} $c >>"$tmp/client.txt" 2>&1
    sleep 0.3
  done
  wait_for 10 bash -c "! kill -0 $spid 2>/dev/null" || kill "$spid" 2>/dev/null
  wait "$spid" 2>/dev/null
  set -e
  sleep 0.3
  kill -INT "$tpid"; wait "$tpid" || true
  {
    echo "# server: ($SRV_IN) | ${SRV[*]} -accept 127.0.0.1:$port"
    for c in "${CLIS[@]}"; do echo "# client: ($CLI_IN) | ${CLI_BASE[*]} ${CONNECT:+-connect 127.0.0.1:$port} $c"; done
    echo "## client output"; grep -Ev '^ +[0-9a-f]{4} - ' "$tmp/client.txt" || true
    echo "## server output"; grep -Ev '^ +[0-9a-f]{4} - ' "$tmp/server.txt" || true
  } >"logs/$log.txt"
}

# first frame (number) matching a tshark display filter, from a capture
first_frame() { tshark -n -r "$1" -Y "$2" -T fields -e frame.number 2>/dev/null | head -1; }
# cut IN OUT FIRST-FRAME: keep FIRST-FRAME to the end
cut_from() {
  local last
  last=$(capinfos -c -M "$1" | awk '/Number of packets/ {print $NF}')
  editcap -F pcap -r "$1" "$2" "$3-$last"
  echo "$2: frames $3-$last of the base recording"
}

APP_IN='sleep 0.5; echo hello-1; sleep 0.5; echo hello-2; sleep 0.5; echo hello-3; sleep 0.5'
for v in 12 13; do
  [[ tls$v-after-handshake =~ $filter || tls$v-mid-handshake =~ $filter ]] || continue
  port=21301; [[ $v == 13 ]] && port=21302
  SRV=("${SRV_BASE[@]}" -naccept 1 -Verify 1 -verify_return_error -rev)
  SRV_IN='sleep 6'
  CLI_IN=$APP_IN
  rm -f "$tmp/app$v.keys"
  CLIS=("-tls1_${v: -1} -keylogfile $tmp/app$v.keys")
  record "$tmp/app$v.pcap" "$port" "tls$v-midstream-base"
  # the server's answer to the first request line (sent 0.5 s after the handshake)
  from=$(first_frame "$tmp/app$v.pcap" "tcp.srcport == $port && tcp.len > 0 && frame.time_relative > 0.3")
  cut_from "$tmp/app$v.pcap" "tls$v-after-handshake.pcap" "$from"
  cp "$tmp/app$v.keys" "tls$v-after-handshake.keys"
  ch=$(first_frame "$tmp/app$v.pcap" 'tls.handshake.type == 1')
  cut_from "$tmp/app$v.pcap" "tls$v-mid-handshake.pcap" "$((ch + 1))"
  cp "$tmp/app$v.keys" "tls$v-mid-handshake.keys"
done

if [[ tls13-pha =~ $filter ]]; then
  SRV=("${SRV_BASE[@]}" -naccept 1)
  SRV_IN='sleep 1; echo c; sleep 0.5; echo welcome; sleep 3'
  CLI_IN='sleep 0.5; echo hello-1; sleep 1.5; echo hello-2; sleep 1'
  rm -f tls13-pha.keys
  CLIS=("-tls1_3 -enable_pha -keylogfile tls13-pha.keys")
  record tls13-pha.pcap 21303 tls13-pha
fi

if [[ tls13-client-closes-first =~ $filter ]]; then
  # a server without session tickets and a client that closes right after the handshake: the
  # server's only record after the client's flight is its close_notify, an alert-sized record
  # exactly like a rejection alert
  SRV=("${SRV_BASE[@]}" -naccept 1 -Verify 1 -verify_return_error -num_tickets 0 -rev)
  SRV_IN='sleep 3'
  CLI_IN=':'
  rm -f tls13-client-closes-first.keys
  CLIS=("-tls1_3 -keylogfile tls13-client-closes-first.keys")
  record tls13-client-closes-first.pcap 21306 tls13-client-closes-first
fi

if [[ tls12-resumption =~ $filter ]]; then
  SRV=("${SRV_BASE[@]}" -naccept 4 -Verify 1 -verify_return_error -WWW)
  SRV_IN='sleep 5'
  CLI_IN="printf 'GET /www/hello.txt HTTP/1.0\r\n\r\n'"
  rm -f tls12-resumption.keys
  K="-keylogfile tls12-resumption.keys -tls1_2 -ign_eof"
  CLIS=("$K -no_ticket -sess_out $tmp/sid.pem" "$K -no_ticket -sess_in $tmp/sid.pem" "$K -sess_out $tmp/tkt.pem" "$K -sess_in $tmp/tkt.pem")
  record tls12-resumption.pcap 21304 tls12-resumption
fi
if [[ tls12-listening-port =~ $filter ]]; then
  # two curl connections to s_server -WWW on port 21399: the first from an ephemeral port (whole),
  # the second from local port 21300 (lower than the server's) cut after its handshake, so only
  # "port 21399 accepted a connection before" tells the server
  SRV=("${SRV_BASE[@]}" -naccept 2 -Verify 1 -verify_return_error -WWW)
  SRV_IN='sleep 4'
  CONNECT=
  rm -f tls12-listening-port.keys
  CLI_BASE=(env SSLKEYLOGFILE=tls12-listening-port.keys curl -sS --tls-max 1.2 --cacert pki/test-ca.pem --cert pki/client.pem --key pki/client.key
    --resolve localhost:21399:127.0.0.1)
  CLI_IN=':'
  CLIS=("https://localhost:21399/www/hello.txt" "--local-port 21300 https://localhost:21399/www/hello.txt")
  record "$tmp/listen.pcap" 21399 tls12-listening-port
  second=$(first_frame "$tmp/listen.pcap" 'tcp.srcport == 21300 && tcp.flags.syn == 1')
  data=$(first_frame "$tmp/listen.pcap" "tcp.srcport == 21399 && tcp.dstport == 21300 && tls.record.content_type == 23")
  last=$(capinfos -c -M "$tmp/listen.pcap" | awk '/Number of packets/ {print $NF}')
  editcap -F pcap -r "$tmp/listen.pcap" tls12-listening-port.pcap "1-$((second - 1))" "$data-$last"
  echo "tls12-listening-port.pcap: frames 1-$((second - 1)) and $data-$last of the base recording"
fi
echo "done: $(ls tls1?-after-handshake.pcap tls1?-mid-handshake.pcap tls13-pha.pcap tls12-resumption.pcap 2>/dev/null | paste -sd' ')"
