#!/usr/bin/env python3
"""Regenerates tests/data/golden/<topic>.json from the real helm v4.3.1.

Usage (from the repository root):
    python3 crates/funcs/tests/data/regen.py            # every topic
    python3 crates/funcs/tests/data/regen.py strings    # only cases/strings.txt
    python3 crates/funcs/tests/data/regen.py --names    # check src/names.rs against helm
    HELM=/path/to/helm python3 crates/funcs/tests/data/regen.py

Every expected value comes from helm, never from our own code. For each case a
chart `c` is written with the case's values.yaml and templates/case.yaml =
"[[[" + template + "]]]", then `TZ=UTC helm template r <chart> --debug` runs with
empty helm homes and no cluster. `--debug` makes helm print the rendered file
even though it is not valid YAML; the text between the sentinels is stored as
"output". When helm fails, everything from the first "Error: " line of stderr
is stored as "error". The case's template and values are stored too, so the
Rust test notices a case edited without regenerating.

The case-file format is described in tests/data/README.md; the parser below
must agree with tests/harness.rs (parse_cases).
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "cases")
GOLDEN = os.path.join(HERE, "golden")
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
OPEN, CLOSE = "[[[", "]]]"
SOURCE = "# Source: c/templates/case.yaml\n"
CHART_YAML = "apiVersion: v2\nname: c\nversion: 0.1.0\n"
WORKERS = 2


def helm_path():
    helm = os.environ.get("HELM")
    if helm:
        return helm
    script = os.path.join(ROOT, "scripts", "helm-oracle")
    return subprocess.check_output([script], text=True).strip()


def body(lines):
    """A section's text: its lines without trailing blank lines."""
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return "\n".join(lines)


def parse_cases(text, path):
    cases = []
    shared = ""
    section = None
    buf = []
    cur = None

    def flush():
        nonlocal shared
        t = body(buf)
        buf.clear()
        if section == "values":
            if cur is None:
                shared = t
            else:
                cur["values"] = t
        elif section == "template" and cur is not None:
            cur["template"] = t

    for i, line in enumerate(text.split("\n"), 1):
        if line.endswith("\r"):
            line = line[:-1]
        if line.startswith("=== "):
            flush()
            if cur is not None:
                cases.append(cur)
            rest = line[4:].lstrip()
            name, sep, inline = rest.partition(" ")
            if not name:
                sys.exit(f"{path}:{i}: case without a name")
            if any(c["name"] == name for c in cases):
                sys.exit(f"{path}:{i}: duplicate case name {name}")
            cur = {"name": name, "values": shared, "template": inline if sep else ""}
            section = None
        elif line.startswith("--- gap "):
            # A known difference of ours; helm's output is recorded all the same.
            flush()
            section = None
        elif line == "--- values":
            flush()
            section = "values"
        elif line == "--- template":
            flush()
            if cur is None:
                sys.exit(f"{path}:{i}: template section outside a case")
            section = "template"
        elif section is not None:
            buf.append(line)
    flush()
    if cur is not None:
        cases.append(cur)
    return cases


def run_case(helm, case):
    work = tempfile.mkdtemp(prefix="funcs-golden-")
    try:
        chart = os.path.join(work, "c")
        os.makedirs(os.path.join(chart, "templates"))
        with open(os.path.join(chart, "Chart.yaml"), "w") as f:
            f.write(CHART_YAML)
        with open(os.path.join(chart, "values.yaml"), "w", encoding="utf-8", newline="") as f:
            f.write(case["values"] if case["values"].strip() else "{}")
        with open(os.path.join(chart, "templates", "case.yaml"), "w", encoding="utf-8", newline="") as f:
            f.write(OPEN + case["template"] + CLOSE)
        env = dict(os.environ)
        for k in ("HELM_CONFIG_HOME", "HELM_CACHE_HOME", "HELM_DATA_HOME"):
            env[k] = os.path.join(work, k.lower())
            os.makedirs(env[k])
        env["KUBECONFIG"] = "/nonexistent"
        env["TZ"] = "UTC"
        p = subprocess.run(
            [helm, "template", "r", chart, "--debug"],
            cwd=work, env=env, capture_output=True, timeout=60,
        )
        # Bytes, not text=True: universal newlines would turn "\r" into "\n".
        err = p.stderr.decode("utf-8", errors="replace")
        at = err.find("Error: ")
        # A render error stops helm before it prints anything; a YAML error (which
        # the sentinels always cause) still prints the file: prefer the file.
        out = p.stdout.decode("utf-8", errors="replace")
        start = out.find(SOURCE)
        if start >= 0:
            text = out[start + len(SOURCE):]
            if text.startswith(OPEN):
                end = text.rfind(CLOSE)
                if end >= 0:
                    return case["name"], {"output": text[len(OPEN):end]}
        if at >= 0:
            return case["name"], {"error": err[at:].rstrip("\n")}
        raise RuntimeError(f"case {case['name']}: no output and no error:\n{out}\n{err}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def check_names(helm):
    """Every name in src/names.rs must parse in a helm template, and env/expandenv
    (which helm deletes from Sprig's map) must not."""
    import re
    src = open(os.path.join(HERE, "..", "..", "src", "names.rs"), encoding="utf-8").read()
    names = re.findall(r'"([A-Za-z_0-9]+)"', src)

    def defined(name):
        case = {"name": name, "values": "", "template": "{{ if false }}{{ %s }}{{ end }}" % name}
        _, res = run_case(helm, case)
        return "not defined" not in res.get("error", "")

    with ThreadPoolExecutor(WORKERS) as pool:
        missing = [n for n, ok in zip(names, pool.map(defined, names)) if not ok]
        extra = [n for n, ok in zip(["env", "expandenv"], pool.map(defined, ["env", "expandenv"])) if ok]
    print(f"{len(names)} names checked; unknown to helm: {missing}; removed names helm knows: {extra}")
    if missing or extra:
        sys.exit(1)


def main():
    helm = helm_path()
    if sys.argv[1:] == ["--names"]:
        check_names(helm)
        return
    topics = sys.argv[1:] or sorted(f[:-4] for f in os.listdir(CASES) if f.endswith(".txt"))
    os.makedirs(GOLDEN, exist_ok=True)
    for topic in topics:
        path = os.path.join(CASES, topic + ".txt")
        with open(path, encoding="utf-8", newline="") as f:
            cases = parse_cases(f.read(), path)
        with ThreadPoolExecutor(WORKERS) as pool:
            results = dict(pool.map(lambda c: run_case(helm, c), cases))
        golden = {}
        for c in cases:
            entry = {"template": c["template"], "values": c["values"]}
            entry.update(results[c["name"]])
            golden[c["name"]] = entry
        with open(os.path.join(GOLDEN, topic + ".json"), "w", encoding="utf-8") as f:
            json.dump(golden, f, indent=1, ensure_ascii=False)
            f.write("\n")
        errors = sum(1 for v in golden.values() if "error" in v)
        print(f"{topic}: {len(golden)} cases ({errors} errors)")


if __name__ == "__main__":
    main()
