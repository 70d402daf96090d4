#!/usr/bin/env bash
# Deploys cmp-ops onto an OpenFaaS (CE) cluster with MinIO. Secrets must exist first (k8s/secrets.template.yaml).
# Usage: REGISTRY=registry.example:5000 TAG=0.1.0 OPENFAAS_URL=http://gateway:8080 \
#        API_SERVER_CIDR=10.0.0.1/32 NETBACKUP_CIDR=10.20.0.5/32 VSPHERE_CIDR=10.20.0.8/32 scripts/deploy.sh [--render]
#   --render: no faas-cli; build and push the images yourself, then apply plain Deployments + Services
#             (scripts/render-manifests.ts) with kubectl.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${REGISTRY:?set REGISTRY to the image registry}"
: "${API_SERVER_CIDR:?set API_SERVER_CIDR to the kubernetes endpoint IPs (kubectl get endpoints kubernetes -n default)}"
: "${NETBACKUP_CIDR:?set NETBACKUP_CIDR to the NetBackup primary server address}"
: "${VSPHERE_CIDR:?set VSPHERE_CIDR to the vCenter address installation-watch reads (VSPHERE_URL)}"
mode="${1:-faas-cli}"
for secret in cmp-ops-invoke-token cmp-ops-s3-access-key cmp-ops-s3-secret-key cmp-ops-netbackup-api-key cmp-ops-ack-key cmp-ops-vsphere-username cmp-ops-vsphere-password cmp-ops-vsphere-ca; do
  kubectl -n openfaas-fn get secret "$secret" >/dev/null || { echo "missing secret $secret: create it first (k8s/secrets.template.yaml)" >&2; exit 1; }
done
# cluster side: read-only RBAC for installation-watch, routing ConfigMap, cron-connector, and the NetworkPolicies with
# this site's API server and NetBackup addresses in place of the TEMPLATE ipBlocks
kubectl apply -f k8s/rbac.yaml -f k8s/routing-configmap.yaml -f k8s/cron-connector.yaml -f k8s/alert-router-peers.yaml
sed -e "s#192.0.2.1/32#${API_SERVER_CIDR}#" -e "s#192.0.2.10/32#${NETBACKUP_CIDR}#" -e "s#192.0.2.20/32#${VSPHERE_CIDR}#" k8s/network-policies.yaml | kubectl apply -f -
if [ "$mode" = "--render" ]; then
  npx tsx scripts/render-manifests.ts | kubectl apply -f -
else
  faas-cli template store pull dockerfile
  # build + push + deploy every function of stack.yml (one image each, FUNCTION build argument)
  faas-cli up -f stack.yml
fi
# alert-router reads its routing from the state bucket (OpenFaaS CE mounts no ConfigMaps): validate, then publish
kubectl -n openfaas-fn get configmap cmp-ops-routing -o jsonpath='{.data.alertmanager\.yml}' > "${TMPDIR:-/tmp}/cmp-ops-alertmanager.yml"
node dist/cli.mjs routes publish --config "${TMPDIR:-/tmp}/cmp-ops-alertmanager.yml" --to s3://cmp-ops-state/alert-router/alertmanager.yml
# MinIO: print the webhook target commands, then subscribe the buckets with exact event names
node dist/setup-minio-events.mjs --gateway "${GATEWAY_URL:-http://gateway.openfaas.svc.cluster.local:8080}"
echo "Run the mc admin lines above once (with CMP_OPS_INVOKE_TOKEN set), then: kubectl apply -f k8s/minio-events-job.yaml"
echo "Record the validated release once the campaign passes: KUBECONFIG=… npx cmp-ops release approve --release <name> --to s3://cmp-ops-state/installation-watch/release.yaml"
