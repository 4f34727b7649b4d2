#!/usr/bin/env python3
"""Regenerate data/protobuf.json.gz: the protobuf field tables of the Kubernetes API types.

Usage: scripts/gen-proto.py K8S_API_GIT_DIR K8S_APIMACHINERY_GIT_DIR

Both arguments are git directories (bare or not) of kubernetes/api and kubernetes/apimachinery;
the `generated.proto` files are read from their HEAD. client-go's typed clients send request
bodies in protobuf, so the sandbox decodes them with these tables: for each message, its
fields (number, JSON name, type, repeated), and for each group/version/kind, its message.
Field numbers never change once released, so newer sources describe older servers too.

Output: {"m": {"pkg.Message": {"f": [[number, name, type, repeated], ...], "w": wrapper}},
         "k": {"group/version/Kind": "pkg.Message"}}
where type is a scalar name, a message name, or "map:<key type>:<value type>", and wrapper is
"array" for `+protobuf.nullable=true` messages (Go slices and maps such as ExtraValue).
"""
import gzip
import json
import pathlib
import re
import subprocess
import sys

FIELD = re.compile(r"^\s*(optional|repeated)\s+([\w.]+)\s+(\w+)\s*=\s*(\d+)")
MAP = re.compile(r"^\s*map<\s*([\w.]+)\s*,\s*([\w.]+)\s*>\s+(\w+)\s*=\s*(\d+)")
MESSAGE = re.compile(r"^message\s+(\w+)\s*\{")


def files(git_dir):
    out = subprocess.run(["git", "--git-dir", git_dir, "ls-tree", "-r", "--name-only", "HEAD"],
                         check=True, capture_output=True, text=True).stdout
    for path in out.split():
        if path.endswith("generated.proto"):
            text = subprocess.run(["git", "--git-dir", git_dir, "show", f"HEAD:{path}"],
                                  check=True, capture_output=True, text=True).stdout
            yield path, text


def parse(text, messages):
    package = re.search(r"^package\s+([\w.]+);", text, re.M).group(1)
    comments, current = [], None
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("//"):
            comments.append(stripped)
            continue
        m = MESSAGE.match(stripped)
        if m:
            name = f"{package}.{m.group(1)}"
            current = {"f": []}
            if any("+protobuf.nullable=true" in c for c in comments):
                current["w"] = "array"
            messages[name] = current
            comments = []
            continue
        if not stripped:
            comments = []
            continue
        if current is None:
            continue

        def qualify(t):
            if t.startswith("."):
                return t[1:]
            if "." in t or t in SCALARS:
                return t
            return f"{package}.{t}"

        m = MAP.match(stripped)
        if m:
            current["f"].append([int(m.group(4)), m.group(3), f"map:{qualify(m.group(1))}:{qualify(m.group(2))}", False])
            continue
        m = FIELD.match(stripped)
        if m:
            current["f"].append([int(m.group(4)), m.group(3), qualify(m.group(2)), m.group(1) == "repeated"])
        if stripped == "}":
            current = None
        comments = []
    return package


SCALARS = {"string", "bytes", "bool", "int32", "int64", "uint32", "uint64", "double", "float", "fixed32", "fixed64", "sint32", "sint64"}


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    api, machinery = sys.argv[1:]
    messages, kinds = {}, {}
    for git_dir in (api, machinery):
        for path, text in files(git_dir):
            package = parse(text, messages)
            if git_dir == api:
                # k8s.io.api.<dir>.<version>: the group is the directory, "" for core.
                parts = package.split(".")
                group_dir, version = parts[3], parts[4]
                for name in [n for n in messages if n.startswith(package + ".")]:
                    kind = name[len(package) + 1:]
                    kinds[f"{group_dir}/{version}/{kind}"] = name
    data = {"m": messages, "k": kinds}
    out = pathlib.Path(__file__).resolve().parent.parent / "data" / "protobuf.json.gz"
    raw = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    with open(out, "wb") as f:
        with gzip.GzipFile(fileobj=f, mode="wb", compresslevel=9, mtime=0) as gz:
            gz.write(raw)
    print(f"{len(messages)} messages, {len(kinds)} kinds, {len(raw)} bytes -> {out}")


if __name__ == "__main__":
    main()
