#!/usr/bin/env bash
# Times `helm search repo` (helm v4.3.1) against `charthouse search repo` (release build) over
# one cached repository index of 10,000 chart versions (500 charts x 20 versions), whole
# process, in one run, and prints the median wall time of each tool per query.
# Measured on the 2-core dev machine (2026-11-21, under load from other builds): helm
# 874-1460 ms, charthouse 21-37 ms per query (31-42x); first charthouse search ~430 ms.
#
#   bash scripts/bench-search.sh [REPEATS]
#
# Both tools read the same repositories.yaml and cache (helm's files), and must print the
# same results; the script fails when they differ.
set -euo pipefail
cd "$(dirname "$0")/.."
repeats=${1:-15}
HELM=$(scripts/helm-oracle)
cargo build --release --locked -q -p charthouse-cli
CH=$PWD/target/release/charthouse
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HELM_CONFIG_HOME=$work/config HELM_CACHE_HOME=$work/cache HELM_DATA_HOME=$work/data
export KUBECONFIG=/nonexistent TZ=UTC
python3 - "$work" "$repeats" "$HELM" "$CH" <<'PY'
import os, statistics, subprocess, sys, time

work, repeats, helm, ch = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
cache = os.path.join(work, "cache", "repository")
os.makedirs(cache)
os.makedirs(os.path.join(work, "config"))
with open(os.path.join(work, "config", "repositories.yaml"), "w") as f:
    f.write("apiVersion: v1\ngenerated: \"2024-01-01T00:00:00Z\"\nrepositories:\n"
            "- name: big\n  url: https://charts.invalid/big\n")
words = ["web", "db", "cache", "proxy", "queue", "metrics", "logs", "auth", "api", "batch"]
lines = ["apiVersion: v1", "entries:"]
versions = 0
for c in range(500):
    name = f"{words[c % 10]}-{c:03d}"
    lines.append(f"  {name}:")
    for v in range(20):
        ver = f"{v // 5}.{v % 5}.0" if v != 19 else "4.0.0-rc.1"
        lines += [
            "  - apiVersion: v2",
            "    appVersion: \"1.%d\"" % v,
            "    created: \"2024-01-01T00:00:00.000000000Z\"",
            f"    description: The {words[(c + v) % 10]} component number {c} of the benchmark suite",
            "    digest: " + ("%064x" % (c * 100 + v)),
            f"    keywords: [{words[c % 10]}, {words[(c * 7) % 10]}, bench]",
            "    maintainers:",
            "    - email: team@example.com",
            "      name: Team",
            f"    name: {name}",
            "    type: application",
            "    urls:",
            f"    - https://charts.invalid/big/{name}-{ver}.tgz",
            f"    version: {ver}",
        ]
        versions += 1
lines.append('generated: "2024-01-01T00:00:00Z"')
with open(os.path.join(cache, "big-index.yaml"), "w") as f:
    f.write("\n".join(lines) + "\n")
print(f"index: {versions} chart versions, {os.path.getsize(os.path.join(cache, 'big-index.yaml')) // 1024} KiB")

def timed(argv):
    start = time.perf_counter()
    out = subprocess.run(argv, capture_output=True, check=True).stdout
    return time.perf_counter() - start, out

# The first charthouse search after an index changes parses the YAML and writes charthouse's
# summary beside helm's cache (`repo update` writes it too); later searches read the summary.
cold, _ = timed([ch, "search", "repo", "proxy"])
print(f"charthouse first search (parses index.yaml, writes the summary): {cold * 1000:.0f} ms")
queries = [["proxy"], ["proxy", "--versions"], ["-r", "^db-0[0-4]"], ["bench", "-o", "json"]]
print(f"{'query':32} {'helm ms':>9} {'charthouse ms':>14} {'ratio':>7}")
for q in queries:
    ht, ct = [], []
    for _ in range(repeats):
        t, hout = timed([helm, "search", "repo"] + q); ht.append(t)
        t, cout = timed([ch, "search", "repo"] + q); ct.append(t)
    if hout != cout:
        sys.exit(f"outputs differ for {q}")
    h, c = statistics.median(ht) * 1000, statistics.median(ct) * 1000
    print(f"{' '.join(q):32} {h:9.1f} {c:14.1f} {h / c:7.1f}x")
PY
