#!/usr/bin/env bash
# make-nginx-captures.sh — nginx 1.22 + curl 7.88 (both OpenSSL 3.0) client-certificate captures:
# nginx verifies the client certificate AFTER the handshake and answers a failure INSIDE TLS with
# `HTTP/1.1 400 Bad Request` (body "The SSL certificate error" / "No required SSL certificate was
# sent") — no alert on the wire. With the key log the 400 is visible; without it only record sizes.
#
# Needs root (tcpdump on lo), nginx, curl, tcpdump. Uses captures/pki/ (make-pki.sh).
# One nginx (own temporary prefix, config and pid file; `daemon off`, `master_process off`) serves
# every scenario on its own port of 127.0.0.1:21101-21199:
#   server { listen 127.0.0.1:PORT ssl [http2]; ssl_certificate pki/server.pem;
#            ssl_certificate_key pki/server.key; ssl_client_certificate pki/test-ca.pem;
#            ssl_verify_client on|optional; ssl_protocols TLSv1.2|TLSv1.3;
#            location / { return 200 "hello ... $ssl_client_verify\n"; } }
# Client: SSLKEYLOGFILE=NAME.keys curl -sS --cacert pki/test-ca.pem [--cert C --key K]
#   --tlsv1.2 --tls-max 1.2 | --tlsv1.3  [--http1.1 | --http2]  https://localhost:PORT/
#   (--resolve localhost:PORT:127.0.0.1, so SNI is localhost and the traffic stays on 127.0.0.1)
# Capture: tcpdump -i lo --immediate-mode -U -w NAME.pcap 'tcp port PORT'.
# Outputs (captures/): <name>.pcap, <name>.keys, logs/<name>.txt. Re-runnable (every output is
# overwritten; keys, ports' ephemeral side and timing differ on every run).
# Usage: captures/make-nginx-captures.sh [name-filter-regex]
set -euo pipefail

source "$(dirname "$0")/lib.sh"

listening() { ss -Hltn "( sport = :$1 )" | grep -q LISTEN; }

# scenarios: NAME PORT TLS(1.2|1.3) VERIFY(on|optional) HTTP(1.1|2) CLIENT-CERT(good|evil|expired|none)
SCENARIOS=(
  "nginx-tls13-mtls-ok 21101 1.3 on 1.1 good"
  "nginx-tls13-wrong-ca 21102 1.3 on 1.1 evil"
  "nginx-tls13-no-cert 21103 1.3 on 1.1 none"
  "nginx-tls13-optional-no-cert 21104 1.3 optional 1.1 none"
  "nginx-tls13-h2-wrong-ca 21105 1.3 on 2 evil"
  "nginx-tls13-expired-cert 21106 1.3 on 1.1 expired"
  "nginx-tls12-mtls-ok 21111 1.2 on 1.1 good"
  "nginx-tls12-wrong-ca 21112 1.2 on 1.1 evil"
  "nginx-tls12-no-cert 21113 1.2 on 1.1 none"
)

# ---- one nginx for all scenarios ----
mkdir -p "$tmp/nginx/logs"
{
  echo "daemon off; master_process off; worker_processes 1; pid $tmp/nginx/nginx.pid;"
  echo "error_log $tmp/nginx/logs/error.log info;"
  echo "events { worker_connections 64; }"
  echo "http {"
  echo "  access_log $tmp/nginx/logs/access.log;"
  echo "  client_body_temp_path $tmp/nginx/body; proxy_temp_path $tmp/nginx/proxy;"
  echo "  fastcgi_temp_path $tmp/nginx/fcgi; uwsgi_temp_path $tmp/nginx/uwsgi; scgi_temp_path $tmp/nginx/scgi;"
  for s in "${SCENARIOS[@]}"; do
    read -r name port tls verify http _ <<<"$s"
    h2=""; [[ $http == 2 ]] && h2=" http2"
    echo "  server {"
    echo "    listen 127.0.0.1:$port ssl$h2; server_name localhost;"
    echo "    ssl_certificate $here/pki/server.pem; ssl_certificate_key $here/pki/server.key;"
    echo "    ssl_client_certificate $here/pki/test-ca.pem; ssl_verify_client $verify;"
    echo "    ssl_protocols TLSv$tls; ssl_session_tickets off;"
    echo "    location / { default_type text/plain; return 200 \"hello from nginx, client verify: \$ssl_client_verify\\n\"; }"
    echo "  }"
  done
  echo "}"
} >"$tmp/nginx/nginx.conf"
nginx -t -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" 2>"$tmp/nginx-t.txt" || { cat "$tmp/nginx-t.txt" >&2; exit 1; }
nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" >"$tmp/nginx.out" 2>&1 &
npid=$!; bg+=("$npid")
read -r _ first _ <<<"${SCENARIOS[0]}"
wait_for 10 listening "$first"

for s in "${SCENARIOS[@]}"; do
  read -r name port tls verify http cert <<<"$s"
  [[ $name =~ $filter ]] || continue
  rm -f "$name.pcap" "$name.keys"
  tcpdump -i lo --immediate-mode -U -Z root -s 0 -w "$name.pcap" "tcp port $port" 2>"$tmp/tcpdump.err" &
  tpid=$!; bg+=("$tpid")
  wait_for 20 grep -qs 'listening on' "$tmp/tcpdump.err"
  sleep 0.3 # "listening on" is printed a moment before the filter is attached
  args=(-sS --cacert pki/test-ca.pem --resolve "localhost:$port:127.0.0.1")
  case $cert in
    good) args+=(--cert pki/client.pem --key pki/client.key) ;;
    evil) args+=(--cert pki/evil-client.pem --key pki/evil-client.key) ;;
    expired) args+=(--cert pki/expired-client.pem --key pki/expired-client.key) ;;
  esac
  if [[ $tls == 1.2 ]]; then args+=(--tlsv1.2 --tls-max 1.2); else args+=(--tlsv1.3); fi
  if [[ $http == 2 ]]; then args+=(--http2); else args+=(--http1.1); fi
  : >"$tmp/nginx/logs/error.log"
  set +e
  SSLKEYLOGFILE="$here/$name.keys" timeout 20 curl "${args[@]}" -D "$tmp/headers.txt" -o "$tmp/body.txt" \
    "https://localhost:$port/" >"$tmp/client.txt" 2>&1
  crc=$?
  set -e
  sleep 0.5
  kill -INT "$tpid"; wait "$tpid" || true
  status=$(head -1 "$tmp/headers.txt" | tr -d '\r')
  {
    echo "# $name: nginx ssl_verify_client $verify, TLS $tls, HTTP/$http, client certificate: $cert"
    echo "# client: SSLKEYLOGFILE=$name.keys curl ${args[*]} https://localhost:$port/"
    echo "# curl exit status $crc"
    echo "## response headers"; tr -d '\r' <"$tmp/headers.txt"
    echo "## response body"; cat "$tmp/body.txt"
    echo "## curl output"; cat "$tmp/client.txt"
    echo "## nginx error log"; sed -E 's/^[0-9\/]+ [0-9:]+ //' "$tmp/nginx/logs/error.log"
  } >"logs/$name.txt"
  printf '%-30s port %s curl rc %s  %s\n' "$name" "$port" "$crc" "${status:-no response}"
done
kill "$npid"; wait "$npid" 2>/dev/null || true
