#!/usr/bin/env bash
# make-pki.sh — (re)create the TEST-ONLY PKI used by the sample captures, in captures/pki/.
#
# Every key in captures/pki/ is committed on purpose and is worthless: never trust these CAs.
#
#   test-ca        "Test CA"               self-signed root the test servers trust
#   evil-ca        "Evil CA"               self-signed root nobody trusts
#   test-int-ca    "Test Intermediate CA"  issued by Test CA (pathlen 0)
#   server         CN=localhost            SAN DNS:localhost, IP:127.0.0.1; EKU serverAuth    (Test CA)
#   client         CN=test-client          EKU clientAuth                                    (Test CA)
#   evil-client    CN=evil-client          EKU clientAuth                                    (Evil CA)
#   expired-client CN=expired-client       EKU clientAuth, valid 2020-01-01 .. 2021-01-01    (Test CA)
#   future-client  CN=future-client        EKU clientAuth, valid 2030-01-01 .. 2040-01-01    (Test CA)
#   serverauth-client CN=serverauth-client EKU serverAuth only (no clientAuth)               (Test CA)
#   chain-client   CN=chain-client         EKU clientAuth                        (Test Intermediate CA)
#
# Keys: EC P-256, PKCS#8 PEM (<name>.key). Certificates: PEM (<name>.pem). Good certificates are
# valid 2025-01-01 .. 2045-01-01. Dates and serial numbers are fixed; keys and ECDSA signatures are
# random, so every run produces different files (re-run make-captures.sh and
# test/golden/regenerate.sh afterwards).
#
# openssl 3.0's `x509 -req` cannot set notBefore, so every certificate (roots included, via
# -selfsign) is issued with `openssl ca -startdate/-enddate`.
#
# Usage: captures/make-pki.sh [-f]     (-f: overwrite an existing captures/pki/)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
pki="$here/pki"
if [[ -e "$pki/test-ca.pem" && "${1:-}" != "-f" ]]; then
  echo "make-pki.sh: $pki already exists; use -f to recreate it (then re-run the capture scripts)" >&2
  exit 1
fi
mkdir -p "$pki"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

GOOD_START=250101000000Z
GOOD_END=450101000000Z
ORG="tls-inspect test PKI"

# Minimal `openssl ca` configuration; one database per run, discarded afterwards.
cat >"$work/ca.cnf" <<EOF
[ ca ]
default_ca = testca
[ testca ]
dir = $work
database = \$dir/index.txt
new_certs_dir = \$dir/new
serial = \$dir/serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no
[ policy_any ]
commonName = supplied
organizationName = optional
[ req ]
distinguished_name = req_dn
prompt = no
[ req_dn ]
CN = placeholder
[ v3_root ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ v3_int ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ v3_server ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_client ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_serverauth_only ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
mkdir -p "$work/new"
: >"$work/index.txt"

# issue NAME CN ORG EXTSECTION ISSUER(name or "self") SERIAL(hex) START END
issue() {
  local name=$1 cn=$2 org=$3 ext=$4 issuer=$5 serial=$6 start=$7 end=$8
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$pki/$name.key" 2>/dev/null
  openssl req -new -config "$work/ca.cnf" -key "$pki/$name.key" -subj "/O=$org/CN=$cn" \
    -out "$work/$name.csr"
  echo "$serial" >"$work/serial"
  local signer=()
  if [[ $issuer == self ]]; then
    signer=(-selfsign -keyfile "$pki/$name.key")
  else
    signer=(-cert "$pki/$issuer.pem" -keyfile "$pki/$issuer.key")
  fi
  openssl ca -batch -notext -preserveDN -config "$work/ca.cnf" "${signer[@]}" -extensions "$ext" \
    -startdate "$start" -enddate "$end" -in "$work/$name.csr" -out "$pki/$name.pem" 2>/dev/null
}

issue test-ca           "Test CA"              "$ORG"             v3_root            self        1000 $GOOD_START $GOOD_END
issue evil-ca           "Evil CA"              "tls-inspect evil" v3_root            self        2000 $GOOD_START $GOOD_END
issue test-int-ca       "Test Intermediate CA" "$ORG"             v3_int             test-ca     1001 $GOOD_START $GOOD_END
issue server            "localhost"            "$ORG"             v3_server          test-ca     1002 $GOOD_START $GOOD_END
issue client            "test-client"          "$ORG"             v3_client          test-ca     1003 $GOOD_START $GOOD_END
issue evil-client       "evil-client"          "tls-inspect evil" v3_client          evil-ca     2001 $GOOD_START $GOOD_END
issue expired-client    "expired-client"       "$ORG"             v3_client          test-ca     1004 200101000000Z 210101000000Z
issue future-client     "future-client"        "$ORG"             v3_client          test-ca     1005 300101000000Z 400101000000Z
issue serverauth-client "serverauth-client"    "$ORG"             v3_serverauth_only test-ca     1006 $GOOD_START $GOOD_END
issue chain-client      "chain-client"         "$ORG"             v3_client          test-int-ca 1101 $GOOD_START $GOOD_END

# A self-check, so a broken PKI fails here and not as a puzzling capture.
v() { openssl verify -attime "$(date -d 2026-01-01 +%s)" "$@" >/dev/null; }
v -CAfile "$pki/test-ca.pem" "$pki/server.pem" "$pki/client.pem" "$pki/serverauth-client.pem"
v -CAfile "$pki/evil-ca.pem" "$pki/evil-client.pem"
v -CAfile "$pki/test-ca.pem" -untrusted "$pki/test-int-ca.pem" "$pki/chain-client.pem"
v -purpose sslclient -CAfile "$pki/test-ca.pem" "$pki/client.pem"
if v -purpose sslclient -CAfile "$pki/test-ca.pem" "$pki/serverauth-client.pem" 2>/dev/null; then
  echo "make-pki.sh: serverauth-client unexpectedly passes the sslclient purpose" >&2; exit 1
fi
cat >"$pki/README.md" <<'EOF'
# Test-only PKI (do not trust)

Generated by `../make-pki.sh`. The private keys are committed on purpose: this PKI exists only to
produce the sample captures next door. `<name>.key` is the EC P-256 key for `<name>.pem`.
See the header of `make-pki.sh` for the list of certificates, their issuers, EKUs and validity.
EOF
ls "$pki"
