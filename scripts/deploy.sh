#!/usr/bin/env bash
# Deploys cmp-ops onto an OpenFaaS (CE) cluster with MinIO: secrets must exist (k8s/secrets.template.yaml).
# Usage: REGISTRY=registry.example:5000 TAG=0.1.0 OPENFAAS_URL=http://gateway:8080 scripts/deploy.sh
set -euo pipefail
cd "$(dirname "$0")/.."
: "${REGISTRY:?set REGISTRY to the image registry}"
for secret in cmp-ops-invoke-token cmp-ops-s3-access-key cmp-ops-s3-secret-key; do
  faas-cli secret list | grep -qx "$secret" || { echo "missing secret $secret: create it first (k8s/secrets.template.yaml)" >&2; exit 1; }
done
faas-cli template store pull dockerfile
# build + push + deploy every function of stack.yml (one image each, FUNCTION build argument)
faas-cli up -f stack.yml
# MinIO: print the webhook target commands, then subscribe the buckets with exact event names
node dist/setup-minio-events.mjs --gateway "${GATEWAY_URL:-http://gateway.openfaas.svc.cluster.local:8080}"
echo "Run the mc admin lines above once (with CMP_OPS_INVOKE_TOKEN set), then: kubectl apply -f k8s/minio-events-job.yaml"
