#!/usr/bin/env python3
"""Regenerates the chart crate's golden files from the real helm v4.3.1.

Run from anywhere: `python3 crates/chart/tests/data/regen.py`. It

1. builds the test archives (deterministic gzipped tars) from the chart
   sources in this directory, including the malformed ones,
2. runs `helm template r <chart> <args>` for every line of cases.tsv from
   this directory, and stores helm's stdout, stderr and exit code in
   golden/<id>.out, golden/<id>.err and golden/<id>.rc.

The helm binary comes from scripts/helm-oracle (or $HELM). Every chart's
templates/values.yaml prints the chart name, its dependencies, its files,
`toJson .Values` and the Go type of every leaf value, which is what the
tests compare with charthouse-chart's results.
"""

import gzip
import io
import os
import subprocess
import sys
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))


def helm_binary():
    if os.environ.get("HELM"):
        return os.environ["HELM"]
    return subprocess.check_output([os.path.join(REPO, "scripts", "helm-oracle")], text=True).strip()


def write_tgz(path, entries):
    """entries: list of (name, bytes or None for a directory, tar type)."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for name, data, kind in entries:
            info = tarfile.TarInfo(name)
            info.mtime = 0
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            if kind == "dir":
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                tar.addfile(info)
            else:
                info.mode = 0o644
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0, filename="") as gz:
        gz.write(raw.getvalue())
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(out.getvalue())


def tree_entries(src, top):
    entries = []
    for root, dirs, files in os.walk(src):
        dirs.sort()
        for name in sorted(files):
            full = os.path.join(root, name)
            rel = os.path.relpath(full, src)
            with open(full, "rb") as f:
                entries.append((f"{top}/{rel}", f.read(), "file"))
    return entries


def build_archives():
    charts = os.path.join(HERE, "charts")
    archives = os.path.join(HERE, "archives")
    write_tgz(os.path.join(charts, "deps", "charts", "sub2-0.2.0.tgz"),
              tree_entries(os.path.join(HERE, "src", "sub2"), "sub2"))
    write_tgz(os.path.join(archives, "basic-0.1.0.tgz"),
              [("basic", None, "dir")] + tree_entries(os.path.join(charts, "basic"), "basic"))
    write_tgz(os.path.join(archives, "deps-1.0.0.tgz"), tree_entries(os.path.join(charts, "deps"), "deps"))
    chart_yaml = b"apiVersion: v2\nname: evil\nversion: 0.1.0\n"
    write_tgz(os.path.join(archives, "traversal.tgz"),
              [("evil/Chart.yaml", chart_yaml, "file"), ("evil/../../etc/x", b"x", "file")])
    write_tgz(os.path.join(archives, "absolute.tgz"),
              [("evil/Chart.yaml", chart_yaml, "file"), ("evil//etc/passwd", b"x", "file")])
    write_tgz(os.path.join(archives, "nochart.tgz"), [("x/values.yaml", b"a: 1\n", "file")])
    write_tgz(os.path.join(archives, "rootfile.tgz"),
              [("Chart.yaml", chart_yaml, "file"), ("evil/Chart.yaml", chart_yaml, "file")])
    write_tgz(os.path.join(archives, "empty.tgz"), [("x", None, "dir")])
    write_tgz(os.path.join(archives, "bigfile.tgz"),
              [("big/Chart.yaml", b"apiVersion: v2\nname: big\nversion: 0.1.0\n", "file"),
               ("big/blob.bin", b"\0" * (5 * 1024 * 1024 + 1), "file")])
    write_tgz(os.path.join(archives, "winpath.tgz"),
              [("win\\Chart.yaml", b"apiVersion: v2\nname: win\nversion: 0.1.0\n", "file"),
               ("win\\values.yaml", b"a: 1\n", "file")] +
              [(f"win\\templates\\{n}", open(os.path.join(charts, "_probe", "templates", n), "rb").read(), "file")
               for n in sorted(os.listdir(os.path.join(charts, "_probe", "templates")))])
    with open(os.path.join(archives, "basic-0.1.0.tgz"), "rb") as f:
        whole = f.read()
    with open(os.path.join(archives, "truncated.tgz"), "wb") as f:
        f.write(whole[: len(whole) // 2])
    with open(os.path.join(archives, "notgz.tgz"), "wb") as f:
        f.write(b"this is not a chart\n")
    with open(os.path.join(archives, "values.yaml"), "wb") as f:
        f.write(b"a: 1\n")
    bad = os.path.join(charts, "subtgz-bad")
    os.makedirs(bad, exist_ok=True)
    with open(os.path.join(bad, "Chart.yaml"), "w") as f:
        f.write("apiVersion: v2\nname: subtgzbad\nversion: 0.1.0\n")
    write_tgz(os.path.join(bad, "charts", "bad.tgz"),
              [("bad/Chart.yaml", chart_yaml, "file"), ("bad/../../x", b"x", "file")])


def run_cases():
    helm = helm_binary()
    golden = os.path.join(HERE, "golden")
    os.makedirs(golden, exist_ok=True)
    env = dict(os.environ, HELM_CACHE_HOME="/tmp/chtest-helm-cache", HELM_CONFIG_HOME="/tmp/chtest-helm-config",
               HELM_DATA_HOME="/tmp/chtest-helm-data")
    count = 0
    with open(os.path.join(HERE, "cases.tsv")) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cid, chart, *args = line.split("\t")
            proc = subprocess.run([helm, "template", "r", chart, *args], cwd=HERE, env=env,
                                  capture_output=True, stdin=subprocess.DEVNULL)
            # Absolute paths in messages depend on the checkout; tests put theirs back.
            stdout = proc.stdout.replace(HERE.encode(), b"$DATA")
            stderr = proc.stderr.replace(HERE.encode(), b"$DATA")
            for ext, data in (("out", stdout), ("err", stderr), ("rc", f"{proc.returncode}\n".encode())):
                with open(os.path.join(golden, f"{cid}.{ext}"), "wb") as g:
                    g.write(data)
            count += 1
    print(f"{count} cases written to {golden}", file=sys.stderr)


SHOW_CHART = ["basic", "chartjson", "deps", "v1chart", "meta", "ok-versions", "ok-noapi", "bom", "floatappversion"]


def run_show_chart():
    """`helm show chart` for a few charts: Chart.yaml as helm re-marshals it."""
    helm = helm_binary()
    golden = os.path.join(HERE, "golden")
    for name in SHOW_CHART:
        proc = subprocess.run([helm, "show", "chart", os.path.join("charts", name)], cwd=HERE,
                              capture_output=True, check=True)
        with open(os.path.join(golden, f"show-chart-{name}.out"), "wb") as g:
            g.write(proc.stdout)


if __name__ == "__main__":
    build_archives()
    run_cases()
    run_show_chart()
