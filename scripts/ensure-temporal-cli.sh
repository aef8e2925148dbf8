#!/usr/bin/env bash
# Makes sure the pinned Temporal CLI (which embeds the real dev server) is present; prints its path.
# Built from the Go module proxy when missing, and cached outside the clone so fresh clones reuse it.
set -euo pipefail
VERSION=v1.5.1 # the newest tag `go install pkg@version` accepts (later tags carry replace directives)

if [ -n "${TEMPORAL_CLI_PATH:-}" ]; then
  if [ -x "$TEMPORAL_CLI_PATH" ]; then echo "$TEMPORAL_CLI_PATH"; exit 0; fi
  echo "TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH is not an executable file; unset it to build the CLI." >&2
  exit 2
fi

dir="${XDG_CACHE_HOME:-$HOME/.cache}/glpi-bridge/temporal-cli/$VERSION"
bin="$dir/temporal"
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi

if ! command -v go >/dev/null 2>&1; then
  for candidate in /usr/local/go/bin/go /usr/lib/go/bin/go; do
    [ -x "$candidate" ] && PATH="$(dirname "$candidate"):$PATH" && break
  done
fi
if ! command -v go >/dev/null 2>&1; then
  echo "The Temporal CLI is missing and Go is not installed to build it." >&2
  echo "Install Go >= 1.25, or set TEMPORAL_CLI_PATH to an installed temporal binary." >&2
  exit 2
fi
go_minor=$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')
if [ "${go_minor:-0}" -lt 25 ]; then
  echo "Go $(go env GOVERSION) is too old to build the Temporal CLI $VERSION: Go >= 1.25 is needed." >&2
  exit 2
fi

echo "Building the Temporal CLI $VERSION into $dir (a few minutes, once per machine)..." >&2
mkdir -p "$dir"
tmp=$(mktemp -d "$dir/.build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s)
# The GOBIN temp dir + rename keeps a half-built binary from ever being taken for a good one.
GOBIN="$tmp" CGO_ENABLED=0 GOFLAGS=-mod=mod go install -trimpath -ldflags='-s -w' \
  "github.com/temporalio/cli/cmd/temporal@$VERSION" >&2
mv "$tmp/temporal" "$bin"
echo "Built the Temporal CLI in $(( $(date +%s) - start ))s: $bin" >&2
echo "$bin"
