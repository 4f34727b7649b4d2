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

# --output-dir: helm writes one file per template (documents of a file appended) and
# prints `wrote PATH` lines; we keep the tree and the stdout with the directory as OUT.
out_case="$here/output-dir"
rm -rf "$out_case/expected" && mkdir -p "$out_case"
(cd "$here/cases" && "$HELM" template r objects/chart --output-dir "$out_case/expected" --include-crds --release-name 2>/dev/null \
  | sed "s|$out_case/expected|OUT|g" > "$out_case/expected.stdout")
(cd "$here/cases" && "$HELM" template r crds/chart --output-dir "$out_case/expected" --include-crds 2>/dev/null \
  | sed "s|$out_case/expected|OUT|g" >> "$out_case/expected.stdout")

# helm lint: each lint/<case>/chart is linted from its case directory (`args` may add flags);
# stdout goes to expected.out and the exit code to expected.rc.
for dir in "$here"/lint/*/; do
  case_dir=${dir%/}
  extra=()
  [ -f "$case_dir/args" ] && mapfile -t extra < "$case_dir/args"
  set +e
  (cd "$case_dir" && "$HELM" lint chart "${extra[@]}" > expected.out 2>/dev/null)
  echo $? > "$case_dir/expected.rc"
  set -e
done
