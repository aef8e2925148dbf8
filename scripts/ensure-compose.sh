#!/usr/bin/env bash
# Makes sure `docker compose` works where a docker client exists (to check docker-compose.yml parses);
# prints the folder to use as DOCKER_CONFIG (empty when the plugin is already installed or docker is absent).
# Compose v2 is built from the Go module proxy when missing, and cached outside the clone.
set -euo pipefail
VERSION=v2.40.3

command -v docker >/dev/null 2>&1 || exit 0
if docker compose version >/dev/null 2>&1; then exit 0; fi

config="${XDG_CACHE_HOME:-$HOME/.cache}/glpi-bridge/docker-config"
plugin="$config/cli-plugins/docker-compose"
if [ ! -x "$plugin" ]; then
  [ -x /usr/local/go/bin/go ] && PATH="/usr/local/go/bin:$PATH"
  if ! command -v go >/dev/null 2>&1; then
    echo "docker compose is missing and Go is not installed to build it; install the compose plugin." >&2
    exit 2
  fi
  echo "Building docker compose $VERSION (a few minutes, once per machine)..." >&2
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  # Compose's go.mod has exclude directives that `go install pkg@version` refuses: build it as a dependency.
  (
    cd "$work"
    printf 'module composebuild\n\ngo 1.25\n' > go.mod
    CGO_ENABLED=0 go get "github.com/docker/compose/v2/cmd@$VERSION" >&2
    CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o docker-compose github.com/docker/compose/v2/cmd >&2
  )
  mkdir -p "$(dirname "$plugin")"
  mv "$work/docker-compose" "$plugin"
fi
echo "$config"
