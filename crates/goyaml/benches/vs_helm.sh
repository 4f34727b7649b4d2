#!/usr/bin/env bash
# Times helm's own values parsing and toYaml on the same file the criterion
# bench uses, so the two can be compared in one run:
#
#   crates/goyaml/benches/vs_helm.sh [values.yaml] [runs]
#
# Three charts, each rendered `runs` times with `helm template`:
#   empty  - no values, a template that prints nothing  (process baseline)
#   parse  - the big values.yaml, a template that prints nothing
#   emit   - the big values.yaml, a template `{{ .Values | toYaml }}`
# parse - empty is helm's LoadValues (+ coalescing); emit - parse is toYaml.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
file=${1:-${GOYAML_BENCH_FILE:-}}
runs=${2:-20}
if [ -z "$file" ]; then
  file=$(find /work/shared/corpus/charts -name values.yaml -printf '%s %p\n' 2>/dev/null | sort -rn | head -1 | cut -d' ' -f2-)
fi
[ -n "$file" ] && [ -f "$file" ] || { echo "vs_helm: no values file (pass one or set GOYAML_BENCH_FILE)" >&2; exit 1; }
HELM=${HELM:-$("$root/scripts/helm-oracle")}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mk() { # name values-source template
  mkdir -p "$work/$1/templates"
  printf 'apiVersion: v2\nname: %s\nversion: 0.1.0\n' "$1" > "$work/$1/Chart.yaml"
  if [ -n "$2" ]; then cp "$2" "$work/$1/values.yaml"; fi
  printf '%s' "$3" > "$work/$1/templates/t.yaml"
}
mk empty "" '# nothing'
mk parse "$file" '# nothing'
mk emit "$file" '# {{ .Values | toYaml | sha256sum }}'

time_chart() { # name -> mean seconds per run
  python3 - "$HELM" "$work/$1" "$runs" <<'PY'
import subprocess, sys, time
helm, chart, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
subprocess.run([helm, "template", "r", chart], capture_output=True, check=True)
ts = []
for _ in range(runs):
    t = time.perf_counter()
    subprocess.run([helm, "template", "r", chart], capture_output=True, check=True)
    ts.append(time.perf_counter() - t)
ts.sort()
print(ts[len(ts) // 2])
PY
}
e=$(time_chart empty); p=$(time_chart parse); m=$(time_chart emit)
size=$(stat -c %s "$file")
python3 - "$e" "$p" "$m" "$size" "$file" <<'PY'
import sys
e, p, m, size, f = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
parse, emit = p - e, m - p
mb = size / 1e6
print(f"helm on {f} ({size} bytes), median of runs:")
print(f"  process baseline {e*1000:.1f} ms")
print(f"  parse (LoadValues + coalesce) {parse*1000:.1f} ms = {mb/parse if parse > 0 else float('inf'):.1f} MB/s")
print(f"  toYaml (+ sha256sum of the result) {emit*1000:.1f} ms = {mb/emit if emit > 0 else float('inf'):.1f} MB/s of input")
PY
