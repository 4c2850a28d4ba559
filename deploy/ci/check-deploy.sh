#!/usr/bin/env bash
# Checks the deployment files: the Helm chart (lint, schema, rendered manifests against the
# Kubernetes schemas), the alert rules (promtool check + unit tests), the Grafana dashboard (JSON,
# metric names), docker-compose.yml (compose-spec loader), the Dockerfile's COPY sources and its
# Node.js version, and the heap limit that image and chart derive from the container's memory limit.
#
# Installs what it lacks into a cache (SHELLY_INGEST_TOOLS_DIR, default ~/.cache/shelly-ingest-tools):
# helm built from the Go module proxy, kubernetes-validate from PyPI (it bundles the Kubernetes
# JSON schemas, so nothing is downloaded at validation time), a compose-spec loader built from the
# Go module proxy; promtool from Debian's `prometheus` package. A second run reuses all of them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

HELM_VERSION=v3.22.0
# Kubernetes minor version of the client-go that helm v3.22.0 is built with (v0.37.x): set as an
# official build does, so `helm lint` judges API deprecations against it.
HELM_K8S_MINOR=37
KUBERNETES_VALIDATE_VERSION=1.37.0
COMPOSE_GO_VERSION=v2.16.2
# Oldest Kubernetes the chart allows (Chart.yaml kubeVersion) and the newest the validator knows.
KUBE_VERSIONS=(1.25.0 1.37.0)

TOOLS="${SHELLY_INGEST_TOOLS_DIR:-$HOME/.cache/shelly-ingest-tools}"
CHART=helm/shelly-ingest
ALERTS="$CHART/files/alerts.yaml"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

checks=0
step() { printf '\n== %s\n' "$*"; }
ok() {
  checks=$((checks + 1))
  printf 'ok   %s\n' "$*"
}
fail() {
  printf 'FAIL %s\n' "$*" >&2
  exit 1
}

# ---------------------------------------------------------------------------------------- tools
step "tools (cache: $TOOLS)"
mkdir -p "$TOOLS"

command -v go >/dev/null || fail "go is needed to build helm and the compose checker"

HELM="$TOOLS/helm-$HELM_VERSION/helm"
if [[ ! -x "$HELM" ]]; then
  echo "building helm $HELM_VERSION (Go module proxy)..."
  GOBIN="$TOOLS/helm-$HELM_VERSION" GOFLAGS=-buildvcs=false go install -ldflags "\
    -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION \
    -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 \
    -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$HELM_K8S_MINOR \
    -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 \
    -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$HELM_K8S_MINOR" \
    "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
fi
echo "helm $("$HELM" version --template '{{.Version}}')"
# Keep helm away from the user's repositories and plugins.
export HELM_CACHE_HOME="$WORK/helm/cache" HELM_CONFIG_HOME="$WORK/helm/config" \
  HELM_DATA_HOME="$WORK/helm/data"

VENV="$TOOLS/kubernetes-validate-$KUBERNETES_VALIDATE_VERSION"
PY="$VENV/bin/python"
if [[ ! -x "$PY" ]] || ! "$PY" -c 'import kubernetes_validate, yaml' 2>/dev/null; then
  echo "installing kubernetes-validate $KUBERNETES_VALIDATE_VERSION (PyPI)..."
  rm -rf "$VENV"
  if ! python3 -m venv "$VENV" 2>/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv "$VENV"
  fi
  "$VENV/bin/pip" install -q --disable-pip-version-check \
    "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
fi
echo "kubernetes-validate $("$PY" -c 'import kubernetes_validate; print(kubernetes_validate.__version__)')"

if ! command -v promtool >/dev/null; then
  echo "installing promtool (Debian package prometheus)..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi
echo "promtool $(promtool --version 2>&1 | head -1 | awk '{print $3}')"

