#!/usr/bin/env bash
# `yarn start`: the cloud sandbox on 127.0.0.1:4566 and the example app
# (frontend :3000, backend :7007) configured to use it. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

sandbox_port="${ENVKIT_SANDBOX_PORT:-4566}"
# The realistic profile, sped up so an ECS environment is ready in about a
# minute instead of seven; set ENVKIT_SANDBOX_ARGS to change it.
# Load balancers get names under elb.localhost:<port>, which browsers resolve
# to loopback, so an environment's endpoint link opens the sandbox's page.
sandbox_args="${ENVKIT_SANDBOX_ARGS:---profile realistic --clock-multiplier 8 --lb-domain elb.localhost:$sandbox_port}"

# shellcheck disable=SC2086
yarn sandbox --port "$sandbox_port" $sandbox_args &
sandbox_pid=$!
trap 'kill "$sandbox_pid" 2>/dev/null || true' EXIT INT TERM

for _ in $(seq 1 60); do
  if curl -fsS "http://127.0.0.1:$sandbox_port/_sandbox/health" >/dev/null 2>&1; then
    break
  fi
  if ! kill -0 "$sandbox_pid" 2>/dev/null; then
    echo "The cloud sandbox did not start (is port $sandbox_port taken?)" >&2
    exit 1
  fi
  sleep 1
done

yarn start:app --config "$PWD/app-config.yaml" --config "$PWD/app-config.sandbox.yaml"
