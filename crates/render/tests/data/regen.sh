#!/usr/bin/env bash
# Regenerates the golden files of crates/render/tests/data/cases from helm v4.3.1.
# Each case directory holds `args` (one `helm template` argument per line, paths relative
# to the case directory) and usually a `chart/`. helm's stdout goes to `expected.out`;
# when helm fails, its stderr goes to `expected.err` instead.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
HELM=$("$here/../../../../scripts/helm-oracle")
homes=$(mktemp -d)
trap 'rm -rf "$homes"' EXIT
export HELM_CONFIG_HOME=$homes/config HELM_CACHE_HOME=$homes/cache HELM_DATA_HOME=$homes/data
export KUBECONFIG=/nonexistent TZ=UTC
for dir in "$here"/cases/*/; do
  case_dir=${dir%/}
  mapfile -t args < "$case_dir/args"
  rm -f "$case_dir/expected.out" "$case_dir/expected.err"
  if (cd "$case_dir" && "$HELM" template "${args[@]}" > expected.out 2> stderr.tmp); then
    rm -f "$case_dir/stderr.tmp"
  else
    mv "$case_dir/stderr.tmp" "$case_dir/expected.err"
    rm -f "$case_dir/expected.out"
  fi
done
