#!/usr/bin/env bash
# The build: compiles src/ to dist/, then makes the workflow bundle ahead (dist/workflow-bundle.js), which
# workers load instead of running webpack at start. The bundle is rebuilt only when one of its inputs changed.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.build.json
node dist/worker/workflow-bundle.js --if-stale
