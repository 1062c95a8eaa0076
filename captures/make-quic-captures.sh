#!/usr/bin/env bash
# make-quic-captures.sh — mutual TLS inside QUIC (HTTP/3) from Debian's ngtcp2 0.12 examples, which
# use GnuTLS 3.7.9: gtlsserver (package ngtcp2-server) and gtlsclient (package ngtcp2-client).
#
# Needs root: everything runs inside a network namespace of its own (ti-quic, only lo), deleted on
# exit. Capture: `tcpdump -i lo --immediate-mode -U 'udp port P'` in that namespace, P in 21700-21799.
# Key logs come from the client (GnuTLS writes SSLKEYLOGFILE; QUIC Initial keys need no key log).
#
# Server: gtlsserver --verify-client [-V] [--ciphers C] -q -d www 127.0.0.1 P pki/server.key pki/server.pem
#   (--verify-client requests a certificate and rejects its absence with certificate_required; its
#   help says "no verification is done": an untrusted certificate is ACCEPTED — quic-v1-wrong-ca
#   records that, it is what this server does, not a failure of the capture.)
# Client: SSLKEYLOGFILE=NAME.keys gtlsclient --exit-on-all-streams-close [-v VERSION]
#   [--cert C --key K] [--ciphers C] 127.0.0.1 P https://localhost:P/hello.txt
#
# Captures (captures/quic/<name>.pcap, <name>.keys, logs in captures/logs/<name>.txt):
#   quic-v1-mtls-ok          QUIC v1, test-client's certificate, accepted
#   quic-v1-wrong-ca         QUIC v1, Evil CA client certificate (accepted: no verification, see above)
#   quic-v1-no-cert          QUIC v1, no client certificate: empty Certificate, server closes with
#                            CONNECTION_CLOSE crypto error 0x0174 (certificate_required)
#   quic-v2draft-mtls-ok     QUIC v2 as ngtcp2 0.12 knows it: draft version 0x709a50c4 (-v v2draft).
#                            tshark 4.0 does not dissect this version (it shows plain UDP).
#   quic-v2draft-no-cert     the same without a client certificate
#   quic-retry-mtls          server address validation (-V): Initial, Retry, second Initial with token
#   quic-vn-mtls             client offers 0x1a2a3a4a (a reserved version): Version Negotiation, then
#                            QUIC v1 from a new client port (a second UDP conversation)
#   quic-cipher-mismatch     no common cipher suite: server's Initial CONNECTION_CLOSE 0x0128
#                            (handshake_failure); no certificate request at all
#   quic-v1-chacha20-mtls    TLS_CHACHA20_POLY1305_SHA256 (ChaCha20 header protection in Handshake/1-RTT)
#   quic-v1-aes256-mtls      TLS_AES_256_GCM_SHA384 (SHA-384 secrets, AES-256 header protection)
#   quic-v1-lossy-mtls       server and client drop 30% of what they send (--tx-loss): retransmitted
#                            and probe packets, CRYPTO data repeated and out of order
#   quic-v1-no-cert-dsb.pcapng  quic-v1-no-cert with its key log inside, as a pcapng Decryption
#                            Secrets Block (editcap --inject-secrets tls,KEYS)
#   mixed-tcp-quic.pcapng    captures/tls13-mtls-ok.pcap (TLS over TCP) and quic-v1-no-cert merged
#                            (mergecap -a): tcp.stream 0 and udp.stream 0 in one file
# QUIC v2 of RFC 9369 (0x6b3343cf) is not supported by ngtcp2 0.12: there is no capture of it; the
# decoder's v2 path is tested with the RFC 9369 Appendix A vectors instead.
# Usage: captures/make-quic-captures.sh [name-filter-regex]
set -euo pipefail

source "$(dirname "$0")/lib.sh"
mkdir -p quic
NS=ti-quic
command -v gtlsserver >/dev/null || { echo "make-quic-captures.sh: apt-get install ngtcp2-server ngtcp2-client" >&2; exit 1; }

own_netns

listening() { ip netns exec "$NS" ss -Hlun "( sport = :$1 )" | grep -q .; }

