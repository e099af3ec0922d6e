#!/usr/bin/env bash
# The step the composite action runs (action.yml), kept in a file so that
# the test (packages/cli/src/prEnvironment/prEnvironment.test.ts) runs
# exactly what a runner runs. The action's inputs arrive as variables
# (PR_*, ENVKIT_URL, ENVKIT_TOKEN), the runner's own as GITHUB_*; the logic
# is `envkitctl pr-environment`, which reads GITHUB_EVENT_NAME and
# GITHUB_EVENT_PATH and writes GITHUB_OUTPUT and GITHUB_STEP_SUMMARY.
set -euo pipefail

if [ -n "${ENVKITCTL_COMMAND:-}" ]; then
  # An envkitctl the workflow already has, split on spaces.
  read -r -a envkitctl <<<"$ENVKITCTL_COMMAND"
else
  # envkitctl from the checkout of Envkit the action itself lives in
  # (actions/pr-environment of the repository), run from its sources as
  # `yarn envkitctl` does. Its dependencies are installed once, and only
  # those of the CLI's workspace; no package's install scripts run (the
  # native modules of its test dependencies are not needed to run it).
  repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  if [ ! -e "$repo_root/node_modules/@backstage/cli/config/nodeTransform.cjs" ]; then
    echo "Installing envkitctl's dependencies in $repo_root" >&2
    yarn_release=("$repo_root"/.yarn/releases/yarn-*.cjs)
    (cd "$repo_root" &&
      YARN_ENABLE_SCRIPTS=false node "${yarn_release[0]}" workspaces focus @envkit/cli) >&2
  fi
  envkitctl=(node "$repo_root/packages/cli/bin/envkitctl")
fi

args=(pr-environment --template "$PR_TEMPLATE" --owner "$PR_OWNER"
  --name-prefix "${PR_NAME_PREFIX:-pr-}" --timeout "${PR_TIMEOUT:-20m}"
  --poll-interval "${PR_POLL_INTERVAL:-5s}" --output json)
if [ -n "${PR_IMAGE:-}" ]; then args+=(--image "$PR_IMAGE"); fi
if [ -n "${PR_IMAGE_INPUT:-}" ]; then args+=(--image-input "$PR_IMAGE_INPUT"); fi
if [ -n "${PR_COMPONENT:-}" ]; then args+=(--component "$PR_COMPONENT"); fi
if [ -n "${PR_INPUTS_FILE:-}" ]; then args+=(--inputs-file "$PR_INPUTS_FILE"); fi
if [ -n "${PR_TTL:-}" ]; then args+=(--ttl "$PR_TTL"); fi

exec "${envkitctl[@]}" "${args[@]}"