COMPOSE_CHECK="$TOOLS/compose-check-$COMPOSE_GO_VERSION/compose-check"
if [[ ! -x "$COMPOSE_CHECK" ]]; then
  echo "building the compose-spec loader (compose-go $COMPOSE_GO_VERSION, Go module proxy)..."
  src="$TOOLS/compose-check-$COMPOSE_GO_VERSION/src"
  rm -rf "$src" && mkdir -p "$src"
  cat >"$src/main.go" <<'EOF'
// Loads a compose file the way `docker compose config` does (compose-spec schema, interpolation,
// merges, depends_on) and fails on the first problem.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	options, err := cli.NewProjectOptions(os.Args[1:], cli.WithOsEnv)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(project.ServiceNames())
}
EOF
  (
    cd "$src"
    go mod init compose-check >/dev/null 2>&1
    go get "github.com/compose-spec/compose-go/v2@$COMPOSE_GO_VERSION" >/dev/null 2>&1
    go mod tidy >/dev/null 2>&1
    GOFLAGS=-buildvcs=false go build -o "$COMPOSE_CHECK" .
  )
fi
echo "compose-go $COMPOSE_GO_VERSION"

# ----------------------------------------------------------------------------------------- helm
step "helm chart"
MONITORING=(--set metrics.serviceMonitor.enabled=true --set metrics.prometheusRule.enabled=true)
FULL=(
  "${MONITORING[@]}"
  --set config.KAFKA_BROKERS=kafka-0.kafka:9092
  --set config.SHELLY_INTEGRATOR_TAG=ITG_ACME
  --set config.KAFKA_TOPIC_PARTITIONS=24
  --set secret.values.DATABASE_URL=postgresql://u:p@db:5432/shelly
  --set secret.values.SHELLY_INTEGRATOR_TOKEN=token
  --set secret.values.API_KEY_PEPPER=0123456789abcdef0123456789abcdef
  --set podDisruptionBudget.minAvailable=0
  --set replicaCount=0
)
EXISTING=(--set secret.existingSecret=shelly-ingest-secrets --set migrations.enabled=false)
# One replica: a PDB that lets a drain evict it, and a zone spread with a selector of its own.
ONE_REPLICA=(
  --set replicaCount=1
  --set podDisruptionBudget.minAvailable=null --set podDisruptionBudget.maxUnavailable=1
  --set 'topologySpreadConstraints[0].maxSkew=1'
  --set 'topologySpreadConstraints[0].topologyKey=topology.kubernetes.io/zone'
  --set 'topologySpreadConstraints[0].whenUnsatisfiable=DoNotSchedule'
  --set 'topologySpreadConstraints[0].labelSelector.matchLabels.tier=ingest'
)

"$HELM" lint --strict "$CHART" >"$WORK/lint.log" 2>&1 || { cat "$WORK/lint.log"; fail "helm lint (defaults)"; }
ok "helm lint --strict (default values)"
"$HELM" lint --strict "$CHART" "${MONITORING[@]}" >"$WORK/lint.log" 2>&1 ||
  { cat "$WORK/lint.log"; fail "helm lint (ServiceMonitor and PrometheusRule on)"; }
ok "helm lint --strict (ServiceMonitor and PrometheusRule on)"

render() { # render <name> <kube version> [helm args...]
  local name=$1 kube=$2
  shift 2
  "$HELM" template shelly-ingest "$CHART" --namespace shelly --kube-version "$kube" "$@" \
    >"$WORK/$name-$kube.yaml" 2>"$WORK/render.log" || { cat "$WORK/render.log"; fail "helm template ($name)"; }
}
for kube in "${KUBE_VERSIONS[@]}"; do
  render defaults "$kube"
  render full "$kube" "${FULL[@]}"
  render existing-secret "$kube" "${EXISTING[@]}"
  render one-replica "$kube" "${ONE_REPLICA[@]}"
done
ok "helm template: defaults, all values set, existingSecret without migrations, one replica"

