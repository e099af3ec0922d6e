#!/usr/bin/env bash
# Every check and test of the repository, run by `./envkit test` (and so by CI).
# Each static check counts as one result; Jest adds one per test. The last
# line is the summary CI reads: `N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/toolchain.sh
source scripts/toolchain.sh
envkit_ensure_node || exit 1

results_dir=test-results
mkdir -p "$results_dir"
passed=0
failed=0
failures=()

check() {
  local name="$1"
  shift
  echo "==> $name"
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failures+=("$name")
  fi
}

check "tsc" yarn tsc
# The REST contract: the router and client code generated from openapi.yaml
# must be what the document gives today.
check "openapi contract" node scripts/openapi.mjs --check
# The public surface of every plugin package, against its committed
# report.api.md (reads the declarations tsc just wrote to dist-types).
check "api reports" yarn api-reports:check
check "lint" yarn lint
check "prettier" yarn prettier:check

# The docs site must build with --strict. mkdocs is a Debian package
# (mkdocs, mkdocs-material); CI installs it and sets ENVKIT_REQUIRE_MKDOCS=1.
if command -v mkdocs >/dev/null 2>&1; then
  check "mkdocs build --strict" mkdocs build --strict --quiet --site-dir "$results_dir/site"
elif [ "${ENVKIT_REQUIRE_MKDOCS:-}" = 1 ]; then
  failed=$((failed + 1))
  failures+=("mkdocs is not installed")
else
  echo "==> mkdocs not installed: docs site build not checked (apt-get install mkdocs mkdocs-material)"
fi

echo "==> jest"
# Store tests run on SQLite, and on PostgreSQL when
# BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set; never in Docker.
export BACKSTAGE_TEST_DISABLE_DOCKER="${BACKSTAGE_TEST_DISABLE_DOCKER:-1}"
rm -f "$results_dir/jest.json"
CI=true yarn test --json --outputFile="$results_dir/jest.json"
jest_status=$?
if [ -f "$results_dir/jest.json" ]; then
  read -r jp jf < <(node -e '
    const r = require(process.argv[1]);
    console.log(r.numPassedTests, r.numFailedTests + r.numRuntimeErrorTestSuites);
  ' "$PWD/$results_dir/jest.json")
  passed=$((passed + jp))
  failed=$((failed + jf))
  if [ "$jest_status" -ne 0 ] && [ "$jf" -eq 0 ]; then
    failed=$((failed + 1))
    failures+=("jest exited with $jest_status")
  fi
else
  failed=$((failed + 1))
  failures+=("jest wrote no results (exit $jest_status)")
fi

if [ "${#failures[@]}" -gt 0 ]; then
  printf 'failed: %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
