#!/usr/bin/env python3
"""Record the three-way patches the real kubectl computes for client-side
`kubectl apply` (strategic merge patches for built-in kinds, JSON merge
patches for custom resources), as goldens for tests/oracle.rs.

Usage: gen-kubectl-apply-goldens.py > crates/patch/tests/data/kubectl_apply.json
(finds kubectl with scripts/helm-oracle --kubectl, or takes $KUBECTL).

kubectl apply reads the live object, takes the last applied configuration
from its kubectl.kubernetes.io/last-applied-configuration annotation, and
PATCHes the result of strategicpatch.CreateThreeWayMergePatch(original,
modified, current) — the function helm uses for client-side-applied
releases. A small in-process HTTP server plays the apiserver: minimal
discovery, the live object on GET, and it records the PATCH body. Cases come
from a fixed seed; `--openapi-patch=false` makes kubectl use the built-in Go
types' patch metadata, as helm does.
"""
import copy
import http.server
import json
import os
import random
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
LAST = "kubectl.kubernetes.io/last-applied-configuration"

DISCOVERY = {
    "/api": {"kind": "APIVersions", "versions": ["v1"],
             "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]},
    "/apis": {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
        {"name": "apps", "versions": [{"groupVersion": "apps/v1", "version": "v1"}],
         "preferredVersion": {"groupVersion": "apps/v1", "version": "v1"}},
        {"name": "example.com", "versions": [{"groupVersion": "example.com/v1", "version": "v1"}],
         "preferredVersion": {"groupVersion": "example.com/v1", "version": "v1"}}]},
    "/apis/example.com/v1": {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "example.com/v1",
                             "resources": [{"name": "widgets", "singularName": "widget", "namespaced": True,
                                            "kind": "Widget", "verbs": ["create", "delete", "get", "list",
                                                                         "patch", "update", "watch"]}]},
    "/api/v1": {"kind": "APIResourceList", "groupVersion": "v1", "resources": [
        {"name": "configmaps", "singularName": "configmap", "namespaced": True, "kind": "ConfigMap",
         "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"]},
        {"name": "services", "singularName": "service", "namespaced": True, "kind": "Service",
         "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"]}]},
    "/apis/apps/v1": {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "apps/v1", "resources": [
        {"name": "deployments", "singularName": "deployment", "namespaced": True, "kind": "Deployment",
         "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"]}]},
}


class State:
    live = None
    patch = None
    patch_type = None


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        path = self.path.split("?")[0]
        if path in DISCOVERY:
            return self.reply(200, DISCOVERY[path])
        if "/namespaces/default/" in path and State.live is not None:
            return self.reply(200, State.live)
        return self.reply(404, {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                                "reason": "NotFound", "code": 404, "message": "not found"})

    def do_PATCH(self):
        n = int(self.headers.get("Content-Length", "0"))
        State.patch = json.loads(self.rfile.read(n))
        State.patch_type = self.headers.get("Content-Type")
        return self.reply(200, State.live)


def kubectl_path():
    if os.environ.get("KUBECTL"):
        return os.environ["KUBECTL"]
    out = subprocess.run([os.path.join(ROOT, "scripts", "helm-oracle"), "--kubectl"],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]


def last_applied(obj):
    """The annotation value kubectl writes: the configuration without the
    annotation, Go-encoded (sorted keys, compact) with a trailing newline."""
    o = copy.deepcopy(obj)
    # kubectl leaves an empty annotations map behind (unstructured.SetAnnotations).
    o["metadata"].setdefault("annotations", {}).pop(LAST, None)
    return json.dumps(o, sort_keys=True, separators=(",", ":")) + "\n"