# values.schema.json must refuse what the chart cannot do.
for bad in "replicaCount=-1" "replicaCount=1.5" "topologySpreadConstraints[0].maxSkew=1" "config.DATABASE_URL=x" "config.HTTP_PORT=9090" "config.MANAGEMENT_PORT=8080" \
  "image.pullPolicy=Sometimes" "config.NODE_OPTIONS=x" "heapPercentOfMemoryLimit=0" "heapPercentOfMemoryLimit=101" \
  "metrics.serviceMonitor.enabeld=true"; do
  if "$HELM" template shelly-ingest "$CHART" --kube-version "${KUBE_VERSIONS[-1]}" --set "$bad" \
    >/dev/null 2>&1; then
    fail "values.schema.json accepted --set $bad"
  fi
done
ok "values.schema.json refuses a negative or fractional replicaCount, an incomplete spread constraint, secrets in config, HTTP_PORT, MANAGEMENT_PORT, NODE_OPTIONS, a heap percentage out of (0, 100], bad enums, typos"

# Several replicas by default: a rolling update that never lowers the serving pods, a PDB that
# keeps one through a drain, a spread across nodes that still schedules on one node. The settings
# of the one-replica rendering come through as given.
"$PY" - "$WORK" "${KUBE_VERSIONS[@]}" <<'EOF'
import os, sys
import yaml

work, versions = sys.argv[1], sys.argv[2:]
problems = []

def objects(name, version):
    docs = [d for d in yaml.safe_load_all(open(os.path.join(work, f"{name}-{version}.yaml"))) if d]
    return {d["kind"]: d for d in docs}

for version in versions:
    defaults = objects("defaults", version)
    deployment, pdb = defaults["Deployment"], defaults.get("PodDisruptionBudget")
    selector = deployment["spec"]["selector"]["matchLabels"]
    if deployment["spec"]["replicas"] != 2:
        problems.append(f"defaults ({version}): replicas {deployment['spec']['replicas']} != 2")
    if deployment["spec"]["strategy"] != {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}:
        problems.append(f"defaults ({version}): strategy {deployment['spec']['strategy']}")
    if not pdb or pdb["spec"] != {"minAvailable": 1, "selector": {"matchLabels": selector}}:
        problems.append(f"defaults ({version}): PodDisruptionBudget {pdb and pdb['spec']}")
    spread = deployment["spec"]["template"]["spec"].get("topologySpreadConstraints")
    if spread != [{"maxSkew": 1, "topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": "ScheduleAnyway",
                   "labelSelector": {"matchLabels": selector}}]:
        problems.append(f"defaults ({version}): topologySpreadConstraints {spread}")

    one = objects("one-replica", version)
    if one["Deployment"]["spec"]["replicas"] != 1:
        problems.append(f"one replica ({version}): replicas")
    if one["PodDisruptionBudget"]["spec"].get("maxUnavailable") != 1 or "minAvailable" in one["PodDisruptionBudget"]["spec"]:
        problems.append(f"one replica ({version}): PodDisruptionBudget {one['PodDisruptionBudget']['spec']}")
    if one["Deployment"]["spec"]["template"]["spec"]["topologySpreadConstraints"] != [
        {"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "DoNotSchedule",
         "labelSelector": {"matchLabels": {"tier": "ingest"}}}
    ]:
        problems.append(f"one replica ({version}): topologySpreadConstraints")
for p in problems:
    print(f"  {p}", file=sys.stderr)
sys.exit(1 if problems else 0)
EOF
ok "defaults: 2 replicas, RollingUpdate with maxSurge 1 and maxUnavailable 0, PDB minAvailable 1, spread across nodes (ScheduleAnyway) on the pods' labels; replicaCount 1 with maxUnavailable 1 and a spread of its own render as given"

