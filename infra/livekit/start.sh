#!/usr/bin/env bash
# Starts livekit-server for local use (`npm run livekit`), building it first when missing.
# Extra arguments go to livekit-server; LIVEKIT_CONFIG_FILE picks another config file.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
binary=$("$here/install.sh" | tail -1)
config=${LIVEKIT_CONFIG_FILE:-$here/livekit.yaml}
echo "livekit-server on ws://127.0.0.1:7880 with $config (Ctrl-C stops it)" >&2
exec "$binary" --config "$config" "$@"