def deployment(rng):
    names = rng.sample(["a", "b", "c", "d"], rng.randint(1, 3))
    containers = []
    for n in names:
        c = {"name": n, "image": rng.choice(["nginx", "redis:7", "busybox"])}
        if rng.random() < 0.5:
            c["env"] = [{"name": e, "value": rng.choice(["1", "2"])} for e in rng.sample(["X", "Y", "Z"], rng.randint(1, 3))]
        if rng.random() < 0.4:
            c["ports"] = [{"containerPort": p, "protocol": "TCP"} for p in rng.sample([80, 443, 8080], rng.randint(1, 2))]
        if rng.random() < 0.3:
            c["args"] = rng.sample(["--a", "--b", "--c"], 2)
        containers.append(c)
    meta = {"name": "d", "namespace": "default"}
    if rng.random() < 0.7:
        meta["labels"] = {k: rng.choice(["x", "y"]) for k in rng.sample(["app", "tier", "env"], rng.randint(1, 3))}
    if rng.random() < 0.3:
        meta["finalizers"] = rng.sample(["f1", "f2", "f3"], rng.randint(1, 3))
    spec = {"selector": {"matchLabels": {"app": "d"}},
            "template": {"metadata": {"labels": {"app": "d"}}, "spec": {"containers": containers}}}
    if rng.random() < 0.6:
        spec["replicas"] = rng.randint(1, 3)
    if rng.random() < 0.5:
        spec["strategy"] = rng.choice([
            {"type": "Recreate"},
            {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
        ])
    if rng.random() < 0.3:
        spec["template"]["spec"]["tolerations"] = [{"key": rng.choice(["k", "j"]), "operator": "Exists"}]
    if rng.random() < 0.3:
        spec["template"]["spec"]["volumes"] = rng.choice([
            [{"name": "v1", "emptyDir": {}}],
            [{"name": "v1", "configMap": {"name": "cm"}}, {"name": "v2", "secret": {"secretName": "s"}}],
        ])
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta, "spec": spec}


def widget(rng):
    """A custom resource: kubectl has no Go type for it and sends a
    three-way JSON merge patch (jsonmergepatch.CreateThreeWayJSONMergePatch)."""
    spec = {}
    for k in rng.sample(["size", "color", "tags", "nested", "items"], rng.randint(1, 4)):
        spec[k] = {
            "size": rng.randint(1, 3),
            "color": rng.choice(["red", "blue"]),
            "tags": rng.sample(["a", "b", "c"], rng.randint(0, 2)),
            "nested": {x: rng.choice([1, "v", True]) for x in rng.sample(["p", "q", "r"], rng.randint(0, 3))},
            "items": [{"id": i, "on": rng.random() < 0.5} for i in range(rng.randint(0, 2))],
        }[k]
    meta = {"name": "w", "namespace": "default"}
    if rng.random() < 0.5:
        meta["labels"] = {k: "x" for k in rng.sample(["app", "tier"], rng.randint(1, 2))}
    return {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": meta, "spec": spec}


def live_widget(rng, applied):
    live = copy.deepcopy(applied)
    live["metadata"]["uid"] = "u-2"
    live["metadata"]["resourceVersion"] = "9"
    live["metadata"].setdefault("annotations", {})[LAST] = last_applied(applied)
    if rng.random() < 0.4:
        live["spec"]["addedByController"] = {"x": 1}
    if rng.random() < 0.3:
        live["status"] = {"ready": True}
    if rng.random() < 0.3 and "nested" in live["spec"]:
        live["spec"]["nested"]["someoneElse"] = "1"
    return live


def long_deployment(rng, names=None):
    names = names or rng.sample("abcdefgh", rng.randint(1, 7))
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "d", "namespace": "default",
                         "finalizers": rng.sample(["f1", "f2", "f3", "f4"], rng.randint(0, 4))},
            "spec": {"selector": {"matchLabels": {"app": "d"}},
                     "template": {"metadata": {"labels": {"app": "d"}},
                                  "spec": {"containers": [{"name": n, "image": rng.choice(["i", "j"])} for n in names]}}}}


def live_from(rng, applied):
    """The live object: what was applied plus changes made by others."""
    live = copy.deepcopy(applied)
    live["metadata"]["uid"] = "u-1"
    live["metadata"]["resourceVersion"] = "7"
    live["metadata"].setdefault("annotations", {})[LAST] = last_applied(applied)
    if rng.random() < 0.4:
        live["spec"]["replicas"] = 5
    if rng.random() < 0.3:
        live["metadata"].setdefault("labels", {})["added-by-someone"] = "1"
    tspec = live["spec"]["template"]["spec"]
    if rng.random() < 0.3:
        tspec["containers"].append({"name": "sidecar", "image": "envoy"})
    if rng.random() < 0.4:
        for c in tspec["containers"]:
            c["imagePullPolicy"] = "Always"
            c["terminationMessagePath"] = "/dev/termination-log"
    if rng.random() < 0.3:
        live["status"] = {"replicas": 1}
    return live


