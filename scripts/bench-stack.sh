#!/usr/bin/env bash
# A no-change `charthouse stack sync` of N releases (default 100) against the sandbox,
# compared in the same run with the equivalent loop of `helm upgrade --install` (helm
# v4.3.1), which is what a helmfile sync does per release. Prints both times, the ratio,
# and how many revisions each added (charthouse: none; helm: one per release per run).
#
#   bash scripts/bench-stack.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100}
HELM=$(scripts/helm-oracle)
cargo build --release --locked -q -p charthouse-cli
CH=$PWD/target/release/charthouse
work=$(mktemp -d)
trap 'kill $sandbox_pid 2>/dev/null || true; rm -rf "$work"' EXIT
export HELM_CONFIG_HOME=$work/config HELM_CACHE_HOME=$work/cache HELM_DATA_HOME=$work/data TZ=UTC
export KUBECONFIG=$work/kubeconfig

"$CH" sandbox --listen 127.0.0.1:0 --kubeconfig-out "$KUBECONFIG" >"$work/sandbox.log" 2>&1 &
sandbox_pid=$!
for _ in $(seq 100); do [ -s "$KUBECONFIG" ] && break; sleep 0.1; done

# A small three-object chart, N releases of it in two namespaces.
mkdir -p "$work/chart/templates"
cat >"$work/chart/Chart.yaml" <<'YAML'
apiVersion: v2
name: bench
version: 1.0.0
YAML
cat >"$work/chart/values.yaml" <<'YAML'
replicas: 1
YAML
cat >"$work/chart/templates/all.yaml" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}
data:
  replicas: {{ .Values.replicas | quote }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}
spec:
  ports:
  - port: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels: {app: {{ .Release.Name }}}
  template:
    metadata:
      labels: {app: {{ .Release.Name }}}
    spec:
      containers:
      - name: app
        image: nginx:1.27
YAML
{
  echo "helmDefaults:"
  echo "  createNamespace: true"
  echo "releases:"
  for i in $(seq "$n"); do
    echo "  - name: r$i"
    echo "    namespace: ch$((i % 2))"
    echo "    chart: ./chart"
    echo "    set: {replicas: 2}"
  done
} >"$work/stackfile.yaml"

"$CH" stack -f "$work/stackfile.yaml" sync >/dev/null 2>&1
count() { "$CH" list -A -o json | python3 -c 'import json,sys; print(sum(int(r["revision"]) for r in json.load(sys.stdin)))'; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$1" "$2"; }
before=$(count)
start=$EPOCHREALTIME
"$CH" stack -f "$work/stackfile.yaml" sync >/dev/null 2>&1
end=$EPOCHREALTIME
after=$(count)
ch_time=$(elapsed "$start" "$end")

# helm: the same releases under other names, installed once, then the timed loop.
for i in $(seq "$n"); do
  "$HELM" upgrade --install "h$i" "$work/chart" -n "hm$((i % 2))" --create-namespace --set replicas=2 >/dev/null
done
hbefore=$("$HELM" list -A -o json | python3 -c 'import json,sys; print(sum(int(r["revision"]) for r in json.load(sys.stdin) if r["name"].startswith("h")))')
start=$EPOCHREALTIME
for i in $(seq "$n"); do
  "$HELM" upgrade --install "h$i" "$work/chart" -n "hm$((i % 2))" --set replicas=2 >/dev/null
done
end=$EPOCHREALTIME
hafter=$("$HELM" list -A -o json | python3 -c 'import json,sys; print(sum(int(r["revision"]) for r in json.load(sys.stdin) if r["name"].startswith("h")))')
helm_time=$(elapsed "$start" "$end")

echo "no-change sync of $n releases (3 objects each), sandbox on loopback"
printf 'charthouse stack sync:          %6.2f s, revisions added: %d\n' "$ch_time" "$((after - before))"
printf 'helm upgrade --install loop:    %6.2f s, revisions added: %d\n' "$helm_time" "$((hafter - hbefore))"
printf 'ratio (helm / charthouse):      %6.1fx\n' "$(python3 -c "import sys; print(float(sys.argv[1]) / float(sys.argv[2]))" "$helm_time" "$ch_time")"
