#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what is missing, then lint, types, build and Jest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
TEMPORAL_CLI_PATH="$(bash scripts/ensure-temporal-cli.sh)"
export TEMPORAL_CLI_PATH
COMPOSE_DOCKER_CONFIG="$(bash scripts/ensure-compose.sh)"
export COMPOSE_DOCKER_CONFIG
echo "== lint" && npx eslint . && npx prettier --check . >/dev/null
echo "== typecheck" && npx tsc -p tsconfig.json --noEmit
echo "== build" && bash scripts/build.sh
echo "== jest"
# --forceExit: a test that leaks a socket must fail on its own, not hold CI until its deadline.
npx jest --runInBand --forceExit "$@"
