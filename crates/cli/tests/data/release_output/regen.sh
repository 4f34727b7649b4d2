#!/usr/bin/env bash
# Regenerates the release-output goldens from the real helm v4.3.1 against a charthouse
# sandbox (a Kubernetes API server): installs, upgrades, rolls back and tests releases of
# ./chart, then stores every release record (records/NAME.vREV.json, the Secret as kubectl
# prints it) and helm's stdout for each command (out/CASE.txt).
#
# Usage: crates/cli/tests/data/release_output/regen.sh   (from anywhere; builds nothing:
# it runs target/debug/charthouse, so `cargo build -p charthouse-cli` first)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../../.." && pwd)
HELM=$("$root/scripts/helm-oracle")
KUBECTL=$("$root/scripts/helm-oracle" --kubectl)
charthouse=${CHARTHOUSE:-$root/target/debug/charthouse}

work=$(mktemp -d)
sandbox_pid=
cleanup() {
  if [[ -n $sandbox_pid ]]; then kill "$sandbox_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# --simulate-workloads makes the test Pod succeed, so `helm test` has a result to print.
"$charthouse" sandbox --listen 127.0.0.1:0 --kubeconfig-out "$work/kubeconfig" \
  --simulate-workloads >"$work/sandbox.log" 2>&1 &
sandbox_pid=$!
for _ in $(seq 100); do [[ -s $work/kubeconfig ]] && break; sleep 0.1; done

export KUBECONFIG=$work/kubeconfig TZ=UTC NO_COLOR=1
export HELM_CONFIG_HOME=$work/config HELM_CACHE_HOME=$work/cache HELM_DATA_HOME=$work/data
unset HELM_NAMESPACE HELM_DEBUG HELM_COLOR

rm -rf "$here/records" "$here/out"
mkdir -p "$here/records" "$here/out"

# run CASE ARGS...: helm's stdout to out/CASE.txt (stderr is diagnostics, not kept).
run() {
  local case=$1
  shift
  "$HELM" "$@" >"$here/out/$case.txt" 2>"$work/$case.err" || {
    echo "helm $* failed:" >&2
    cat "$work/$case.err" >&2
    exit 1
  }
}

record() {
  local name=$1 rev=$2
  "$KUBECTL" get secret "sh.helm.release.v1.$name.v$rev" -o json >"$here/records/$name.v$rev.json"
}

# snap NAME REV TAG [NAMESPACE]: the record as the command that made it left it (later commands change
# the status of older revisions and the test results), for what that command printed.
snap() {
  "$KUBECTL" get secret "sh.helm.release.v1.$1.v$2" -n "${4:-default}" -o json \
    >"$here/records/$1.v$2.after_$3.json"
}

# The rows `helm status` prints under RESOURCES come from the API server as
# meta.k8s.io/v1 Tables (cells include a relative AGE); keep what the server answers for
# demo's objects, in manifest order, as the input our printer gets.
server=$(awk '/server:/ {print $2}' "$KUBECONFIG")
token=$(awk '/token:/ {print $2}' "$KUBECONFIG" | tr -d '"')
table() { # NAMESPACE PLURAL NAME
  curl -sfk -H "Authorization: Bearer $token" \
    -H 'Accept: application/json;as=Table;v=v1;g=meta.k8s.io,application/json' \
    "$server/api/v1/namespaces/$1/$2/$3"
}
chart=$here/chart
run install_table install demo "$chart" -f "$here/user.yaml" --set replicas=3 \
  --labels team=web,tier=front
snap demo 1 install
sleep 1.1
run install_json install alpha "$chart" -o json
snap alpha 1 install
sleep 1.1
run install_yaml install zeta "$chart" -o yaml --set greeting=zeta
snap zeta 1 install
sleep 1.1
run upgrade_table upgrade demo "$chart" -f "$here/user2.yaml" --reuse-values
snap demo 2 upgrade
run get_values_all_rev2_json get values demo --all -o json
sleep 1.1
run upgrade_json upgrade alpha "$chart" -o json --set replicas=2
snap alpha 2 upgrade
sleep 1.1
run rollback rollback demo 1
sleep 1.1
run test_table test demo

# A release recorded in a zone with a non-hour offset (-03:30), in its own namespace:
# Go names that zone only when it is the local one.
TZ=America/St_Johns run install_nst install nst "$chart" -n tz --create-namespace
record_nst() { "$KUBECTL" get secret sh.helm.release.v1.nst.v1 -n tz -o json >"$here/records/nst.v1.json"; }
record_nst
layout='3:04PM pm January Monday __2 002 06 Jan Janx Janu 1 _2006 -07 -0700 -07:00 -070000 -07:00:00 Z07:00 Z07 Z0700 05.000 05,999 05.9 .99999 .0000000000 MST'
run list_nst list -n tz
run list_nst_layout list -n tz --time-format "$layout"
TZ=America/St_Johns run list_nst_local list -n tz
TZ=America/St_Johns run list_nst_local_layout list -n tz --time-format "$layout"
run history_nst history nst -n tz
run get_metadata_nst get metadata nst -n tz
# Namespace "extra": a release without tests, with a Service (a second kind under
# RESOURCES), installed with --debug and --hide-notes; colours; upgrade --install; a dry run.
run install_debug install plain "$chart" -n extra --create-namespace \
  --set tests=false,service=true --hide-notes --debug
snap plain 1 install extra
jq -n --argjson sub "$(table extra configmaps plain-sub)" \
  --argjson cm "$(table extra configmaps plain-cm)" --argjson svc "$(table extra services plain-svc)" \
  '{"v1/ConfigMap": [$sub, $cm], "v1/Service": [$svc]}' >"$here/records/plain.tables.json"
run get_values_all_plain_json get values plain -n extra --all -o json
run status_plain status plain -n extra
NO_COLOR= run status_plain_color status plain -n extra --color always
NO_COLOR= run list_extra_color list -n extra --color always
NO_COLOR= run history_plain_color history plain -n extra --color always
run upgrade_install upgrade --install fresh "$chart" -n extra --set tests=false
snap fresh 1 install extra
run install_dry_json install dry "$chart" -n extra --dry-run -o json
run install_dry_table install dry "$chart" -n extra --dry-run
run list_empty list -n empty
run list_empty_no_headers list -n empty --no-headers
run list_empty_short_json list -n empty -q -o json

for name in demo alpha zeta; do
  for rev in 1 2 3 4 5; do
    if "$KUBECTL" get secret "sh.helm.release.v1.$name.v$rev" >/dev/null 2>&1; then
      record "$name" "$rev"
    fi
  done
done

for name in demo alpha; do
  jq -n --argjson sub "$(table default configmaps $name-sub)" \
    --argjson cm "$(table default configmaps $name-cm)" \
    '{"v1/ConfigMap": [$sub, $cm]}' >"$here/records/$name.tables.json"
done

for fmt in table json yaml; do
  run "status_$fmt" status demo -o "$fmt"
  run "get_values_alpha_$fmt" get values alpha -o "$fmt"
  run "get_values_alpha_rev1_$fmt" get values alpha --revision 1 -o "$fmt"
  run "status_rev2_$fmt" status demo --revision 2 -o "$fmt"
  run "history_$fmt" history demo -o "$fmt"
  run "list_$fmt" list -o "$fmt"
  run "list_short_$fmt" list -q -o "$fmt"
  run "get_values_$fmt" get values demo -o "$fmt"
  run "get_values_all_$fmt" get values demo --all -o "$fmt"
  run "get_values_rev2_$fmt" get values demo --revision 2 -o "$fmt"
  run "get_values_zeta_$fmt" get values zeta -o "$fmt"
  run "get_metadata_$fmt" get metadata demo -o "$fmt"
done
run history_max2 history demo --max 2
run history_rollback history demo --show-rollback-revision
run status_alpha status alpha
run list_date list --date
run list_reverse list --reverse
run list_date_reverse list -d -r
run list_no_headers list --no-headers
run list_time_format list --time-format "2006-01-02 15:04:05Z0700"
run list_time_format2 list --time-format "Mon Jan _2 3:04:05.000PM MST 06 .999999999 Z07:00"
run get_all get all demo
run get_all_rev2 get all demo --revision 2
run get_manifest get manifest demo
run get_hooks get hooks demo
run get_notes get notes demo
run get_notes_alpha get notes alpha
run get_metadata_alpha get metadata alpha
run uninstall uninstall zeta
run uninstall_two uninstall alpha demo
