#!/usr/bin/env python3
"""Regenerates the golden files of the gotmpl differential suite from the real helm.

Every case in tests/data/cases/*.txt becomes a one-template chart:
  Chart.yaml        apiVersion v2, name c, version 0.1.0
  values.yaml       the case's `### values:` JSON (JSON is YAML; helm reads numbers as float64)
  templates/case.yaml   "[[[" + template + "]]]"
and is rendered with `helm template r <chart> --debug` (helm v4.3.1 from scripts/helm-oracle),
two at a time. The text between the sentinels (or helm's `Error: ` line) is written to
tests/data/golden/<topic>.json. Never edit the goldens by hand: rerun this script.

Usage: crates/gotmpl/tests/data/regen.py [topic ...]
"""
import concurrent.futures
import json
import os
import pathlib
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parents[3]


def parse_cases(path):
    """Case file format: `### name: X` starts a case; `### values: JSON` and
    `### set: k=v` header lines may follow; the remaining lines up to the next
    `### name:` are the template, without its final newline."""
    cases = []
    cur = None
    for line in path.read_text().split("\n"):
        if line.startswith("### name: "):
            if cur:
                cases.append(cur)
            cur = {"name": line[len("### name: "):].strip(), "values": "{}", "set": [], "lines": [], "in_body": False}
            continue
        if cur is None:
            continue
        if not cur["in_body"] and line.startswith("### values: "):
            cur["values"] = line[len("### values: "):]
            continue
        if not cur["in_body"] and line.startswith("### set: "):
            cur["set"].append(line[len("### set: "):])
            continue
        cur["in_body"] = True
        cur["lines"].append(line)
    if cur:
        cases.append(cur)
    for c in cases:
        text = "\n".join(c.pop("lines"))
        if text.endswith("\n"):
            text = text[:-1]
        c["template"] = text
        c.pop("in_body")
    return cases


def run_case(helm, case, home):
    with tempfile.TemporaryDirectory() as d:
        chart = pathlib.Path(d) / "c"
        (chart / "templates").mkdir(parents=True)
        (chart / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 0.1.0\n")
        (chart / "values.yaml").write_text(case["values"] + "\n")
        (chart / "templates" / "case.yaml").write_text("[[[" + case["template"] + "]]]")
        args = [helm, "template", "r", str(chart), "--debug"]
        for s in case["set"]:
            args += ["--set", s]
        env = dict(os.environ, TZ="UTC", KUBECONFIG="/nonexistent",
                   HELM_CONFIG_HOME=home, HELM_CACHE_HOME=home, HELM_DATA_HOME=home)
        p = subprocess.run(args, capture_output=True, text=True, env=env)
        out = p.stdout
        start = out.find("[[[")
        end = out.rfind("]]]")
        if start >= 0 and end >= 0:
            # helm prints the rendered file even when it then fails to parse it as YAML.
            return {"out": out[start + 3:end]}
        lines = p.stderr.split("\n")
        first = next((i for i, l in enumerate(lines) if l.startswith("Error: ")), None)
        if first is None:
            return {"err": "NO OUTPUT: " + p.stderr}
        err = [l for l in lines[first:] if not l.startswith("level=")]
        return {"err": "\n".join(err).rstrip("\n")}


def main():
    helm = subprocess.run([str(REPO / "scripts" / "helm-oracle")], capture_output=True, text=True, check=True).stdout.strip()
    topics = sys.argv[1:]
    files = sorted((HERE / "cases").glob("*.txt"))
    if topics:
        files = [f for f in files if f.stem in topics]
    with tempfile.TemporaryDirectory() as home, concurrent.futures.ThreadPoolExecutor(2) as pool:
        for f in files:
            cases = parse_cases(f)
            names = [c["name"] for c in cases]
            dups = {n for n in names if names.count(n) > 1}
            if dups:
                sys.exit(f"{f.name}: duplicate case names {sorted(dups)}")
            results = list(pool.map(lambda c: run_case(helm, c, home), cases))
            golden = {c["name"]: r for c, r in zip(cases, results)}
            (HERE / "golden" / (f.stem + ".json")).write_text(json.dumps(golden, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
            print(f"{f.stem}: {len(cases)} cases, {sum('err' in r for r in results)} errors")


if __name__ == "__main__":
    main()
