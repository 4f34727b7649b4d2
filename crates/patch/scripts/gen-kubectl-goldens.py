#!/usr/bin/env python3
"""Record what the real kubectl does with JSON, merge and strategic merge
patches, as goldens for tests/oracle.rs.

Usage: gen-kubectl-goldens.py > crates/patch/tests/data/kubectl_patch.json
(finds kubectl with scripts/helm-oracle --kubectl, or takes $KUBECTL).

`kubectl patch --local` applies a patch to an object from a file with the
same libraries the apiserver uses (k8s.io/apimachinery strategicpatch with
the built-in Go types' patch metadata, evanphx/json-patch), without a
cluster. The cases are hand-picked ones plus randomly generated ones from a
fixed seed, so the file regenerates identically for the same kubectl.
"""
import copy
import json
import os
import random
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))


def kubectl_path():
    if os.environ.get("KUBECTL"):
        return os.environ["KUBECTL"]
    out = subprocess.run([os.path.join(ROOT, "scripts", "helm-oracle"), "--kubectl"],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]


def run(kubectl, obj, patch, ptype):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(obj, f)
        path = f.name
    try:
        p = subprocess.run([kubectl, "patch", "--local", "-f", path, "--type", ptype,
                            "-p", json.dumps(patch), "-o", "json"],
                           capture_output=True, text=True,
                           env={"PATH": "/usr/bin:/bin", "KUBECONFIG": "/dev/null", "HOME": "/tmp"})
    finally:
        os.unlink(path)
    if p.returncode == 0:
        return {"result": json.loads(p.stdout)}
    err = p.stderr.strip()
    if err.startswith("error: "):
        err = err[len("error: "):]
    return {"error": err}


def deployment(rng):
    names = rng.sample(["a", "b", "c", "d"], rng.randint(0, 3))
    containers = []
    for n in names:
        c = {"name": n, "image": rng.choice(["nginx", "redis", "busybox:1"])}
        if rng.random() < 0.5:
            c["env"] = [{"name": e, "value": rng.choice(["1", "2"])}
                        for e in rng.sample(["X", "Y", "Z"], rng.randint(1, 3))]
        if rng.random() < 0.4:
            c["ports"] = [{"containerPort": p, "protocol": "TCP"}
                          for p in rng.sample([80, 443, 8080], rng.randint(1, 2))]
        if rng.random() < 0.3:
            c["args"] = rng.sample(["--a", "--b", "--c"], 2)
        containers.append(c)
    meta = {"name": "d"}
    if rng.random() < 0.6:
        meta["labels"] = {k: rng.choice(["x", "y"]) for k in rng.sample(["app", "tier", "env"], 2)}
    if rng.random() < 0.5:
        meta["finalizers"] = rng.sample(["f1", "f2", "f3"], rng.randint(1, 3))
    spec = {"replicas": rng.randint(1, 3), "template": {"spec": {"containers": containers}}}
    if rng.random() < 0.5:
        spec["strategy"] = rng.choice([
            {"type": "Recreate"},
            {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
        ])
    if rng.random() < 0.4:
        spec["template"]["spec"]["tolerations"] = [{"key": "k", "operator": "Exists"}]
    if rng.random() < 0.3:
        spec["template"]["spec"]["volumes"] = [
            {"name": "v1", "emptyDir": {}},
            {"name": "v2", "configMap": {"name": "cm"}},
        ][: rng.randint(1, 2)]
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta, "spec": spec}


def pod(rng):
    """A Pod using many list fields with different merge keys."""
    def container(n):
        c = {"name": n, "image": "i"}
        if rng.random() < 0.6:
            c["volumeMounts"] = [{"name": "v", "mountPath": m} for m in rng.sample(["/a", "/b", "/c"], rng.randint(1, 2))]
        if rng.random() < 0.5:
            c["ports"] = [{"containerPort": p, "protocol": rng.choice(["TCP", "UDP"])} for p in rng.sample([80, 53], rng.randint(1, 2))]
        if rng.random() < 0.4:
            c["command"] = ["sh", "-c", rng.choice(["true", "false"])]
        return c
    spec = {"containers": [container(n) for n in rng.sample(["a", "b", "c"], rng.randint(1, 3))]}
    if rng.random() < 0.5:
        spec["initContainers"] = [container("init")]
    if rng.random() < 0.5:
        spec["imagePullSecrets"] = [{"name": n} for n in rng.sample(["r1", "r2"], rng.randint(1, 2))]
    if rng.random() < 0.4:
        spec["hostAliases"] = [{"ip": "10.0.0.1", "hostnames": ["a"]}]
    if rng.random() < 0.4:
        spec["topologySpreadConstraints"] = [{"topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule", "maxSkew": 1}]
    if rng.random() < 0.5:
        spec["volumes"] = [{"name": "v", "emptyDir": {}}]
    meta = {"name": "p"}
    if rng.random() < 0.4:
        meta["ownerReferences"] = [{"apiVersion": "v1", "kind": "X", "name": "o", "uid": u} for u in rng.sample(["u1", "u2"], rng.randint(1, 2))]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}


