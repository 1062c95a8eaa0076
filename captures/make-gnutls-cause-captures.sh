#!/usr/bin/env bash
# make-gnutls-cause-captures.sh — GnuTLS 3.7.9 servers rejecting client certificates with the
# ambiguous access_denied (49) + bad_certificate (42) pair, and the contrast cases, so that the
# cause is ranked from what the capture proves (validity window, issuer, EKU, the client's
# CertificateVerify signature) and not from the alert.
#
#   gnutls-tls1X-expired            gnutls-cli, expired-client (2020-01-01 .. 2021-01-01, Test CA)
#   gnutls-tls1X-not-yet-valid      gnutls-cli, future-client  (2030-01-01 .. 2040-01-01, Test CA)
#   gnutls-tls1X-sclient-wrong-ca   openssl s_client, evil-client (Evil CA: not in the server's list)
#   gnutls-tls1X-sclient-expired    openssl s_client, expired-client (s_client sends a chain of 2)
#   gnutls-tls1X-key-mismatch       gnutls-cli, client.pem with evil-client.key: CertificateVerify
#                                   signed by the wrong key (s_client refuses to start that way)
#   gnutls-tls13-rsa-pss-ok         gnutls-cli, rsa-client (RSA 2048): rsa_pss_rsae_sha256, accepted
#   gnutls-tls12-rsa-pkcs1-ok       gnutls-cli, rsa-client, priority forcing rsa_pkcs1_sha256
#   gnutls-tls13-ed25519-ok         gnutls-cli, ed25519-client: ed25519, accepted
#   gnutls-tls12-ed25519-ok         gnutls-cli, ed25519-client in TLS 1.2 (RFC 8422 PureEdDSA)
# (X = 2 or 3: TLS 1.2 / TLS 1.3.) The GnuTLS wrong-CA and ok captures with gnutls-cli already
# exist (make-extra-captures.sh).
#
# Server (always): gnutls-serv --port P --http --httpdata www/hello.txt --x509certfile pki/server.pem
#   --x509keyfile pki/server.key --x509cafile pki/test-ca.pem --require-client-cert
#   --verify-client-cert --priority PRIO          (killed once the client has finished)
# gnutls-cli: (printf 'GET /www/hello.txt HTTP/1.0\r\n\r\n'; sleep 1) | SSLKEYLOGFILE=NAME.keys
#   gnutls-cli -p P --x509cafile pki/test-ca.pem --x509certfile C --x509keyfile K --priority PRIO localhost
# s_client: ... | openssl s_client -connect 127.0.0.1:P -servername localhost -CAfile pki/test-ca.pem
#   -cert C -key K -keylogfile NAME.keys -ign_eof -tls1_2|-tls1_3
#
# New certificates (made here when missing, Test CA, EKU clientAuth, valid 2025-01-01 .. 2045-01-01,
# with `openssl ca -startdate/-enddate` like make-pki.sh): pki/rsa-client.{pem,key} (RSA 2048) and
# pki/ed25519-client.{pem,key}. The expired / not-yet-valid certificates are make-pki.sh's.
#
# Needs root: runs in its own network namespace (ti-cause, only lo; gnutls-serv binds every
# address), deleted on exit; ports 21200-21299; capture `tcpdump -i lo --immediate-mode -U 'tcp port P'`.
# Outputs (captures/): <name>.pcap, <name>.keys, logs/<name>.txt.
# Usage: captures/make-gnutls-cause-captures.sh [name-filter-regex]
set -euo pipefail

source "$(dirname "$0")/lib.sh"
NS=ti-cause
REQUEST='GET /www/hello.txt HTTP/1.0\r\n\r\n'

