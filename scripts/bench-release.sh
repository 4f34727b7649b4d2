#!/usr/bin/env bash
# Release operations, helm v4.3.1 against charthouse (release build), in one run on one
# sandbox (`charthouse sandbox --audit-log`):
#   - `list -A` over 200 releases x 10 revisions (2,000 release Secrets),
#   - `upgrade` and `rollback` of a 50-resource chart (each tool on its own release),
#   - requests per operation, counted from the sandbox's audit log: install, upgrade and
#     rollback of a 3-resource chart by both tools, and charthouse's upgrade and rollback
#     of the 50-resource release with an empty discovery cache and then with the cache.
#
#   bash scripts/bench-release.sh [ROUNDS]
#
# Each timing is the median of ROUNDS runs (default 5), whole process. The 2,000 records
# are helm's own: one release is installed and upgraded by helm, and its records are
# copied under other names, versions and statuses (same encoding: JSON, gzip, base64).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
HELM=$(scripts/helm-oracle)
KUBECTL=$(scripts/helm-oracle --kubectl)
cargo build --release --locked -q -p charthouse-cli
CH=$PWD/target/release/charthouse
work=$(mktemp -d)
sandbox_pid=
cleanup() {
  [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export HELM_CONFIG_HOME=$work/config HELM_CACHE_HOME=$work/cache HELM_DATA_HOME=$work/data
export KUBECONFIG=$work/kubeconfig TZ=UTC
"$CH" sandbox --listen 127.0.0.1:0 --kubeconfig-out "$KUBECONFIG" --audit-log "$work/audit.log" \
  >"$work/sandbox.out" 2>&1 &
sandbox_pid=$!
for _ in $(seq 100); do [ -s "$KUBECONFIG" ] && break; sleep 0.1; done
[ -s "$KUBECONFIG" ] || { cat "$work/sandbox.out"; exit 1; }

# chart DIR N: N ConfigMaps.
chart() {
  mkdir -p "$1/templates"
  printf 'apiVersion: v2\nname: %s\nversion: 0.1.0\n' "$(basename "$1")" >"$1/Chart.yaml"
  printf 'msg: hello\n' >"$1/values.yaml"
  for i in $(seq 0 $(($2 - 1))); do
    printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm%s\ndata:\n  msg: {{ .Values.msg | quote }}\n' "$i" \
      >"$1/templates/cm$i.yaml"
  done
}
chart "$work/three" 3
chart "$work/fifty" 50

python3 - "$HELM" "$CH" "$KUBECTL" "$work" "$rounds" <<'PY'
import base64, gzip, json, os, shutil, statistics, subprocess, sys, time

helm, ch, kubectl, work, rounds = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
audit = os.path.join(work, "audit.log")

def run(argv, check=True):
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if check and p.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed:\n{p.stderr}")
    return p.stdout

def timed(argv):
    start = time.perf_counter()
    run(argv)
    return time.perf_counter() - start

def audit_lines():
    with open(audit) as f:
        return sum(1 for _ in f)

def requests(argv):
    """Runs argv; returns the requests it sent as (verb, uri)."""
    before = audit_lines()
    run(argv)
    with open(audit) as f:
        lines = f.readlines()[before:]
    return [json.loads(l) for l in lines]

def peak_in_flight(events):
    """The most requests the server was handling at once (from the audit timestamps)."""
    from datetime import datetime
    t = lambda s: datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()
    edges = sorted([(t(e["requestReceivedTimestamp"]), 1) for e in events] +
                   [(t(e["stageTimestamp"]), -1) for e in events])
    peak = now = 0
    for _, d in edges:
        now += d
        peak = max(peak, now)
    return peak

# --- 200 releases x 10 revisions, as helm writes them -------------------------------
run([helm, "install", "seed", f"{work}/three", "-n", "seed", "--create-namespace"])
seed = json.loads(run([kubectl, "get", "secret", "sh.helm.release.v1.seed.v1", "-n", "seed", "-o", "json"]))
payload = base64.b64decode(base64.b64decode(seed["data"]["release"]))
record = json.loads(gzip.decompress(payload))
namespaces = [f"bench{i}" for i in range(4)]
for ns in namespaces:
    run([kubectl, "create", "namespace", ns])
items = []
now = int(time.time())
for i in range(200):
    name = f"rel{i:03d}"
    ns = namespaces[i % len(namespaces)]
    for v in range(1, 11):
        r = json.loads(json.dumps(record))
        status = "deployed" if v == 10 else "superseded"
        r["name"], r["namespace"], r["version"] = name, ns, v
        r["info"]["status"] = status
        r["info"]["description"] = "Install complete" if v == 1 else "Upgrade complete"
        r["manifest"] = r["manifest"].replace("seed-", f"{name}-")
        body = base64.b64encode(gzip.compress(json.dumps(r, separators=(",", ":")).encode(), 9)).decode()
        items.append({
            "apiVersion": "v1", "kind": "Secret", "type": "helm.sh/release.v1",
            "metadata": {"name": f"sh.helm.release.v1.{name}.v{v}", "namespace": ns,
                         "labels": {"name": name, "owner": "helm", "status": status,
                                    "version": str(v), "modifiedAt": str(now)}},
            "data": {"release": base64.b64encode(body.encode()).decode()},
        })
with open(os.path.join(work, "records.json"), "w") as f:
    json.dump({"apiVersion": "v1", "kind": "List", "items": items}, f)
# The List kind is not in the OpenAPI v3 documents; kubectl would fall back to v2.
run([kubectl, "create", "--validate=false", "-f", os.path.join(work, "records.json"), "-o", "name"])

helm_list = run([helm, "list", "-A"])
ch_list = run([ch, "list", "-A"])
if helm_list != ch_list:
    sys.exit("list -A outputs differ")
results = []
def compare(label, helm_argv, ch_argv_or_fn, between=None):
    ht, ct = [], []
    for k in range(rounds):
        h = helm_argv(k) if callable(helm_argv) else helm_argv
        c = ch_argv_or_fn(k) if callable(ch_argv_or_fn) else ch_argv_or_fn
        ht.append(timed(h))
        ct.append(timed(c))
    h, c = statistics.median(ht), statistics.median(ct)
    results.append((label, h, c))

compare("list -A (201 releases, 2,001 records)", [helm, "list", "-A"], [ch, "list", "-A"])

# --- 50-resource chart: each tool upgrades and rolls back its own release ----------
run([helm, "install", "big-h", f"{work}/fifty"])
run([ch, "install", "big-c", f"{work}/fifty"])
compare("upgrade, 50 resources",
        lambda k: [helm, "upgrade", "big-h", f"{work}/fifty", "--set", f"msg=m{k}"],
        lambda k: [ch, "upgrade", "big-c", f"{work}/fifty", "--set", f"msg=m{k}"])
compare("rollback, 50 resources", [helm, "rollback", "big-h"], [ch, "rollback", "big-c"])

print(f"median of {rounds} runs, whole process, same sandbox, same run")
print(f"| operation | helm v4.3.1 | charthouse | speedup |")
print(f"|---|---|---|---|")
for label, h, c in results:
    print(f"| {label} | {h*1000:.0f} ms | {c*1000:.0f} ms | {h/c:.1f}x |")

# --- requests per operation ------------------------------------------------------
counts = []
def count(label, argv):
    reqs = requests(argv)
    counts.append((label, len(reqs), peak_in_flight(reqs)))
    return reqs
count("helm install, 3 resources", [helm, "install", "r3-h", f"{work}/three"])
count("helm upgrade, 3 resources", [helm, "upgrade", "r3-h", f"{work}/three", "--set", "msg=x"])
count("helm rollback, 3 resources", [helm, "rollback", "r3-h"])
shutil.rmtree(os.path.join(work, "cache", "discovery"), ignore_errors=True)
count("charthouse install, 3 resources (empty discovery cache)", [ch, "install", "r3-c", f"{work}/three"])
count("charthouse upgrade, 3 resources", [ch, "upgrade", "r3-c", f"{work}/three", "--set", "msg=x"])
count("charthouse rollback, 3 resources", [ch, "rollback", "r3-c"])
# A fresh release, so no revision is pruned (--history-max 10 would add one delete).
run([ch, "install", "big-n", f"{work}/fifty"])
shutil.rmtree(os.path.join(work, "cache", "discovery"), ignore_errors=True)
count("charthouse upgrade, 50 resources, empty discovery cache", [ch, "upgrade", "big-n", f"{work}/fifty", "--set", "msg=y"])
count("charthouse upgrade, 50 resources, cached discovery", [ch, "upgrade", "big-n", f"{work}/fifty", "--set", "msg=z"])
shutil.rmtree(os.path.join(work, "cache", "discovery"), ignore_errors=True)
count("charthouse rollback, 50 resources, empty discovery cache", [ch, "rollback", "big-n"])
count("charthouse rollback, 50 resources, cached discovery", [ch, "rollback", "big-n"])
count("charthouse upgrade, 50 resources, 11 revisions (prunes one: --history-max 10)", [ch, "upgrade", "big-c", f"{work}/fifty", "--set", "msg=y"])
count("helm upgrade, 50 resources", [helm, "upgrade", "big-h", f"{work}/fifty", "--set", "msg=y"])
count("helm rollback, 50 resources", [helm, "rollback", "big-h"])
print()
print("| requests (sandbox audit log) | count | peak in flight |")
print("|---|---|---|")
for label, n, peak in counts:
    print(f"| {label} | {n} | {peak} |")
PY
