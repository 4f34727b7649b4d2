#!/usr/bin/env bash
# Times helm's own YAML parsing and toYaml on the same file the criterion
# bench uses, so the two can be compared in one run:
#
#   crates/goyaml/benches/vs_helm.sh [values.yaml] [process-runs] [reps]
#
# To rise above process start-up noise, each template repeats the work
# `reps` times inside one helm process (the file is shipped in the chart
# and read with .Files.Get):
#   base  - a template that only reads the file         (baseline)
#   parse - `fromYaml` of the file, `reps` times        (sigs.k8s.io/yaml.Unmarshal)
#   emit  - `toYaml` of the parsed map, `reps` times    (sigs.k8s.io/yaml.Marshal)
# Each chart is rendered `process-runs` times; the fastest run counts.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
file=${1:-${GOYAML_BENCH_FILE:-}}
runs=${2:-10}
reps=${3:-20}
if [ -z "$file" ]; then
  file=$(find /work/shared/corpus/charts -name values.yaml -printf '%s %p\n' 2>/dev/null | sort -rn | head -1 | cut -d' ' -f2-) || true
fi
[ -n "$file" ] && [ -f "$file" ] || { echo "vs_helm: no values file (pass one or set GOYAML_BENCH_FILE)" >&2; exit 1; }
HELM=${HELM:-$("$root/scripts/helm-oracle")}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mk() { # name template
  mkdir -p "$work/$1/templates" "$work/$1/files"
  printf 'apiVersion: v2\nname: %s\nversion: 0.1.0\n' "$1" > "$work/$1/Chart.yaml"
  cp "$file" "$work/$1/files/big.yaml"
  printf '%s' "$2" > "$work/$1/templates/t.yaml"
}
mk base  '# {{ $s := .Files.Get "files/big.yaml" }}{{ $m := dict }}{{ range until '"$reps"' }}{{ len $s }}{{ end }}'
mk parse '# {{ $s := .Files.Get "files/big.yaml" }}{{ range until '"$reps"' }}{{ $s | fromYaml | len }}{{ end }}'
mk emit  '# {{ $m := .Files.Get "files/big.yaml" | fromYaml }}{{ range until '"$reps"' }}{{ $m | toYaml | len }}{{ end }}'

fastest() { # chart dir -> seconds
  python3 - "$HELM" "$1" "$runs" <<'PY'
import subprocess, sys, time
helm, chart, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
best = None
for _ in range(runs + 1):
    t = time.perf_counter()
    subprocess.run([helm, "template", "r", chart], capture_output=True, check=True)
    d = time.perf_counter() - t
    best = d if best is None else min(best, d)
print(best)
PY
}
b=$(fastest "$work/base"); p=$(fastest "$work/parse"); e=$(fastest "$work/emit")
size=$(stat -c %s "$file")
python3 - "$b" "$p" "$e" "$size" "$reps" "$file" <<'PY'
import sys
b, p, e, size, reps, f = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
parse = (p - b) / reps
emit = (e - b) / reps - parse / reps  # the emit chart parses once
mb = size / 1e6
print(f"helm on {f} ({size} bytes), fastest of runs, {reps} repetitions per process:")
print(f"  process baseline {b*1000:.1f} ms")
print(f"  fromYaml (sigs.k8s.io/yaml.Unmarshal) {parse*1000:.2f} ms per parse = {mb/parse:.1f} MB/s")
print(f"  toYaml (sigs.k8s.io/yaml.Marshal) {emit*1000:.2f} ms per call = {mb/emit:.1f} MB/s of input file")
PY
