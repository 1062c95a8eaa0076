#!/usr/bin/env bash
# make-extra-captures.sh — more stacks and TLS features: GnuTLS 3.7.9 (gnutls-serv/gnutls-cli) and
# Node.js 20 (tls module, node-tls-peer.mjs) successes with several ciphers and their wrong-CA /
# no-certificate failures; OpenSSL HelloRetryRequest and TLS 1.3 resumption; pcapng files with the
# key log embedded as a Decryption Secrets Block.
#
# Needs root: everything runs inside a network namespace of its own (ti-lo, only lo), because
# gnutls-serv cannot bind to 127.0.0.1 only; the namespace is deleted on exit. Capture:
# `tcpdump -i lo --immediate-mode -U 'tcp port P'` in that namespace. Key logs come from the client:
# gnutls-cli via SSLKEYLOGFILE, Node via the 'keylog' event, s_client via -keylogfile.
#
# GnuTLS server: gnutls-serv --port P --http --httpdata www/hello.txt --x509certfile pki/server.pem
#   --x509keyfile pki/server.key --x509cafile pki/test-ca.pem --require-client-cert
#   --verify-client-cert --priority PRIO           (killed once the client has finished)
# GnuTLS client: (printf 'GET /www/hello.txt HTTP/1.0\r\n\r\n'; sleep 1) | SSLKEYLOGFILE=NAME.keys
#   gnutls-cli -p P --x509cafile pki/test-ca.pem [--x509certfile C --x509keyfile K] --priority PRIO localhost
# Node: node node-tls-peer.mjs server|client ... (see that file)
# Outputs (captures/): <name>.pcap, <name>.keys, logs/<name>.txt, tls13-wrong-ca-dsb.pcapng,
# tls12-no-cert-dsb.pcapng. Usage: captures/make-extra-captures.sh [name-filter-regex]
set -euo pipefail

source "$(dirname "$0")/lib.sh"
NS=ti-lo
REQUEST='GET /www/hello.txt HTTP/1.0\r\n\r\n'

own_netns

listening() { ip netns exec "$NS" ss -Hltn "( sport = :$1 )" | grep -q LISTEN; }

