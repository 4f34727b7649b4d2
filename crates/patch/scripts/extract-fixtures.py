#!/usr/bin/env python3
"""Copy the recorded kube-apiserver exchanges the tests need into tests/data.

Usage: extract-fixtures.py PATH/TO/k8s-reference/responses

Each recording starts with `# METHOD path`, `# Content-Type: ...`, `# body: JSON`,
then the response body and `# HTTP <code>`. Each becomes tests/data/<name>.json:
{"method", "path", "contentType", "request", "response", "code"}.
"""
import json
import os
import sys

NAMES = [
    "create_configmap",
    "merge_patch",
    "strategic_merge_patch_deployment_create",
    "strategic_merge_patch",
    "ssa_apply_manager_a",
    "ssa_apply_manager_b_conflict_409",
    "ssa_apply_manager_b_force",
    "field_validation_strict_400",
]


def parse(text):
    lines = text.splitlines()
    method, path = lines[0][2:].split(" ", 1)
    ctype = lines[1].split(":", 1)[1].strip()
    body = json.loads(lines[2].split(":", 1)[1].strip())
    code_line = [l for l in lines if l.startswith("# HTTP ")][-1]
    resp = "\n".join(l for l in lines[3:] if not l.startswith("# HTTP "))
    return {
        "method": method,
        "path": path,
        "contentType": ctype,
        "request": body,
        "response": json.loads(resp),
        "code": int(code_line.split()[2]),
    }


def main():
    src = sys.argv[1]
    out = os.path.join(os.path.dirname(__file__), "..", "tests", "data")
    for name in NAMES:
        with open(os.path.join(src, name + ".txt")) as f:
            rec = parse(f.read())
        with open(os.path.join(out, name + ".json"), "w") as f:
            json.dump(rec, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
