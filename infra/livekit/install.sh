#!/usr/bin/env bash
# Builds the real livekit-server from the Go module proxy into infra/bin/livekit-server when it
# is not there yet, and prints its path on the last line. Safe to run any number of times.
#   infra/livekit/install.sh
# Needs Go (https://go.dev/dl/ or Debian's golang-go, 1.24+). v1.13.5 is pinned: v1.13.6+ and
# v1.13.0–1 carry `replace` directives and cannot be built with `go install`.
set -euo pipefail

version=${LIVEKIT_SERVER_VERSION:-v1.13.5}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
target="$root/infra/bin/livekit-server"

if [[ -x "$target" ]]; then
  echo "$target"
  exit 0
fi

go=$(command -v go || true)
[[ -z "$go" && -x /usr/local/go/bin/go ]] && go=/usr/local/go/bin/go
if [[ -z "$go" ]]; then
  echo "livekit-server is missing and Go is not installed to build it: install Go 1.24+ (apt-get install -y golang-go, or https://go.dev/dl/) and run $0 again" >&2
  exit 1
fi

mkdir -p "$root/infra/bin"
# Two test workers starting at once build it once: the second waits, then finds the binary.
if command -v flock >/dev/null; then
  exec 9>"$root/infra/bin/.install.lock"
  flock 9
  if [[ -x "$target" ]]; then
    echo "$target"
    exit 0
  fi
fi
# Build into a private folder, then rename: a concurrent run or an interrupted build never
# leaves a half-written binary at the target path.
work=$(mktemp -d "$root/infra/bin/.build.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "building livekit-server $version from the Go module proxy (takes a few minutes)..." >&2
GOBIN="$work" CGO_ENABLED=0 "$go" install "github.com/livekit/livekit-server/cmd/server@$version" >&2
mv -f "$work/server" "$target"
echo "$target"