# Validates every rendered object against the Kubernetes JSON schema of each version (strict: no
# unknown fields). The prometheus-operator CRDs (ServiceMonitor, PrometheusRule) have no schema
# there: they are skipped, and the PrometheusRule is instead compared with files/alerts.yaml.
"$PY" - "$WORK" "$ALERTS" "${KUBE_VERSIONS[@]}" <<'EOF'
import glob, os, sys
import yaml
import kubernetes_validate
from kubernetes_validate import ValidationError

work, alerts_file, versions = sys.argv[1], sys.argv[2], sys.argv[3:]
alerts = yaml.safe_load(open(alerts_file))
errors, checked, skipped = [], 0, set()
for version in versions:
    for path in sorted(glob.glob(os.path.join(work, f"*-{version}.yaml"))):
        for doc in yaml.safe_load_all(open(path)):
            if not doc:
                continue
            name = f"{os.path.basename(path)}: {doc['kind']}/{doc['metadata']['name']}"
            if doc["apiVersion"].startswith("monitoring.coreos.com/"):
                skipped.add(doc["kind"])
                if doc["kind"] == "PrometheusRule" and doc["spec"] != alerts:
                    errors.append(f"{name}: spec differs from {alerts_file}")
                continue
            try:
                kubernetes_validate.validate(doc, version, strict=True)
                checked += 1
            except ValidationError as error:
                where = ".".join(str(p) for p in error.path)
                errors.append(f"{name} (Kubernetes {version}): {where}: {error.message}")
for error in errors:
    print(f"  {error}", file=sys.stderr)
if errors:
    sys.exit(1)
print(f"ok   {checked} rendered objects valid against the Kubernetes {' and '.join(versions)} schemas (strict)")
print(f"     skipped (CRDs, no schema bundled): {', '.join(sorted(skipped))}; "
      "the PrometheusRule spec equals files/alerts.yaml")
EOF
checks=$((checks + 1))