# record NAME PORT DESCRIPTION — SRV_OPTS / CLI_OPTS (arrays) are the extra options
record() {
  local name=$1 port=$2 desc=$3
  [[ $name =~ $filter ]] || return 0
  rm -f "quic/$name.pcap" "quic/$name.keys"
  ip netns exec "$NS" tcpdump -i lo --immediate-mode -U -Z root -s 0 -w "quic/$name.pcap" \
    "udp port $port" 2>"$tmp/tcpdump.err" &
  local tpid=$!; bg+=("$tpid")
  wait_for 20 grep -q 'listening on' "$tmp/tcpdump.err"
  ip netns exec "$NS" timeout 20 gtlsserver --verify-client -q -d www ${SRV_OPTS[@]+"${SRV_OPTS[@]}"} \
    127.0.0.1 "$port" pki/server.key pki/server.pem >"$tmp/server.txt" 2>&1 &
  local spid=$!; bg+=("$spid")
  wait_for 10 listening "$port"
  set +e
  ip netns exec "$NS" env SSLKEYLOGFILE="$here/quic/$name.keys" timeout 10 gtlsclient -q \
    --exit-on-all-streams-close ${CLI_OPTS[@]+"${CLI_OPTS[@]}"} 127.0.0.1 "$port" \
    "https://localhost:$port/hello.txt" >"$tmp/client.txt" 2>&1
  local crc=$?
  set -e
  sleep 0.5
  kill "$spid" 2>/dev/null || true; wait "$spid" 2>/dev/null || true
  sleep 0.3
  kill "$tpid" 2>/dev/null || true; wait "$tpid" 2>/dev/null || true
  [[ -s quic/$name.keys ]] || rm -f "quic/$name.keys"
  {
    echo "# $name: $desc"
    echo "# server options: ${SRV_OPTS[*]:-}"
    echo "# client options: ${CLI_OPTS[*]:-} (exit $crc)"
    echo "## client"; cat "$tmp/client.txt"
    echo "## server"; cat "$tmp/server.txt"
  } | sed "s|$here/|captures/|g" >"logs/$name.txt"
  echo "$name: $(tcpdump -r "quic/$name.pcap" 2>/dev/null | wc -l) packets, client exit $crc"
}

CERT=(--cert pki/client.pem --key pki/client.key)
SRV_OPTS=(); CLI_OPTS=("${CERT[@]}")
record quic-v1-mtls-ok 21710 "QUIC v1, test-client certificate, accepted"
CLI_OPTS=(--cert pki/evil-client.pem --key pki/evil-client.key)
record quic-v1-wrong-ca 21711 "QUIC v1, Evil CA client certificate (gtlsserver does not verify: accepted)"
CLI_OPTS=()
record quic-v1-no-cert 21712 "QUIC v1, no client certificate: certificate_required"
CLI_OPTS=(-v v2draft "${CERT[@]}")
record quic-v2draft-mtls-ok 21713 "QUIC v2 draft 0x709a50c4, test-client certificate"
CLI_OPTS=(-v v2draft)
record quic-v2draft-no-cert 21714 "QUIC v2 draft 0x709a50c4, no client certificate"
SRV_OPTS=(-V); CLI_OPTS=("${CERT[@]}")
record quic-retry-mtls 21715 "Retry (server address validation), then mTLS"
SRV_OPTS=(); CLI_OPTS=(-v 0x1a2a3a4a --preferred-versions v1 "${CERT[@]}")
record quic-vn-mtls 21716 "Version Negotiation (client offers 0x1a2a3a4a), then QUIC v1 mTLS"
SRV_OPTS=(--ciphers=NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-128-GCM)
CLI_OPTS=(--ciphers=NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+CHACHA20-POLY1305 "${CERT[@]}")
record quic-cipher-mismatch 21717 "no common cipher suite: handshake_failure in an Initial CONNECTION_CLOSE"
SRV_OPTS=(); CLI_OPTS=(--ciphers=NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+CHACHA20-POLY1305 "${CERT[@]}")
record quic-v1-chacha20-mtls 21718 "TLS_CHACHA20_POLY1305_SHA256, test-client certificate"
CLI_OPTS=(--ciphers=NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-256-GCM "${CERT[@]}")
record quic-v1-aes256-mtls 21719 "TLS_AES_256_GCM_SHA384, test-client certificate"
SRV_OPTS=(--tx-loss=0.3); CLI_OPTS=(--tx-loss=0.3 "${CERT[@]}")
record quic-v1-lossy-mtls 21720 "30% loss each way (--tx-loss): retransmissions, repeated and reordered CRYPTO data"
if [[ quic-v1-no-cert-dsb =~ $filter && -e quic/quic-v1-no-cert.keys ]]; then
  editcap --inject-secrets "tls,quic/quic-v1-no-cert.keys" quic/quic-v1-no-cert.pcap quic/quic-v1-no-cert-dsb.pcapng
  echo "quic-v1-no-cert-dsb.pcapng: key log embedded as a DSB"
fi
if [[ mixed-tcp-quic =~ $filter && -e quic/quic-v1-no-cert.pcap ]]; then
  mergecap -a -F pcapng -w quic/mixed-tcp-quic.pcapng tls13-mtls-ok.pcap quic/quic-v1-no-cert.pcap
  echo "mixed-tcp-quic.pcapng: TCP and QUIC in one file"
fi