def pod_patch(rng, obj):
    spec = obj["spec"]
    p = {}
    ps = {}
    names = [c["name"] for c in spec["containers"]]
    if rng.random() < 0.7:
        items = []
        for n in rng.sample(names + ["new"], rng.randint(1, 2)):
            c = {"name": n}
            r = rng.random()
            if r < 0.3:
                c["volumeMounts"] = [{"mountPath": rng.choice(["/a", "/z"]), "name": "w"}]
            elif r < 0.45:
                c["volumeMounts"] = [{"mountPath": "/a", "$patch": "delete"}]
            elif r < 0.6:
                c["ports"] = [{"containerPort": rng.choice([80, 8080]), "protocol": "TCP", "name": "p"}]
            elif r < 0.7:
                c["command"] = ["new"]
            elif r < 0.8:
                c["$patch"] = "delete"
            else:
                c["image"] = "j"
            items.append(c)
        ps["containers"] = items
    if rng.random() < 0.3:
        ps["imagePullSecrets"] = [{"name": rng.choice(["r1", "r3"])}]
    if rng.random() < 0.2:
        ps["hostAliases"] = [{"ip": rng.choice(["10.0.0.1", "10.0.0.2"]), "hostnames": ["b"]}]
    if rng.random() < 0.2:
        ps["topologySpreadConstraints"] = [{"topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule", "maxSkew": 2}]
    if rng.random() < 0.2:
        ps["volumes"] = [{"name": "v", "$retainKeys": ["name", "hostPath"], "hostPath": {"path": "/x"}}]
    if rng.random() < 0.2:
        ps["initContainers"] = [{"name": "init", "image": "k"}]
    if ps:
        p["spec"] = ps
    if rng.random() < 0.3:
        p["metadata"] = {"ownerReferences": [{"uid": rng.choice(["u1", "u3"]), "name": "o2", "apiVersion": "v1", "kind": "X"}]}
    return p or {"metadata": {"labels": {"x": "1"}}}


def service(rng):
    ports = [{"name": n, "port": p, "protocol": "TCP", "targetPort": p}
             for n, p in rng.sample([("http", 80), ("https", 443), ("m", 9090)], rng.randint(1, 3))]
    spec = {"ports": ports, "selector": {"app": "x"}}
    if rng.random() < 0.3:
        spec["externalIPs"] = ["1.2.3.4"]
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": spec}


def service_patch(rng, obj):
    ports = []
    for _ in range(rng.randint(1, 2)):
        port = rng.choice([80, 443, 8443])
        r = rng.random()
        if r < 0.5:
            ports.append({"port": port, "targetPort": rng.choice([8080, "web"])})
        elif r < 0.7:
            ports.append({"port": port, "$patch": "delete"})
        else:
            ports.append({"port": port, "name": "n%d" % port, "protocol": "UDP"})
    p = {"spec": {"ports": ports}}
    if rng.random() < 0.3:
        p["spec"]["selector"] = {"app": None, "tier": "t"}
    if rng.random() < 0.2:
        p["spec"]["externalIPs"] = ["5.6.7.8"]
    return p


def long_list(rng):
    names = rng.sample("abcdefgh", rng.randint(1, 7))
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d",
            "finalizers": rng.sample(["f1", "f2", "f3", "f4", "f5"], rng.randint(0, 5))},
            "spec": {"template": {"spec": {"containers": [{"name": n, "image": "i"} for n in names]}}}}