# The security settings the chart promises, on every container of every rendering.
"$PY" - "$WORK"/*.yaml <<'EOF'
import sys, yaml
problems = []
for path in sys.argv[1:]:
    for doc in yaml.safe_load_all(open(path)):
        if doc and doc["kind"] == "Service":
            ports = {p["name"]: p["targetPort"] for p in doc["spec"]["ports"]}
            component = doc["metadata"]["labels"].get("app.kubernetes.io/component")
            if component == "management":
                if doc["spec"]["type"] != "ClusterIP" or ports != {"management": "management"}:
                    problems.append(f"{path}: management Service is ClusterIP with the management port only")
            elif "management" in ports.values():
                problems.append(f"{path}: Service {doc['metadata']['name']} exposes the management port")
        if doc and doc["kind"] == "ServiceMonitor":
            if doc["spec"]["selector"]["matchLabels"].get("app.kubernetes.io/component") != "management" or \
                    [e["port"] for e in doc["spec"]["endpoints"]] != ["management"]:
                problems.append(f"{path}: ServiceMonitor scrapes the management Service")
        if not doc or doc["kind"] != "Deployment":
            continue
        pod = doc["spec"]["template"]["spec"]
        if pod.get("securityContext", {}).get("runAsNonRoot") is not True:
            problems.append(f"{path}: pod runAsNonRoot")
        containers = pod["containers"] + pod.get("initContainers", [])
        for c in containers:
            sc = c.get("securityContext", {})
            want = {
                "runAsNonRoot": True,
                "readOnlyRootFilesystem": True,
                "allowPrivilegeEscalation": False,
            }
            for key, value in want.items():
                if sc.get(key) is not value:
                    problems.append(f"{path}: {c['name']}: securityContext.{key} != {value}")
            if sc.get("capabilities", {}).get("drop") != ["ALL"]:
                problems.append(f"{path}: {c['name']}: capabilities.drop != [ALL]")
            if sc.get("seccompProfile", {}).get("type") != "RuntimeDefault":
                problems.append(f"{path}: {c['name']}: seccompProfile != RuntimeDefault")
        main = pod["containers"][0]
        probes = [main[p]["httpGet"] for p in ("startupProbe", "livenessProbe", "readinessProbe")]
        if [(p["path"], p["port"]) for p in probes] != [
            ("/health/live", "management"), ("/health/live", "management"), ("/health/ready", "management")
        ]:
            problems.append(f"{path}: probes")
        if {"name": "http", "containerPort": 8080, "protocol": "TCP"} not in main["ports"]:
            problems.append(f"{path}: port http 8080")
        if {"name": "management", "containerPort": 9090, "protocol": "TCP"} not in main["ports"]:
            problems.append(f"{path}: port management 9090")
for p in problems:
    print(f"  {p}", file=sys.stderr)
sys.exit(1 if problems else 0)
EOF
ok "Deployment: non-root, read-only root, no privilege escalation, ALL capabilities dropped, RuntimeDefault seccomp, probes on the management port; only the ClusterIP management Service and the ServiceMonitor reach that port"

# -------------------------------------------------------------------------------------- alerts
step "alert rules"
cmp -s "$ALERTS" deploy/prometheus/alerts.yaml || fail "deploy/prometheus/alerts.yaml is not $ALERTS"
promtool check rules "$ALERTS" >"$WORK/promtool.log" 2>&1 || { cat "$WORK/promtool.log"; fail "promtool check rules"; }
ok "promtool check rules $ALERTS ($(grep -o '[0-9]* rules found' "$WORK/promtool.log"))"
promtool test rules deploy/prometheus/alerts.test.yaml >"$WORK/promtool.log" 2>&1 ||
  { cat "$WORK/promtool.log"; fail "promtool test rules"; }
ok "promtool test rules deploy/prometheus/alerts.test.yaml"

# -------------------------------------------------------------------- metric names everywhere
step "dashboard and metric names"
"$PY" - deploy/grafana/shelly-ingest-dashboard.json "$ALERTS" <<'EOF'
import json, re, sys
import yaml

# The metrics the service exports (the lead's list), plus prom-client's process_*/nodejs_* defaults.
COUNTERS = {
    "shelly_ingest_frames_received_total", "shelly_ingest_events_published_total",
    "shelly_ingest_frames_dead_lettered_total", "shelly_ingest_frames_dropped_total",
    "shelly_ingest_publish_errors_total", "shelly_ingest_session_reconnects_total",
    "shelly_ingest_publish_backpressure_pauses_total", "shelly_ingest_publish_backpressure_seconds_total",
    "shelly_ingest_token_renewals_total", "shelly_ingest_commands_total",
    "shelly_ingest_consent_callbacks_total", "shelly_ingest_records_parked_total",
    "shelly_ingest_records_dropped_total", "shelly_ingest_session_leases_acquired_total",
    "shelly_ingest_session_leases_released_total", "shelly_ingest_device_state_feed_records_total",
    "shelly_ingest_cloud_control_requests_total",
    "shelly_ingest_account_token_renewals_total", "shelly_ingest_account_session_reconnects_total",
}
GAUGES = {"shelly_ingest_buffer_events", "shelly_ingest_buffer_bytes", "shelly_ingest_buffer_capacity_bytes", "shelly_ingest_session_up",
          "shelly_ingest_outbox_depth", "shelly_ingest_outbox_oldest_age_seconds",
          "shelly_ingest_session_keys_owned", "shelly_ingest_session_keys_without_owner",
          "shelly_ingest_device_state_feed_lag_records", "shelly_ingest_device_state_feed_caught_up",
          "shelly_ingest_cloud_control_requests_pending",
          "shelly_ingest_accounts", "shelly_ingest_account_sessions"}
HISTOGRAMS = {"shelly_ingest_publish_duration_seconds", "shelly_ingest_command_duration_seconds",
              "shelly_ingest_session_lease_round_seconds"}
KNOWN = COUNTERS | GAUGES | {h + s for h in HISTOGRAMS for s in ("_bucket", "_sum", "_count")}
KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless",
            "bool", "offset", "inf", "nan", "le"}

