#!/usr/bin/env bash
# The quick start's main job: installs what is missing, builds, and runs the demo on the embedded default
# (a local Temporal dev server, and the GLPI emulator unless GLPI_URL is set).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
TEMPORAL_CLI_PATH="$(bash scripts/ensure-temporal-cli.sh)"
export TEMPORAL_CLI_PATH
bash scripts/build.sh
exec node bin/glpi-bridge demo "$@"
