#!/usr/bin/env bash
# test-all is the README's test command: it installs the test peers (Debian packages), the npm packages, then
# checks formatting and lint, type-checks, builds and runs every test. The last line is the runner's "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-peers.sh
npm ci --no-audit --no-fund
npm run lint        # Biome: formatting and lint rules (biome.json); `npm run format` fixes the layout
npm run typecheck
npm run build
npm test