def metric_names(expr):
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', "", expr)            # strings
    expr = re.sub(r"\{[^}]*\}", "", expr)                      # label matchers
    expr = re.sub(r"\[[^\]]*\]", "", expr)                     # ranges
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", expr)
    expr = re.sub(r"\$\w+", "", expr)                          # Grafana variables
    names = set()
    for m in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", expr):
        rest = expr[m.end():].lstrip()
        if rest.startswith("(") or m.group(0).lower() in KEYWORDS:
            continue                                           # a function or a keyword
        names.add(m.group(0))
    return names

def allowed(name):
    return name in KNOWN or name.startswith(("process_", "nodejs_"))

dashboard_file, alerts_file = sys.argv[1], sys.argv[2]
dashboard = json.load(open(dashboard_file))
problems, queries, shown, used = [], 0, 0, set()
assert dashboard.get("schemaVersion", 0) >= 36, "schemaVersion"
variables = {v["name"]: v for v in dashboard["templating"]["list"]}
if variables.get("datasource", {}).get("type") != "datasource":
    problems.append("no datasource variable")
ids = set()
def panels(items):
    for p in items:
        yield p
        yield from panels(p.get("panels", []))
for panel in panels(dashboard["panels"]):
    if panel["id"] in ids:
        problems.append(f"duplicate panel id {panel['id']}")
    ids.add(panel["id"])
    if panel["type"] == "row":
        continue
    shown += 1
    if panel.get("datasource", {}).get("uid") != "${datasource}":
        problems.append(f"panel {panel['title']!r}: datasource is not ${{datasource}}")
    if not panel.get("targets"):
        problems.append(f"panel {panel['title']!r} has no query")
    for target in panel.get("targets", []):
        queries += 1
        names = metric_names(target["expr"])
        if not names:
            problems.append(f"panel {panel['title']!r}: no metric in {target['expr']!r}")
        for name in names - {n for n in names if allowed(n)}:
            problems.append(f"panel {panel['title']!r}: unknown metric {name}")
        used |= names
rules = 0
for group in yaml.safe_load(open(alerts_file))["groups"]:
    for rule in group["rules"]:
        rules += 1
        for name in metric_names(rule["expr"]):
            if not allowed(name):
                problems.append(f"alert {rule['alert']}: unknown metric {name}")
for p in problems:
    print(f"  {p}", file=sys.stderr)
if problems:
    sys.exit(1)
unused = sorted(COUNTERS | GAUGES | HISTOGRAMS)
unused = [m for m in unused if not any(u == m or u.startswith(m + "_") for u in used)]
print(f"ok   {dashboard_file}: {queries} queries in {shown} panels use only known metrics"
      + (f" (not shown: {', '.join(unused)})" if unused else " (every service metric is shown)"))
print(f"ok   {alerts_file}: {rules} rules use only known metrics")
EOF
checks=$((checks + 2))

# ------------------------------------------------------------------------------- docker compose
step "docker compose and Dockerfile"
"$PY" -c 'import sys, yaml; yaml.safe_load(open(sys.argv[1]))' deploy/docker-compose.yml ||
  fail "deploy/docker-compose.yml is not YAML"
services="$("$COMPOSE_CHECK" deploy/docker-compose.yml 2>"$WORK/compose.log")" ||
  { cat "$WORK/compose.log"; fail "deploy/docker-compose.yml does not load"; }
ok "deploy/docker-compose.yml parses and loads (compose-spec): services $services"
"$PY" - deploy/docker-compose.yml <<'EOF' || fail "deploy/docker-compose.yml: the replicas"
import sys, yaml
services = yaml.safe_load(open(sys.argv[1]))["services"]
replicas = {name: s for name, s in services.items() if "dist/main.js" in " ".join(s.get("command", []))}
ports = [p.split(":")[1] for s in replicas.values() for p in s["ports"]]
wrong = [n for n, s in replicas.items() if s["environment"].get("REPLICA_URL") != f"http://{n}:8080"]
if len(replicas) != 2 or len(set(ports)) != len(ports) or wrong:
    sys.exit(f"two replicas, each with host ports of its own and REPLICA_URL naming itself: {sorted(replicas)}, ports {ports}, wrong REPLICA_URL {wrong}")