def long_list_patch(rng, obj):
    """Deletions, additions and merges in one list, with or without an order:
    the cases where Go's slice aliasing shows."""
    names = [c["name"] for c in obj["spec"]["template"]["spec"]["containers"]]
    items = []
    for n in rng.sample(names, rng.randint(0, min(2, len(names)))):
        items.append({"name": n, "$patch": "delete"})
    for n in rng.sample([x for x in "stuvwxyz"], rng.randint(0, 3)):
        items.append({"name": n, "image": "new"})
    for n in rng.sample(names, rng.randint(0, min(2, len(names)))):
        if not any(i["name"] == n for i in items):
            items.append({"name": n, "image": "changed"})
    rng.shuffle(items)
    tspec = {"containers": items} if items else {}
    if rng.random() < 0.7:
        kept = [n for n in names if not any(i["name"] == n and i.get("$patch") for i in items)]
        order_names = rng.sample(kept, rng.randint(0, len(kept)))
        plain = [i["name"] for i in items if not i.get("$patch")]
        # the patch's own items must appear in the order in the same relative order
        order = []
        for n in order_names + plain:
            if n not in order:
                order.append(n)
        plain_in_order = [n for n in order if n in plain]
        tspec["containers"] = [i for i in items if i.get("$patch")] + \
            [next(i for i in items if i["name"] == n and not i.get("$patch")) for n in plain_in_order]
        tspec["$setElementOrder/containers"] = [{"name": n} for n in order]
    p = {"spec": {"template": {"spec": tspec}}}
    if rng.random() < 0.5:
        fins = obj["metadata"]["finalizers"]
        md = {}
        if fins and rng.random() < 0.5:
            md["$deleteFromPrimitiveList/finalizers"] = rng.sample(fins, 1)
        add = rng.sample(["f6", "f7"], rng.randint(0, 2))
        if add:
            md["finalizers"] = add
        if rng.random() < 0.5:
            left = [f for f in fins if f not in md.get("$deleteFromPrimitiveList/finalizers", [])]
            md["$setElementOrder/finalizers"] = rng.sample(left, len(left)) + add
        p["metadata"] = md
    return p


def strategic_patch(rng, obj):
    """A random strategic merge patch against obj, directives included."""
    p = {}
    spec = {}
    tspec = {}
    containers = obj["spec"]["template"]["spec"]["containers"]
    names = [c["name"] for c in containers]
    ops = rng.randint(1, 4)
    plist = []
    for _ in range(ops):
        r = rng.random()
        if r < 0.25:
            plist.append({"name": rng.choice(["a", "b", "c", "e"]), "image": rng.choice(["new", "nginx"])})
        elif r < 0.35 and names:
            plist.append({"name": rng.choice(names), "$patch": "delete"})
        elif r < 0.45 and names:
            n = rng.choice(names)
            plist.append({"name": n, "env": [{"name": rng.choice(["X", "W"]), "value": "9"},
                                             *([{"name": "Y", "$patch": "delete"}] if rng.random() < 0.5 else [])]})
        elif r < 0.5:
            plist.append({"$patch": "replace"})
            plist.append({"name": "only", "image": "i"})
        elif r < 0.6 and names:
            n = rng.choice(names)
            plist.append({"name": n, "ports": [{"containerPort": 9090, "protocol": "TCP"}]})
        elif r < 0.7 and names:
            n = rng.choice(names)
            plist.append({"name": n, "image": None})
        elif r < 0.8:
            spec["replicas"] = rng.choice([None, 5])
        elif r < 0.85:
            spec["strategy"] = {"$retainKeys": ["type"], "type": "Recreate"}
        elif r < 0.9:
            p.setdefault("metadata", {})["$deleteFromPrimitiveList/finalizers"] = ["f1"]
        elif r < 0.95:
            p.setdefault("metadata", {})["finalizers"] = rng.sample(["f2", "f4"], 1)
        else:
            p.setdefault("metadata", {})["labels"] = {"app": None, "new": "1"}
    seen = set()
    dedup = []
    for c in plist:
        k = (c.get("name"), c.get("$patch"))
        if k in seen:
            continue
        seen.add(k)
        dedup.append(c)
    if dedup:
        tspec["containers"] = dedup
        if rng.random() < 0.3 and names:
            order = [{"name": n} for n in rng.sample(names, len(names))]
            for c in dedup:
                if "name" in c and c.get("$patch") is None and {"name": c["name"]} not in order:
                    order.append({"name": c["name"]})
            tspec["$setElementOrder/containers"] = order
    if rng.random() < 0.2:
        tspec["tolerations"] = [{"key": "t", "operator": "Equal", "value": "v"}]
    if rng.random() < 0.15:
        tspec["volumes"] = [{"name": "v1", "$retainKeys": ["name", "secret"], "secret": {"secretName": "s"}}]
    if tspec:
        spec["template"] = {"spec": tspec}
    if spec:
        p["spec"] = spec
    return p


def json_patch(rng, obj):
    ops = []
    for _ in range(rng.randint(1, 3)):
        op = rng.choice(["add", "remove", "replace", "test", "move", "copy"])
        path = rng.choice(["/spec/replicas", "/metadata/labels/app", "/metadata/labels/new",
                           "/spec/template/spec/containers/0/image", "/spec/template/spec/containers/-",
                           "/spec/template/spec/containers/5", "/spec/template/spec/containers/-1/name",
                           "/metadata/finalizers/0", "/spec/missing/x", "/metadata/annotations"])
        entry = {"op": op, "path": path}
        if op in ("add", "replace", "test"):
            entry["value"] = rng.choice([3, "x", {"name": "z", "image": "i"}, None, {"a": "b"}])
        if op in ("move", "copy"):
            entry["from"] = rng.choice(["/metadata/labels", "/spec/replicas", "/spec/template/spec/containers/0",
                                        "/metadata/nope"])
        ops.append(entry)
    return ops


