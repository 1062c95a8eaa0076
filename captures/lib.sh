# lib.sh — what the capture scripts share. Source it right after `set -euo pipefail`:
#   source "$(dirname "$0")/lib.sh"
# It sets `here` (this folder, also made the working directory), `filter` (the script's first
# argument, a regex of scenario names, default all), `tmp` (a temporary directory) and `bg` (pids of
# background processes); at exit it kills `bg`, deletes the network namespace `$NS` when the script
# set one, and removes `tmp`. It makes the PKI if missing and the -WWW document www/hello.txt.

here=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)
cd "$here"
[[ -e pki/test-ca.pem ]] || ./make-pki.sh
mkdir -p logs www
printf 'hello from the tls-inspect test server\n' >www/hello.txt
filter=${1:-.}
tmp=$(mktemp -d)
bg=()

cleanup() {
  local p
  for p in "${bg[@]}"; do kill "$p" 2>/dev/null || true; done
  if [[ -n ${NS:-} ]]; then ip netns del "$NS" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# own_netns: create the namespace $NS with its loopback up (refused when it exists already)
own_netns() {
  if ip netns list | grep -qw "$NS"; then
    echo "$(basename "$0"): netns $NS exists (left over?): ip netns del $NS" >&2
    exit 1
  fi
  ip netns add "$NS"
  ip -n "$NS" link set lo up
}

wait_for() { # wait_for SECONDS COMMAND... : poll until the command succeeds
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.05
  done
}

strip_hex() { grep -Ev '^ +[0-9a-f]{4} - ' || true; }
