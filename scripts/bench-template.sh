#!/usr/bin/env bash
# Times `helm template` (helm v4.3.1) against `charthouse template` (release build) over
# every case of the chart corpus, whole process, in one run, and prints the median of the
# per-case ratio helm time / charthouse time plus the peak RSS of each tool.
#
#   bash scripts/bench-template.sh [CORPUS_DIR] [REPEATS]
#
# CORPUS_DIR defaults to ../shared/corpus; each case runs REPEATS times per tool (default
# 3) and its best time counts. Peak RSS is the largest `ru_maxrss` (wait4) over all runs.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpus}
repeats=${2:-3}
HELM=$(scripts/helm-oracle)
cargo build --release --locked -q -p charthouse-cli
CH=$PWD/target/release/charthouse
homes=$(mktemp -d)
trap 'rm -rf "$homes"' EXIT
export HELM_CONFIG_HOME=$homes/config HELM_CACHE_HOME=$homes/cache HELM_DATA_HOME=$homes/data
export KUBECONFIG=/nonexistent TZ=UTC
python3 - "$corpus" "$repeats" "$HELM" "$CH" <<'PY'
import json, os, statistics, subprocess, sys, time

corpus, repeats, helm, ch = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]

def run(argv):
    """Runs argv in the corpus dir; returns (seconds, max RSS in KiB)."""
    start = time.perf_counter()
    p = subprocess.Popen(argv, cwd=corpus, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(p.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss

ratios, helm_rss, ch_rss, helm_total, ch_total = [], 0, 0, 0.0, 0.0
with open(os.path.join(corpus, "cases.tsv")) as f:
    rows = [line.rstrip("\n").split("\t") for line in f][1:]
for case_id, chart, args in rows:
    argv = ["template", "rel", chart, "--namespace", "ns1"] + json.loads(args)
    ht, ct = [], []
    for _ in range(repeats):
        t, rss = run([helm] + argv); ht.append(t); helm_rss = max(helm_rss, rss)
        t, rss = run([ch] + argv); ct.append(t); ch_rss = max(ch_rss, rss)
    h, c = min(ht), min(ct)
    helm_total += h; ch_total += c
    ratios.append(h / c)
print(f"cases: {len(ratios)}, best of {repeats} runs each")
print(f"helm total {helm_total:.2f}s, charthouse total {ch_total:.2f}s")
print(f"median per-case speedup (helm time / charthouse time): {statistics.median(ratios):.1f}x")
ordered = sorted(ratios)
p10, p90 = ordered[len(ordered) // 10], ordered[(9 * len(ordered)) // 10]
print(f"p10/p90 per-case speedup: {p10:.1f}x / {p90:.1f}x")
print(f"min/max per-case speedup: {min(ratios):.1f}x / {max(ratios):.1f}x")
print(f"peak RSS: helm {helm_rss/1024:.1f} MiB, charthouse {ch_rss/1024:.1f} MiB")
PY
