#!/usr/bin/env python3
"""Regenerate the sandbox's checked-in API data from a k8s-reference directory.

Usage: scripts/gen-data.py PATH/TO/k8s-reference

Writes, under crates/sandbox/:
  data/discovery.json      aggregated discovery (core + groups) of the recorded kube-apiserver,
                           the source of the built-in resource registry
  data/version.json        the /version answer
  data/openapi-v2.json.gz  /openapi/v2 with every string `description` removed
  data/openapi-v3.json.gz  {path: document} for every /openapi/v3/<path>, descriptions removed
  tests/data/recorded/     the recorded request/response exchanges, for byte-compatibility tests

Descriptions are dropped because the sandbox only needs the schemas (kubectl's validation,
strategic merge metadata and `explain` field lists), and they make up most of the size.
"""
import gzip
import json
import pathlib
import shutil
import sys


def strip(node):
    """Drops string-valued `description` keys; a property *named* description is an object and stays."""
    if isinstance(node, dict):
        return {k: strip(v) for k, v in node.items() if not (k == "description" and isinstance(v, str))}
    if isinstance(node, list):
        return [strip(x) for x in node]
    return node


def compact(doc):
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode()


def write_gz(path, data):
    # mtime=0 keeps the output byte-identical between runs.
    with open(path, "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as gz:
            gz.write(data)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    ref = pathlib.Path(sys.argv[1])
    crate = pathlib.Path(__file__).resolve().parent.parent
    data = crate / "data"
    data.mkdir(exist_ok=True)
    resp = ref / "responses"

    discovery = {
        "api": json.loads((resp / "aggregated_api.json").read_text()),
        "apis": json.loads((resp / "aggregated_apis.json").read_text()),
    }
    (data / "discovery.json").write_bytes(compact(discovery) + b"\n")
    (data / "version.json").write_bytes(compact(json.loads((resp / "version.json").read_text())) + b"\n")

    write_gz(data / "openapi-v2.json.gz", compact(strip(json.loads((ref / "swagger.json").read_text()))))

    index = json.loads((resp / "openapi_v3_index.json").read_text())
    docs = {}
    for path in sorted(index["paths"]):
        name = path.replace("/", "__") + "_openapi.json"
        file = ref / "v3" / name
        if file.exists():
            docs[path] = strip(json.loads(file.read_text()))
    write_gz(data / "openapi-v3.json.gz", compact(docs))

    recorded = crate / "tests" / "data" / "recorded"
    recorded.mkdir(parents=True, exist_ok=True)
    for f in sorted(resp.iterdir()):
        if f.suffix == ".txt" or f.name in ("api.json", "apis.json", "api_v1.json", "apis_apps_v1.json"):
            shutil.copyfile(f, recorded / f.name)


if __name__ == "__main__":
    main()
