#!/usr/bin/env python3
"""Generate crates/patch/data/builtin-schema.json from a kube-apiserver OpenAPI v2 document.

Usage: gen-schema.py PATH/TO/swagger.json PATH/TO/v3-dir > crates/patch/data/builtin-schema.json

Only what merging, server-side apply and strict field validation need is kept:
per definition its fields and their shapes, the list and map extensions
(x-kubernetes-list-type, -list-map-keys, -map-type) and the strategic merge
patch extensions (x-kubernetes-patch-strategy, -patch-merge-key), plus the
group/version/kind -> definition table. Descriptions are dropped.

Encoding of a type expression T (scalar kinds as kube-openapi's schemaconv assigns them):
  "s" string   "n" numeric (integer, number)   "b" boolean
  "a"                          untyped scalar (int-or-string, quantity, formatted strings)
  "u"                          deduced: any JSON, maps granular, lists atomic
  "U"                          untyped atomic: any JSON replaced whole (RawExtension)
  {"r": NAME}                  reference to another definition
  {"m": T, "a": 1}             map with values T; "a" = x-kubernetes-map-type atomic
  {"l": T, "t": LT, "k": [..]} list of T; LT = atomic|set|map, k = list-map-keys,
                               "kd" = {key: default} for key fields with a default
  {"o": {FIELD: T}, "a": 1}    struct; "a" = x-kubernetes-map-type atomic
Field-level extras on any T: "ps" patch strategy, "mk" patch merge key,
"ma" map-type given on the field ("atomic" or "granular"),
"z" the field's value in the Go zero value of its struct: 1 for a value (non-pointer)
struct, else the JSON literal (read from the OpenAPI v3 documents: `default: {}` marks
value structs, `required` marks fields serialized without omitempty).
"""
import glob
import json
import os
import sys

# Hard-coded in kube-openapi's schemaconv.
UNTYPED_ATOMIC = {"io.k8s.apimachinery.pkg.runtime.RawExtension"}
UNTYPED_SCALAR = {"io.k8s.apimachinery.pkg.api.resource.Quantity"}
PREFIX = "#/definitions/"


V3 = {}
SCALAR_ZERO = {"string": "", "integer": 0, "number": 0, "boolean": False}
NULL_WHEN_ZERO = {
    "io.k8s.apimachinery.pkg.apis.meta.v1.Time",
    "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime",
}


def zero_of(owner, field, p, defs):
    """The field's value in the zero value of `owner`, as a JSON-able marker, or None."""
    v3 = V3.get(owner, {})
    vp = v3.get("properties", {}).get(field, {})
    required = field in v3.get("required", [])
    ref = None
    if "allOf" in vp:
        ref = vp["allOf"][0]["$ref"].split("/")[-1]
    elif "$ref" in p:
        ref = p["$ref"][len(PREFIX):]
    if ref is not None:
        if vp.get("default") == {}:
            if ref in NULL_WHEN_ZERO:
                return ("lit", None)
            if "properties" in defs.get(ref, {}):
                return ("struct", None)
            return ("lit", None) if required else None
        return ("lit", None) if required else None
    if not required:
        return None
    t = p.get("type")
    if t in SCALAR_ZERO:
        if "default" in vp and vp["default"] == SCALAR_ZERO[t]:
            return ("lit", vp["default"])
        return ("lit", None)
    return ("lit", None)


def key_defaults(p):
    """Defaults of a map-list's key fields (structured-merge-diff uses them to
    identify items that omit the key), from the item type's OpenAPI v3 schema."""
    ref = p.get("items", {}).get("$ref")
    if not ref:
        return {}
    props = V3.get(ref[len(PREFIX):], {}).get("properties", {})
    return {k: props[k]["default"] for k in p["x-kubernetes-list-map-keys"] if "default" in props.get(k, {})}


def conv(p, is_field=False, owner=None, field=None, defs=None):
    out = None
    if "$ref" in p:
        out = {"r": p["$ref"][len(PREFIX):]}
    elif p.get("type") == "array":
        out = {"l": conv(p.get("items", {})), "t": p.get("x-kubernetes-list-type", "")}
        if not out["t"]:
            del out["t"]
        if "x-kubernetes-list-map-keys" in p:
            out["k"] = p["x-kubernetes-list-map-keys"]
            defaults = key_defaults(p)
            if defaults:
                out["kd"] = defaults
    elif p.get("type") == "object" and "additionalProperties" in p:
        out = {"m": conv(p["additionalProperties"])}
        if p.get("x-kubernetes-map-type") == "atomic":
            out["a"] = 1
    elif p.get("type") == "object" and "properties" in p:
        out = {"o": {k: conv(v, True, owner, k, defs) for k, v in p["properties"].items()}}
        if p.get("x-kubernetes-map-type") == "atomic":
            out["a"] = 1
    elif p.get("type") in ("integer", "number"):
        out = "n"
    elif p.get("type") == "boolean":
        out = "b"
    elif p.get("type") == "string":
        out = "s" if p.get("format", "") in ("", "byte") else "a"
    else:
        out = "u"
    if is_field:
        extra = {}
        if "x-kubernetes-patch-strategy" in p:
            extra["ps"] = p["x-kubernetes-patch-strategy"]
        if "x-kubernetes-patch-merge-key" in p:
            extra["mk"] = p["x-kubernetes-patch-merge-key"]
        if "x-kubernetes-map-type" in p and "$ref" in p:
            extra["ma"] = p["x-kubernetes-map-type"]
        z = zero_of(owner, field, p, defs) if owner else None
        if z is not None:
            extra["z"] = 1 if z[0] == "struct" else z[1]
        if extra:
            if isinstance(out, str):
                out = {"x": out}
            out.update(extra)
    return out


def main():
    spec = json.load(open(sys.argv[1]))
    for f in sorted(glob.glob(os.path.join(sys.argv[2], "*.json"))):
        V3.update(json.load(open(f)).get("components", {}).get("schemas", {}))
    types = {}
    gvk = []
    for name, d in sorted(spec["definitions"].items()):
        if name in UNTYPED_ATOMIC:
            types[name] = "U"
        elif name in UNTYPED_SCALAR:
            types[name] = "a"
        elif d.get("type") is None or (d.get("type") == "object" and "properties" not in d):
            # Free-form: schemaconv gives objects without properties deduced elements.
            types[name] = "u"
        else:
            types[name] = conv(d, owner=name, defs=spec["definitions"])
        for g in d.get("x-kubernetes-group-version-kind", []):
            gv = g["version"] if not g["group"] else g["group"] + "/" + g["version"]
            gvk.append([gv, g["kind"], name])
    json.dump({"types": types, "gvk": sorted(gvk)}, sys.stdout, separators=(",", ":"), sort_keys=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
