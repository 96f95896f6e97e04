#!/usr/bin/env bash
# The production install, for real: dist/ built here, then a directory holding only
# package.json, package-lock.json, dist/, scripts/build.mjs and scripts/start.sh gets `npm ci --omit=dev` (no
# TypeScript, no tsx, no test tools) and `npm start`; passes when /health answers 200 and SIGTERM
# to npm stops the service cleanly. Slower than test/productionStart.test.ts (npm installs and
# builds native modules), so it is run by hand or in a release job:  scripts/checkProductionInstall.sh
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/build.mjs --force
dir=$(mktemp -d -t clouddriver-install-XXXXXX)
trap 'kill "${npm_pid:-0}" 2>/dev/null || true; rm -rf "$dir"' EXIT
mkdir -p "$dir/scripts"
cp -r dist package.json package-lock.json "$dir/"
cp scripts/build.mjs scripts/start.sh "$dir/scripts/"
cd "$dir"
time npm ci --omit=dev --no-audit --no-fund --prefer-offline
for dev in typescript tsx vitest eslint; do
  if [ -e "node_modules/$dev" ]; then echo "FAIL: dev dependency $dev installed"; exit 1; fi
done
port=$(node -e "const s=require('net').createServer().listen(0,()=>{console.log(s.address().port);s.close()})")
PORT=$port npm start > service.log 2>&1 &
npm_pid=$!
for _ in $(seq 1 300); do
  if curl -fsS "http://127.0.0.1:$port/health" > /dev/null 2>&1; then break; fi
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/health" > /dev/null || { echo "FAIL: /health did not answer"; cat service.log; exit 1; }
kill -TERM "$npm_pid"
wait "$npm_pid" || true
grep -q '"msg":"stopped"' service.log || { echo "FAIL: no clean stop"; cat service.log; exit 1; }
echo "OK: npm ci --omit=dev && npm start answered /health on :$port and stopped cleanly on SIGTERM"
