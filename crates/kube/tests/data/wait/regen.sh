#!/usr/bin/env bash
# Regenerates the expected wait messages in this directory from the real helm v4.3.1,
# run against a charthouse sandbox without workload simulation (so nothing gets ready
# unless this script writes the status itself).
#
#   crates/kube/tests/data/wait/regen.sh     (needs target/debug/charthouse; pip for the oracle)
#
# Each *.txt file holds helm's error message without the command's "Error: ..." prefix.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../../.." && pwd)
HELM=$("$root/scripts/helm-oracle")
KUBECTL=$("$root/scripts/helm-oracle" --kubectl)
work=$(mktemp -d)
sandbox_pid=
cleanup() { [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

"$root/target/debug/charthouse" sandbox --listen 127.0.0.1:0 --kubeconfig-out "$work/kc" >"$work/sandbox.log" 2>&1 &
sandbox_pid=$!
for _ in $(seq 50); do [ -s "$work/kc" ] && break; sleep 0.2; done
export KUBECONFIG="$work/kc" HELM_CONFIG_HOME="$work/config" HELM_CACHE_HOME="$work/cache" HELM_DATA_HOME="$work/data"

chart() { # dir: a chart named c with the manifest on stdin as its only template
  mkdir -p "$work/$1/templates"
  printf 'apiVersion: v2\nname: c\nversion: 0.1.0\n' >"$work/$1/Chart.yaml"
  cat >"$work/$1/templates/all.yaml"
}
# helm's stderr without the "Error: PREFIX" of its last line's command.
message() { sed -e "1s/^Error: $1//"; }

chart workloads <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
data: {a: b}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  replicas: 2
  selector: {matchLabels: {app: d}}
  template:
    metadata: {labels: {app: d}}
    spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: v1
kind: Service
metadata: {name: s}
spec:
  type: LoadBalancer
  selector: {app: d}
  ports: [{port: 80}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox}]
YAML
! "$HELM" install r1 "$work/workloads" --wait --timeout 2s 2>"$work/err" >/dev/null
message 'INSTALLATION FAILED: ' <"$work/err" >"$here/timeout.txt"
! "$HELM" upgrade r1 "$work/workloads" --wait --wait-for-jobs --timeout 2s 2>&1 >/dev/null | grep -v '^level=' >"$work/err"
message 'UPGRADE FAILED: ' <"$work/err" >"$here/timeout-with-jobs.txt"

# A pre-install hook Job that fails: we write the Job controller's Failed status.
chart hookjob <<'YAML'
apiVersion: batch/v1
kind: Job
metadata:
  name: hj
  annotations: {"helm.sh/hook": pre-install}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox}]
YAML
( ! "$HELM" install r2 "$work/hookjob" --timeout 30s 2>"$work/err-hj" >/dev/null ) &
helm_pid=$!
until "$KUBECTL" get job hj >/dev/null 2>&1; do sleep 0.2; done
"$KUBECTL" patch job hj --subresource=status --type=merge -p '{"status":{"failed":1,"startTime":"2026-01-01T00:00:00Z","conditions":[{"type":"FailureTarget","status":"True","reason":"BackoffLimitExceeded","message":"Job has reached the specified backoff limit"},{"type":"Failed","status":"True","reason":"BackoffLimitExceeded","message":"Job has reached the specified backoff limit"}]}}' >/dev/null
wait "$helm_pid"
message 'INSTALLATION FAILED: failed pre-install: ' <"$work/err-hj" >"$here/hook-job-failed.txt"

# A post-install hook Pod that fails; the release also keeps a ConfigMap with a finalizer,
# so uninstall --wait times out on it.
chart hookpod <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: fcm
  finalizers: [example.com/keep]
data: {a: b}
---
apiVersion: v1
kind: Pod
metadata:
  name: hp
  annotations: {"helm.sh/hook": post-install}
spec:
  restartPolicy: Never
  containers: [{name: c, image: busybox}]
YAML
( ! "$HELM" install r3 "$work/hookpod" --timeout 30s 2>"$work/err-hp" >/dev/null ) &
helm_pid=$!
until "$KUBECTL" get pod hp >/dev/null 2>&1; do sleep 0.2; done
"$KUBECTL" patch pod hp --subresource=status --type=merge -p '{"status":{"phase":"Failed"}}' >/dev/null
wait "$helm_pid"
message 'INSTALLATION FAILED: failed post-install: ' <"$work/err-hp" >"$here/hook-pod-failed.txt"
! "$HELM" uninstall r3 --wait --timeout 2s 2>"$work/err" >/dev/null
message 'uninstallation completed with 1 error(s): ' <"$work/err" >"$here/delete-timeout.txt"