EOF
ok "deploy/docker-compose.yml: two replicas (ingest, ingest-2), each with host ports of its own and REPLICA_URL naming itself"

# Every local COPY source of the Dockerfile exists (the build context is the repository root).
missing=()
while read -r source; do
  [[ -e "$source" ]] || missing+=("$source")
done < <(awk '/^COPY / && !/--from=/ { for (i = 2; i < NF; i++) print $i }' deploy/Dockerfile)
((${#missing[@]} == 0)) || fail "deploy/Dockerfile copies missing paths: ${missing[*]}"
ok "deploy/Dockerfile: every COPY source exists"

# The image runs the Node.js the tests run on.
node_version="$(tr -d '[:space:]' <.node-version)"
grep -q "^ARG NODE_IMAGE=node:$node_version-" deploy/Dockerfile ||
  fail "deploy/Dockerfile: NODE_IMAGE is not node:$node_version-* (.node-version)"
ok "deploy/Dockerfile: built FROM node:$node_version, the version in .node-version"

# ------------------------------------------------------------------ heap from the memory limit
step "heap from the container's memory limit"
# The runtime stage's NODE_OPTIONS, a percentage that Node.js of .node-version accepts ('50%' it
# refuses, though its --help shows that form).
image_node_options="$(awk '/^FROM / { runtime = ($NF == "runtime") }
  runtime && sub(/^ENV NODE_OPTIONS=/, "")' deploy/Dockerfile)"
[[ "$image_node_options" =~ ^--max-old-space-size-percentage=[0-9.]+$ ]] ||
  fail "deploy/Dockerfile: the runtime stage's NODE_OPTIONS is not --max-old-space-size-percentage=<percent>: '$image_node_options'"
bash deploy/local/node.sh env NODE_OPTIONS="$image_node_options" node -e '' >"$WORK/node.log" 2>&1 ||
  { cat "$WORK/node.log"; fail "deploy/Dockerfile: Node.js $node_version refuses NODE_OPTIONS=$image_node_options"; }
ok "deploy/Dockerfile: NODE_OPTIONS=$image_node_options, accepted by Node.js $node_version"

# Every container of every rendering has a memory limit and the image's NODE_OPTIONS; the service
# container also requests memory.
"$PY" - "$image_node_options" "$WORK"/*.yaml <<'EOF'
import sys, yaml
node_options, paths = sys.argv[1], sys.argv[2:]
problems = []
for path in paths:
    for doc in yaml.safe_load_all(open(path)):
        if not doc or doc["kind"] != "Deployment":
            continue
        pod = doc["spec"]["template"]["spec"]
        for c in pod["containers"] + pod.get("initContainers", []):
            env = {e["name"]: e.get("value") for e in c.get("env", [])}
            if env.get("NODE_OPTIONS") != node_options:
                problems.append(f"{path}: {c['name']}: NODE_OPTIONS {env.get('NODE_OPTIONS')!r} != {node_options!r}")
            if "memory" not in c.get("resources", {}).get("limits", {}):
                problems.append(f"{path}: {c['name']}: no memory limit")
        if "memory" not in pod["containers"][0].get("resources", {}).get("requests", {}):
            problems.append(f"{path}: {pod['containers'][0]['name']}: no memory request")
for p in problems:
    print(f"  {p}", file=sys.stderr)
sys.exit(1 if problems else 0)
EOF
ok "helm chart: every container has a memory limit and NODE_OPTIONS=$image_node_options, the service container a memory request"

printf '\ncheck-deploy: all %d checks OK\n' "$checks"
