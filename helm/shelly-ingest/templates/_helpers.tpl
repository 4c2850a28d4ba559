{{/* Chart name, overridable. */}}
{{- define "shelly-ingest.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name of the release's resources: <release>-<chart> unless the release name already contains the chart name. */}}
{{- define "shelly-ingest.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "shelly-ingest.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "shelly-ingest.selectorLabels" -}}
app.kubernetes.io/name: {{ include "shelly-ingest.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "shelly-ingest.labels" -}}
helm.sh/chart: {{ include "shelly-ingest.chart" . }}
{{ include "shelly-ingest.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "shelly-ingest.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "shelly-ingest.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "shelly-ingest.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{/* Name of the Secret the pods read their secret variables from. */}}
{{- define "shelly-ingest.secretName" -}}
{{- default (include "shelly-ingest.fullname" .) .Values.secret.existingSecret }}
{{- end }}

{{/* The settings the service refuses to start without, which these values leave unset. */}}
{{- define "shelly-ingest.missingSettings" -}}
{{- $missing := list }}
{{- range $key := list "KAFKA_BROKERS" "SHELLY_INTEGRATOR_TAG" }}
{{- if eq (toString (index $.Values.config $key | default "")) "" }}
{{- $missing = append $missing $key }}
{{- end }}
{{- end }}
{{- if not .Values.secret.existingSecret }}
{{- range $key := list "DATABASE_URL" "SHELLY_INTEGRATOR_TOKEN" "API_KEY_PEPPER" }}
{{- if not (index $.Values.secret.values $key) }}
{{- $missing = append $missing $key }}
{{- end }}
{{- end }}
{{- end }}
{{- join ", " $missing }}
{{- end }}

{{/* Container-level securityContext, shared by the service and the migration container. */}}
{{- define "shelly-ingest.containerSecurityContext" -}}
{{- toYaml .Values.securityContext }}
{{- end }}

{{/* Name of the Service of the management port (health, metrics, API document). */}}
{{- define "shelly-ingest.managementName" -}}
{{- printf "%s-management" (include "shelly-ingest.fullname" . | trunc 52 | trimSuffix "-") }}
{{- end }}
