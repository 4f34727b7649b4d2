#!/usr/bin/env bash
# Regenerates tests/data/helm/: what helm v4.3.1 renders for each release of examples/stack
# in each environment. The helm flags spell out the stack's semantics independently of
# charthouse: values files in order (base, then the overlay's), the .gotmpl file as the
# template renders it, then the release's `set` merged with the overlay's as --set flags.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
HELM=${HELM:-$("$root/scripts/helm-oracle")}
ex="$root/examples/stack"
charts="$root/examples/charts"
out="$here/helm"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HELM_CONFIG_HOME="$tmp/config" HELM_CACHE_HOME="$tmp/cache" HELM_DATA_HOME="$tmp/data"
export KUBECONFIG=/nonexistent TZ=UTC
mkdir -p "$out"

gotmpl() { # ENV DOMAIN
  cat >"$tmp/web-$1.yaml" <<YAML
config:
  greeting: "hello from $1"
podAnnotations:
  example.com/environment: "$1"
  example.com/team: "storefront"
  example.com/url: "https://web.$2"
YAML
}
gotmpl dev dev.demo.example
gotmpl prod demo.example

t() { # FILE NAME CHART ARGS...
  local file=$1 name=$2 chart=$3
  shift 3
  "$HELM" template "$name" "$charts/$chart" -n demo "$@" >"$out/$file"
}

t dev-cache.yaml cache kvstore -f "$ex/values/cache.yaml" --set persistence.enabled=false
t dev-web.yaml web webapp -f "$ex/values/web.yaml" -f "$tmp/web-dev.yaml" \
  --set queue.host=cache-kvstore --set replicaCount=1 --set config.logLevel=debug

t prod-cache.yaml cache kvstore -f "$ex/values/cache.yaml" -f "$ex/values/cache-prod.yaml"
t prod-web.yaml web webapp -f "$ex/values/web.yaml" -f "$tmp/web-prod.yaml" \
  -f "$ex/values/web-prod.yaml" --set queue.host=cache-kvstore --set image.tag=2.3.1
t prod-worker.yaml worker worker --set queue.host=cache-kvstore \
  --set queue.name=storefront-jobs --set replicaCount=2 --set concurrency=8