# ---- certificates this script adds -----------------------------------------------------------
new_cert() { # new_cert NAME CN SERIAL GENPKEY-ARGS...
  local name=$1 cn=$2 serial=$3; shift 3
  [[ -e pki/$name.pem ]] && return 0
  local w="$tmp/ca-$name"
  mkdir -p "$w/new"
  : >"$w/index.txt"
  echo "$serial" >"$w/serial"
  cat >"$w/ca.cnf" <<EOF
[ ca ]
default_ca = testca
[ testca ]
dir = $w
database = \$dir/index.txt
new_certs_dir = \$dir/new
serial = \$dir/serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
[ policy_any ]
commonName = supplied
organizationName = optional
[ req ]
distinguished_name = req_dn
prompt = no
[ req_dn ]
CN = placeholder
[ v3_client ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
  openssl genpkey "$@" -out "pki/$name.key" 2>/dev/null
  openssl req -new -config "$w/ca.cnf" -key "pki/$name.key" -subj "/O=tls-inspect test PKI/CN=$cn" -out "$w/req.csr"
  openssl ca -batch -notext -preserveDN -config "$w/ca.cnf" -cert pki/test-ca.pem -keyfile pki/test-ca.key \
    -extensions v3_client -startdate 250101000000Z -enddate 450101000000Z -in "$w/req.csr" -out "pki/$name.pem" 2>/dev/null
  openssl verify -CAfile pki/test-ca.pem "pki/$name.pem" >/dev/null
}
new_cert rsa-client rsa-client 1201 -algorithm RSA -pkeyopt rsa_keygen_bits:2048
new_cert ed25519-client ed25519-client 1202 -algorithm ED25519

# ---- recording --------------------------------------------------------------------------------
own_netns

listening() { ip netns exec "$NS" ss -Hltn "( sport = :$1 )" | grep -q LISTEN; }

# record NAME PORT DESCRIPTION PRIORITY -- CLIENT-COMMAND...   (server: gnutls-serv, see above)
record() {
  local name=$1 port=$2 desc=$3 prio=$4; shift 5
  [[ $name =~ $filter ]] || return 0
  rm -f "$name.pcap" "$name.keys"
  local srv=(gnutls-serv --port "$port" --http --httpdata www/hello.txt --x509certfile pki/server.pem
    --x509keyfile pki/server.key --x509cafile pki/test-ca.pem --require-client-cert
    --verify-client-cert --priority "$prio")
  ip netns exec "$NS" tcpdump -i lo --immediate-mode -U -Z root -s 0 -w "$name.pcap" \
    "tcp port $port" 2>"$tmp/tcpdump.err" &
  local tpid=$!; bg+=("$tpid")
  wait_for 20 grep -q 'listening on' "$tmp/tcpdump.err"
  ip netns exec "$NS" timeout 30 "${srv[@]}" >"$tmp/server.txt" 2>&1 &
  local spid=$!; bg+=("$spid")
  wait_for 10 listening "$port"
  set +e
  (printf "$REQUEST"; sleep 1) | ip netns exec "$NS" env "SSLKEYLOGFILE=$name.keys" timeout 20 "$@" >"$tmp/client.txt" 2>&1
  local crc=$?
  sleep 0.3
  kill "$spid" 2>/dev/null
  wait "$spid" 2>/dev/null
  set -e
  sleep 0.3
  kill -INT "$tpid"; wait "$tpid" || true
  {
    echo "# $name: $desc"
    echo "# server: ${srv[*]}"
    echo "# client: (printf '$REQUEST'; sleep 1) | SSLKEYLOGFILE=$name.keys $*"
    echo "# client exit status $crc"
    echo "## client output"
    strip_hex <"$tmp/client.txt"
    echo "## server output"
    strip_hex <"$tmp/server.txt"
  } >"logs/$name.txt"
  local alerts
  alerts=$(grep -hoiE 'alert number [0-9]+|Received alert \[[0-9]+\][^.]*|Error in the certificate[^.]*|The certificate[^.]*' \
    "$tmp/client.txt" "$tmp/server.txt" | sort -u | paste -sd';' || true)
  printf '%-30s port %s client rc %s  %s\n' "$name" "$port" "$crc" "${alerts:-no alert reported}"
}

V13='NORMAL:-VERS-ALL:+VERS-TLS1.3'
V12='NORMAL:-VERS-ALL:+VERS-TLS1.2'
gcli() { # gcli PORT PRIORITY CERT KEY
  echo gnutls-cli -p "$1" --x509cafile pki/test-ca.pem --x509certfile "pki/$3.pem" --x509keyfile "pki/$4.key" --priority "$2" localhost
}
scli() { # scli PORT -tls1_X CERT NAME
  echo openssl s_client -connect "127.0.0.1:$1" -servername localhost -CAfile pki/test-ca.pem \
    -cert "pki/$3.pem" -key "pki/$3.key" -keylogfile "$4.keys" -ign_eof "$2"
}
g() { # g NAME PORT PRIORITY CERT KEY DESC
  local cmd; read -r -a cmd <<<"$(gcli "$2" "$3" "$4" "$5")"
  record "$1" "$2" "$6" "$3" -- "${cmd[@]}"
}
s() { # s NAME PORT PRIORITY -tls1_X CERT DESC
  local cmd; read -r -a cmd <<<"$(scli "$2" "$4" "$5" "$1")"
  record "$1" "$2" "$6" "$3" -- "${cmd[@]}"
}

g gnutls-tls13-expired 21201 "$V13" expired-client expired-client "GnuTLS server, TLS 1.3, expired client certificate (gnutls-cli)"
g gnutls-tls12-expired 21202 "$V12" expired-client expired-client "GnuTLS server, TLS 1.2, expired client certificate (gnutls-cli)"
g gnutls-tls13-not-yet-valid 21203 "$V13" future-client future-client "GnuTLS server, TLS 1.3, not-yet-valid client certificate (gnutls-cli)"
g gnutls-tls12-not-yet-valid 21204 "$V12" future-client future-client "GnuTLS server, TLS 1.2, not-yet-valid client certificate (gnutls-cli)"
s gnutls-tls13-sclient-wrong-ca 21205 "$V13" -tls1_3 evil-client "GnuTLS server, TLS 1.3, Evil CA client certificate (openssl s_client)"
s gnutls-tls12-sclient-wrong-ca 21206 "$V12" -tls1_2 evil-client "GnuTLS server, TLS 1.2, Evil CA client certificate (openssl s_client)"
s gnutls-tls13-sclient-expired 21207 "$V13" -tls1_3 expired-client "GnuTLS server, TLS 1.3, expired client certificate (openssl s_client)"
s gnutls-tls12-sclient-expired 21208 "$V12" -tls1_2 expired-client "GnuTLS server, TLS 1.2, expired client certificate (openssl s_client)"
g gnutls-tls13-key-mismatch 21209 "$V13" client evil-client "GnuTLS server, TLS 1.3, client.pem signed with evil-client.key (gnutls-cli)"
g gnutls-tls12-key-mismatch 21210 "$V12" client evil-client "GnuTLS server, TLS 1.2, client.pem signed with evil-client.key (gnutls-cli)"
g gnutls-tls13-rsa-pss-ok 21211 "$V13" rsa-client rsa-client "GnuTLS server, TLS 1.3, RSA client certificate (rsa_pss_rsae_sha256), accepted"
g gnutls-tls12-rsa-pkcs1-ok 21212 "$V12:-SIGN-ALL:+SIGN-RSA-SHA256:+SIGN-ECDSA-SHA256" rsa-client rsa-client "GnuTLS server, TLS 1.2, RSA client certificate, rsa_pkcs1_sha256 forced, accepted"
g gnutls-tls13-ed25519-ok 21213 "$V13" ed25519-client ed25519-client "GnuTLS server, TLS 1.3, Ed25519 client certificate, accepted"
g gnutls-tls12-ed25519-ok 21214 "$V12" ed25519-client ed25519-client "GnuTLS server, TLS 1.2, Ed25519 client certificate, accepted"