def merge_patch(rng, obj):
    p = {"metadata": {"labels": {"app": rng.choice([None, "z"]), "n": "1"}}}
    if rng.random() < 0.5:
        p["spec"] = {"template": {"spec": {"containers": [{"name": "m", "image": "i", "x": None}]}}}
    if rng.random() < 0.3:
        p["spec"] = {"replicas": None, "strategy": {"rollingUpdate": None}}
    return p


HAND = [
    ("new container goes first", "strategic",
     {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
      "spec": {"template": {"spec": {"containers": [{"name": "a", "image": "x"}, {"name": "b", "image": "y"}]}}}},
     {"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "z"}]}}}}),
    ("missing merge key", "strategic",
     {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
      "spec": {"template": {"spec": {"containers": [{"name": "a", "image": "x"}]}}}},
     {"spec": {"template": {"spec": {"containers": [{"image": "z"}]}}}}),
    ("merge directive in list", "strategic",
     {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
      "spec": {"template": {"spec": {"containers": [{"name": "a", "image": "x"}]}}}},
     {"spec": {"template": {"spec": {"containers": [{"$patch": "merge"}]}}}}),
    ("unknown map directive", "strategic",
     {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "labels": {"a": "1"}}},
     {"metadata": {"labels": {"$patch": "merge", "b": "2"}}}),
    ("retainKeys not listed", "strategic",
     {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
      "spec": {"strategy": {"type": "RollingUpdate"}}},
     {"spec": {"strategy": {"$retainKeys": ["type"], "rollingUpdate": {"maxSurge": 1}}}}),
    ("service ports by port", "strategic",
     {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
      "spec": {"ports": [{"port": 80, "protocol": "TCP", "name": "http"}, {"port": 443, "protocol": "TCP", "name": "https"}]}},
     {"spec": {"ports": [{"port": 80, "targetPort": 8080}, {"port": 9000, "name": "new"}]}}),
    ("configmap data null", "merge",
     {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1", "b": "2"}},
     {"data": {"a": None, "c": "3"}}),
    ("json patch test failure", "json",
     {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1"}},
     [{"op": "test", "path": "/data/a", "value": "2"}]),
    ("json patch negative index", "json",
     {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "finalizers": ["x", "y"]}},
     [{"op": "remove", "path": "/metadata/finalizers/-1"}]),
    ("json patch replace missing key", "json",
     {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1"}},
     [{"op": "replace", "path": "/data/b", "value": "2"}]),
]


def main():
    kubectl = kubectl_path()
    version = subprocess.run([kubectl, "version", "--client", "-o", "json"],
                             capture_output=True, text=True).stdout
    rng = random.Random(20261121)
    cases = []
    for name, ptype, obj, patch in HAND:
        cases.append({"name": name, "type": ptype, "object": obj, "patch": patch,
                      **run(kubectl, obj, patch, ptype)})
    for i in range(200):
        obj = long_list(rng)
        patch = long_list_patch(rng, copy.deepcopy(obj))
        cases.append({"name": f"list {i}", "type": "strategic", "object": obj, "patch": patch,
                      **run(kubectl, obj, patch, "strategic")})
    for i in range(120):
        if i % 3 == 2:
            obj = service(rng)
            patch = service_patch(rng, copy.deepcopy(obj))
        else:
            obj = pod(rng)
            patch = pod_patch(rng, copy.deepcopy(obj))
        cases.append({"name": f"{obj['kind'].lower()} {i}", "type": "strategic", "object": obj,
                      "patch": patch, **run(kubectl, obj, patch, "strategic")})
    for i in range(300):
        obj = deployment(rng)
        kind = rng.choice(["strategic", "strategic", "strategic", "json", "merge"])
        patch = {"strategic": strategic_patch, "json": json_patch, "merge": merge_patch}[kind](rng, copy.deepcopy(obj))
        cases.append({"name": f"random {i}", "type": kind, "object": obj, "patch": patch,
                      **run(kubectl, obj, patch, kind)})
    # One case per line keeps the file small and its diffs readable.
    gitversion = json.loads(version).get("clientVersion", {}).get("gitVersion")
    sys.stdout.write('{"kubectl": %s,\n "cases": [\n' % json.dumps(gitversion))
    sys.stdout.write(",\n".join(json.dumps(c, separators=(",", ":")) for c in cases))
    sys.stdout.write("\n]}\n")


if __name__ == "__main__":
    main()