def patch_locally(kubectl, url, obj, patch, ptype):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(obj, f)
        path = f.name
    try:
        # Built-in kinds are mapped from kubectl's own scheme; a custom
        # resource needs the stand-in server's discovery (which serves no
        # OpenAPI, so it must not be used for strategic patches).
        server = ["--server", url] if ptype == "merge" else []
        p = subprocess.run([kubectl, *server, "--kubeconfig", "/dev/null", "patch", "--local",
                            "-f", path, "--type", ptype, "-p", json.dumps(patch), "-o", "json"],
                           capture_output=True, text=True, timeout=60,
                           env={"PATH": "/usr/bin:/bin", "HOME": tempfile.gettempdir()})
    finally:
        os.unlink(path)
    if p.returncode != 0:
        return {"error": p.stderr.strip()}
    return json.loads(p.stdout)


def main():
    kubectl = kubectl_path()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    rng = random.Random(20261121)
    cases = []
    try:
        for i in range(330):
            crd = 150 <= i < 230
            long = i >= 230
            original = widget(rng) if crd else long_deployment(rng) if long else deployment(rng)
            if crd:
                modified = widget(rng) if rng.random() < 0.6 else copy.deepcopy(original)
                if modified == original:
                    modified["spec"]["color"] = "green"
            elif long:
                names = [c["name"] for c in original["spec"]["template"]["spec"]["containers"]]
                keep = rng.sample(names, rng.randint(0, len(names)))
                names = keep + rng.sample([x for x in "stuvwxyz"], rng.randint(0 if keep else 1, 3))
                rng.shuffle(names)
                modified = long_deployment(rng, names)
            else:
                modified = deployment(rng) if rng.random() < 0.5 else copy.deepcopy(original)
            if modified == original and not crd:
                # small edits of the same configuration
                tspec = modified["spec"]["template"]["spec"]
                if rng.random() < 0.5 and len(tspec["containers"]) > 1:
                    tspec["containers"].pop(rng.randrange(len(tspec["containers"])))
                else:
                    tspec["containers"][0]["image"] = "changed"
                if rng.random() < 0.5:
                    modified["metadata"]["labels"] = {"app": "z"}
            State.live = live_widget(rng, original) if crd else live_from(rng, original)
            State.patch = None
            with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
                json.dump(modified, f)
                path = f.name
            try:
                p = subprocess.run([kubectl, "--server", url, "--kubeconfig", "/dev/null",
                                    "apply", "-f", path, "--validate=false", "--openapi-patch=false"],
                                   capture_output=True, text=True, timeout=60,
                                   env={"PATH": "/usr/bin:/bin", "HOME": tempfile.gettempdir()})
            finally:
                os.unlink(path)
            # kubectl's modified configuration carries its own serialization of
            # the configuration as the annotation: take it from the patch (or,
            # when unchanged, from the live object).
            sent = (State.patch or {}).get("metadata", {}).get("annotations", {}).get(LAST)
            modified_with = copy.deepcopy(modified)
            modified_with["metadata"].setdefault("annotations", {})[LAST] = (
                sent if sent is not None else State.live["metadata"]["annotations"][LAST])
            case = {"name": f"apply {i}", "kind": modified["kind"], "original": json.loads(State.live["metadata"]["annotations"][LAST]),
                    "modified": modified_with, "current": State.live}
            if State.patch is not None:
                case["patch"] = State.patch
                case["contentType"] = State.patch_type
                # What applying that patch to the live object gives, by the
                # same libraries (kubectl patch --local).
                case["applied"] = patch_locally(kubectl, url, State.live, State.patch,
                                                "merge" if State.patch_type.startswith("application/merge-patch") else "strategic")
            else:
                case["error"] = p.stderr.strip() or p.stdout.strip()
            cases.append(case)
    finally:
        server.shutdown()
    version = subprocess.run([kubectl, "version", "--client", "-o", "json"], capture_output=True, text=True).stdout
    gitversion = json.loads(version).get("clientVersion", {}).get("gitVersion")
    sys.stdout.write('{"kubectl": %s,\n "cases": [\n' % json.dumps(gitversion))
    sys.stdout.write(",\n".join(json.dumps(c, separators=(",", ":")) for c in cases))
    sys.stdout.write("\n]}\n")


if __name__ == "__main__":
    main()
