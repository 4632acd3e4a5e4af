{{- define "hostbaseline.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "hostbaseline.fullname" -}}
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

{{- define "hostbaseline.namespace" -}}
{{- default .Release.Namespace .Values.namespaceOverride }}
{{- end }}

{{- define "hostbaseline.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "hostbaseline.selectorLabels" -}}
app.kubernetes.io/name: {{ include "hostbaseline.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "hostbaseline.labels" -}}
helm.sh/chart: {{ include "hostbaseline.chart" . }}
{{ include "hostbaseline.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: metrics
app.kubernetes.io/part-of: {{ include "hostbaseline.name" . }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "hostbaseline.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "hostbaseline.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "hostbaseline.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag -}}
{{- if .Values.image.digest -}}
{{- printf "%s/%s@%s" .Values.image.registry .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s/%s:%s" .Values.image.registry .Values.image.repository $tag -}}
{{- end -}}
{{- end }}

{{/* Namespace of an optional monitoring object: its own override, else the release's. */}}
{{- define "hostbaseline.objectNamespace" -}}
{{- default (include "hostbaseline.namespace" .root) .ns }}
{{- end }}

{{/*
The container security context of the values, with NET_ADMIN added when the firewall
collector is enabled (the kernel dumps netfilter rules only to that capability).
*/}}
{{- define "hostbaseline.containerSecurityContext" -}}
{{- $sc := deepCopy (.Values.containerSecurityContext | default dict) -}}
{{- if .Values.firewall.enabled -}}
{{- $caps := $sc.capabilities | default dict -}}
{{- $_ := set $caps "add" (append ($caps.add | default list) "NET_ADMIN" | uniq) -}}
{{- $_ := set $sc "capabilities" $caps -}}
{{- end -}}
{{- toYaml $sc -}}
{{- end -}}

{{/*
One ServiceMonitor endpoint: root, m (prometheus.monitor), interval, scrapeTimeout, params
(query parameters), relabelings.
*/}}
{{- define "hostbaseline.monitorEndpoint" -}}
{{- $m := .m -}}
- port: {{ .root.Values.service.portName }}
  scheme: {{ $m.scheme }}
  {{- with .interval }}
  interval: {{ . }}
  {{- end }}
  {{- with .scrapeTimeout }}
  scrapeTimeout: {{ . }}
  {{- end }}
  {{- with .params }}
  params:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $m.tlsConfig }}
  tlsConfig:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $m.basicAuth }}
  basicAuth:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .relabelings }}
  relabelings:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $m.metricRelabelings }}
  metricRelabelings:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}