# record NAME PORT DESCRIPTION — uses the globals:
#   SRV (array)   server command; SRV_EXITS=yes if it ends by itself, else it is killed
#   CLI (array)   client command, run with stdin from CLI_IN (a shell snippet) and env CLI_ENV
#   CLI2 (array)  optional second client command (same stdin), e.g. a resumption
record() {
  local name=$1 port=$2 desc=$3
  [[ $name =~ $filter ]] || return 0
  rm -f "$name.pcap" "$name.keys"
  ip netns exec "$NS" tcpdump -i lo --immediate-mode -U -Z root -s 0 -w "$name.pcap" \
    "tcp port $port" 2>"$tmp/tcpdump.err" &
  local tpid=$!; bg+=("$tpid")
  wait_for 20 grep -q 'listening on' "$tmp/tcpdump.err"
  ip netns exec "$NS" timeout 30 "${SRV[@]}" >"$tmp/server.txt" 2>&1 &
  local spid=$!; bg+=("$spid")
  wait_for 10 listening "$port"
  set +e
  local crc crc2=-
  bash -c "$CLI_IN" | ip netns exec "$NS" env ${CLI_ENV[@]+"${CLI_ENV[@]}"} timeout 20 "${CLI[@]}" \
    >"$tmp/client.txt" 2>&1
  crc=$?
  if ((${#CLI2[@]})); then
    sleep 0.3
    bash -c "$CLI_IN" | ip netns exec "$NS" env ${CLI_ENV[@]+"${CLI_ENV[@]}"} timeout 20 "${CLI2[@]}" \
      >"$tmp/client2.txt" 2>&1
    crc2=$?
  fi
  if [[ $SRV_EXITS == yes ]]; then
    wait_for 10 bash -c "! kill -0 $spid 2>/dev/null" || kill "$spid"
  else
    sleep 0.5
    kill "$spid" 2>/dev/null
  fi
  wait "$spid" 2>/dev/null
  set -e
  sleep 0.3
  kill -INT "$tpid"; wait "$tpid" || true
  {
    echo "# $name: $desc"
    echo "# server: ${SRV[*]}"
    echo "# client: ($CLI_IN) | ${CLI_ENV[*]-} ${CLI[*]}"
    ((${#CLI2[@]})) && echo "# client 2: ($CLI_IN) | ${CLI_ENV[*]-} ${CLI2[*]}"
    echo "# client exit status $crc, client 2 exit status $crc2"
    echo "## client output"
    strip_hex <"$tmp/client.txt"
    if ((${#CLI2[@]})); then echo "## client 2 output"; strip_hex <"$tmp/client2.txt"; fi
    echo "## server output"
    strip_hex <"$tmp/server.txt"
  } >"logs/$name.txt"
  local alerts
  alerts=$(grep -hoiE 'alert number [0-9]+|Received alert \[[0-9]+\][^.]*|tlsClientError.*|client: error.*' \
    "$tmp/client.txt" "$tmp/server.txt" | sort -u | paste -sd';' || true)
  printf '%-30s port %s client rc %s/%s  %s\n' "$name" "$port" "$crc" "$crc2" "${alerts:-no alert reported}"
}

reset_vars() { SRV=(); CLI=(); CLI2=(); CLI_ENV=(); SRV_EXITS=yes; CLI_IN="printf '$REQUEST'"; }

# ---- GnuTLS --------------------------------------------------------------------------------
G_CERT=(--x509certfile pki/client.pem --x509keyfile pki/client.key)
G_EVIL=(--x509certfile pki/evil-client.pem --x509keyfile pki/evil-client.key)
gnutls() { # gnutls NAME PORT DESC PRIORITY CLIENT-CERT-ARGS...
  local name=$1 port=$2 desc=$3 prio=$4; shift 4
  reset_vars
  SRV=(gnutls-serv --port "$port" --http --httpdata www/hello.txt --x509certfile pki/server.pem
    --x509keyfile pki/server.key --x509cafile pki/test-ca.pem --require-client-cert
    --verify-client-cert --priority "$prio")
  SRV_EXITS=no
  CLI=(gnutls-cli -p "$port" --x509cafile pki/test-ca.pem "$@" --priority "$prio" localhost)
  CLI_ENV=("SSLKEYLOGFILE=$name.keys")
  CLI_IN="printf '$REQUEST'; sleep 1"
  record "$name" "$port" "$desc"
}
V13='NORMAL:-VERS-ALL:+VERS-TLS1.3'
V12='NORMAL:-VERS-ALL:+VERS-TLS1.2'
gnutls gnutls-tls13-mtls-ok 44401 "GnuTLS TLS 1.3 mTLS ok (default: AES-256-GCM)" "$V13" "${G_CERT[@]}"
gnutls gnutls-tls13-aes128gcm 44402 "GnuTLS TLS 1.3 TLS_AES_128_GCM_SHA256" "$V13:-CIPHER-ALL:+AES-128-GCM" "${G_CERT[@]}"
gnutls gnutls-tls13-chacha20 44403 "GnuTLS TLS 1.3 TLS_CHACHA20_POLY1305_SHA256" "$V13:-CIPHER-ALL:+CHACHA20-POLY1305" "${G_CERT[@]}"
gnutls gnutls-tls13-aes128ccm 44404 "GnuTLS TLS 1.3 TLS_AES_128_CCM_SHA256" "$V13:-CIPHER-ALL:+AES-128-CCM" "${G_CERT[@]}"
gnutls gnutls-tls12-mtls-ok 44405 "GnuTLS TLS 1.2 mTLS ok (default: ECDHE-ECDSA AES-256-GCM)" "$V12" "${G_CERT[@]}"
gnutls gnutls-tls12-chacha20 44406 "GnuTLS TLS 1.2 ECDHE-ECDSA-CHACHA20-POLY1305" "$V12:-CIPHER-ALL:+CHACHA20-POLY1305" "${G_CERT[@]}"
gnutls gnutls-tls12-cbc-etm 44407 "GnuTLS TLS 1.2 ECDHE-ECDSA AES-128-CBC SHA1, encrypt_then_mac" "$V12:-CIPHER-ALL:+AES-128-CBC:-MAC-ALL:+SHA1" "${G_CERT[@]}"
gnutls gnutls-tls12-cbc-noetm 44408 "GnuTLS TLS 1.2 ECDHE-ECDSA AES-128-CBC SHA1, no encrypt_then_mac (%NO_ETM)" "$V12:-CIPHER-ALL:+AES-128-CBC:-MAC-ALL:+SHA1:%NO_ETM" "${G_CERT[@]}"
gnutls gnutls-tls13-wrong-ca 44409 "GnuTLS TLS 1.3, client certificate from Evil CA" "$V13" "${G_EVIL[@]}"
gnutls gnutls-tls13-no-cert 44410 "GnuTLS TLS 1.3, no client certificate" "$V13"
gnutls gnutls-tls12-wrong-ca 44411 "GnuTLS TLS 1.2, client certificate from Evil CA" "$V12" "${G_EVIL[@]}"
gnutls gnutls-tls12-no-cert 44412 "GnuTLS TLS 1.2, no client certificate" "$V12"

# ---- Node.js -------------------------------------------------------------------------------
N_CERT=(--cert pki/client.pem --key pki/client.key)
N_EVIL=(--cert pki/evil-client.pem --key pki/evil-client.key)
nodejs() { # nodejs NAME PORT DESC VERSION "SHARED-ARGS" CLIENT-CERT-ARGS...
  local name=$1 port=$2 desc=$3 ver=$4 shared=$5; shift 5
  reset_vars
  local sh=()
  [[ -n $shared ]] && read -r -a sh <<<"$shared"
  SRV=(node node-tls-peer.mjs server --port "$port" --tls "$ver" "${sh[@]}")
  CLI=(node node-tls-peer.mjs client --port "$port" --tls "$ver" --keylog "$name.keys" "${sh[@]}" "$@")
  CLI_IN="true"
  record "$name" "$port" "$desc"
}
nodejs node-tls13-mtls-ok 44421 "Node TLS 1.3 mTLS ok (default: TLS_AES_256_GCM_SHA384)" 1.3 "" "${N_CERT[@]}"
nodejs node-tls13-aes128gcm 44422 "Node TLS 1.3 TLS_AES_128_GCM_SHA256" 1.3 "--ciphers TLS_AES_128_GCM_SHA256" "${N_CERT[@]}"
nodejs node-tls13-chacha20 44423 "Node TLS 1.3 TLS_CHACHA20_POLY1305_SHA256" 1.3 "--ciphers TLS_CHACHA20_POLY1305_SHA256" "${N_CERT[@]}"
nodejs node-tls13-aes128ccm 44424 "Node TLS 1.3 TLS_AES_128_CCM_SHA256" 1.3 "--ciphers TLS_AES_128_CCM_SHA256" "${N_CERT[@]}"
nodejs node-tls12-mtls-ok 44425 "Node TLS 1.2 mTLS ok (default: ECDHE-ECDSA-AES128-GCM-SHA256)" 1.2 "" "${N_CERT[@]}"
nodejs node-tls12-chacha20 44426 "Node TLS 1.2 ECDHE-ECDSA-CHACHA20-POLY1305" 1.2 "--ciphers ECDHE-ECDSA-CHACHA20-POLY1305" "${N_CERT[@]}"
nodejs node-tls12-cbc-etm 44427 "Node TLS 1.2 ECDHE-ECDSA-AES128-SHA256 (CBC), encrypt_then_mac" 1.2 "--ciphers ECDHE-ECDSA-AES128-SHA256" "${N_CERT[@]}"
nodejs node-tls12-cbc-noetm 44428 "Node TLS 1.2 ECDHE-ECDSA-AES128-SHA256 (CBC), SSL_OP_NO_ENCRYPT_THEN_MAC" 1.2 "--ciphers ECDHE-ECDSA-AES128-SHA256 --no-etm" "${N_CERT[@]}"
nodejs node-tls13-wrong-ca 44429 "Node TLS 1.3, client certificate from Evil CA" 1.3 "" "${N_EVIL[@]}"
nodejs node-tls13-no-cert 44430 "Node TLS 1.3, no client certificate" 1.3 ""
nodejs node-tls12-wrong-ca 44431 "Node TLS 1.2, client certificate from Evil CA" 1.2 "" "${N_EVIL[@]}"
nodejs node-tls12-no-cert 44432 "Node TLS 1.2, no client certificate" 1.2 ""

# ---- OpenSSL: HelloRetryRequest, resumption --------------------------------------------------
O_SRV=(openssl s_server -naccept 1 -cert pki/server.pem -key pki/server.key -CAfile pki/test-ca.pem
  -Verify 1 -verify_return_error -WWW)
O_CLI=(openssl s_client -servername localhost -CAfile pki/test-ca.pem -cert pki/client.pem
  -key pki/client.key -verify_return_error -ign_eof -tls1_3)
reset_vars
SRV=("${O_SRV[@]}" -accept 127.0.0.1:44441 -groups P-256)
CLI=("${O_CLI[@]}" -connect 127.0.0.1:44441 -groups X25519:P-256 -keylogfile tls13-hrr.keys)
record tls13-hrr 44441 "OpenSSL TLS 1.3 HelloRetryRequest: client key-shares X25519, server accepts only P-256"

reset_vars
SRV=("${O_SRV[@]}" -accept 127.0.0.1:44442 -naccept 2) # the later -naccept wins
CLI=("${O_CLI[@]}" -connect 127.0.0.1:44442 -keylogfile tls13-resumption.keys -sess_out "$tmp/sess.pem")
CLI2=("${O_CLI[@]}" -connect 127.0.0.1:44442 -keylogfile tls13-resumption.keys -sess_in "$tmp/sess.pem")
record tls13-resumption 44442 "OpenSSL TLS 1.3: full mTLS handshake, then a PSK resumption (-sess_out/-sess_in)"

# ---- key mismatch: the client's private key does not belong to its certificate ----------------
# s_client/curl/Node refuse to start with a mismatched key (FIELD-NOTES); gnutls-cli sends the
# certificate with a CertificateVerify the server cannot verify: decrypt_error (51).
for v in 13 12; do
  reset_vars
  port=444${v: -1}0
  SRV=("${O_SRV[@]}" -accept 127.0.0.1:$port)
  CLI=(gnutls-cli -p "$port" --x509cafile pki/test-ca.pem --x509certfile pki/client.pem
    --x509keyfile pki/evil-client.key --priority "NORMAL:-VERS-ALL:+VERS-TLS1.${v: -1}" 127.0.0.1)
  CLI_ENV=(SSLKEYLOGFILE="tls$v-key-mismatch.keys")
  record "tls$v-key-mismatch" "$port" "OpenSSL server, gnutls-cli TLS 1.${v: -1} with test-client's certificate and Evil CA client's key"
done

# ---- pcapng with a Decryption Secrets Block ---------------------------------------------------
for n in tls13-wrong-ca tls12-no-cert; do
  [[ "$n-dsb" =~ $filter ]] || continue
  editcap --inject-secrets "tls,$n.keys" "$n.pcap" "$n-dsb.pcapng"
  echo "$n-dsb.pcapng: $n.pcap + $n.keys as a DSB"
done
