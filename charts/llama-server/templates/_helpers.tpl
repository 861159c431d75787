{{/*
Expand the name of the chart.
*/}}
{{- define "llama-server.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Create a default fully qualified app name.
Truncated at 63 characters because some Kubernetes name fields are limited to this (DNS-1123).
If the release name contains the chart name it is used as the full name.
*/}}
{{- define "llama-server.fullname" -}}
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

{{/*
Chart name and version as used by the helm.sh/chart label.
*/}}
{{- define "llama-server.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels. app.kubernetes.io/version is the image tag, i.e. the llama.cpp build that actually runs.
*/}}
{{- define "llama-server.labels" -}}
helm.sh/chart: {{ include "llama-server.chart" . }}
{{ include "llama-server.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/component: server
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Selector labels: only name and instance, because Deployment selectors are immutable.
*/}}
{{- define "llama-server.selectorLabels" -}}
app.kubernetes.io/name: {{ include "llama-server.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Name of the service account to use.
*/}}
{{- define "llama-server.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "llama-server.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Full image reference.
*/}}
{{- define "llama-server.image" -}}
{{- printf "%s:%s" .Values.image.repository .Values.image.tag }}
{{- end }}

{{/*
Name of the PVC holding the model cache.
*/}}
{{- define "llama-server.claimName" -}}
{{- default (printf "%s-models" (include "llama-server.fullname" .)) .Values.persistence.existingClaim }}
{{- end }}

{{/*
Where the API key Secret is mounted, and the file passed to --api-key-file.
*/}}
{{- define "llama-server.apiKeyDir" -}}
/etc/llama-server/api-key
{{- end }}

{{- define "llama-server.apiKeyFile" -}}
{{- printf "%s/api-key" (include "llama-server.apiKeyDir" .) }}
{{- end }}

{{/*
True ("true") when the KV cache type is a quantized one (anything but f16/bf16/f32).
Usage: include "llama-server.isQuantizedCacheType" "q8_0"
*/}}
{{- define "llama-server.isQuantizedCacheType" -}}
{{- if not (has . (list "f16" "bf16" "f32")) }}true{{ end }}
{{- end }}

{{/*
The llama-server argument list, rendered as a YAML list of quoted strings (the image entrypoint is
/app/llama-server, so these are the container args). Order:
  --host 0.0.0.0 --port P --hf-repo R --hf-file F --alias A --ctx-size --n-gpu-layers
  [--n-cpu-moe N when > 0] [--tensor-split a,b when non-empty] --flash-attn --cache-type-k --cache-type-v
  --parallel --batch-size --ubatch-size [--cache-ram N and --ctx-checkpoints N when >= 0] [--kv-unified when kvUnified] [--threads N when > 0] [--no-mmap when mmap false] [--metrics]
  (--jinja | --no-jinja) [--chat-template-kwargs <compact JSON, keys sorted> when non-empty]
  [--api-key-file <file> when server.apiKey.existingSecret is set] then server.extraArgs verbatim.
Numbers go through int64 because Helm reads YAML numbers as float64 (2930000000 would print as 2.93e+09).
*/}}
{{- define "llama-server.args" -}}
{{- $s := .Values.server -}}
{{- $args := list "--host" "0.0.0.0" "--port" (toString (int64 $s.port)) -}}
{{- $args = concat $args (list "--hf-repo" .Values.model.huggingFaceRepo "--hf-file" .Values.model.file) -}}
{{- $args = concat $args (list "--alias" $s.alias) -}}
{{- $args = concat $args (list "--ctx-size" (toString (int64 $s.ctxSize))) -}}
{{- $args = concat $args (list "--n-gpu-layers" (toString (int64 $s.gpuLayers))) -}}
{{- if gt (int64 $s.nCpuMoe) 0 }}
{{- $args = concat $args (list "--n-cpu-moe" (toString (int64 $s.nCpuMoe))) -}}
{{- end }}
{{- if $s.tensorSplit }}
{{- $split := list -}}
{{- range $s.tensorSplit }}
{{- $split = append $split (toString (int64 .)) -}}
{{- end }}
{{- $args = concat $args (list "--tensor-split" (join "," $split)) -}}
{{- end }}
{{- $args = concat $args (list "--flash-attn" $s.flashAttn) -}}
{{- $args = concat $args (list "--cache-type-k" $s.cacheTypeK "--cache-type-v" $s.cacheTypeV) -}}
{{- $args = concat $args (list "--parallel" (toString (int64 $s.parallel))) -}}
{{- $args = concat $args (list "--batch-size" (toString (int64 $s.batchSize))) -}}
{{- $args = concat $args (list "--ubatch-size" (toString (int64 $s.ubatchSize))) -}}
{{- if ge (int64 $s.cacheRamMiB) 0 }}
{{- $args = concat $args (list "--cache-ram" (toString (int64 $s.cacheRamMiB))) -}}
{{- end }}
{{- if ge (int64 $s.ctxCheckpoints) 0 }}
{{- $args = concat $args (list "--ctx-checkpoints" (toString (int64 $s.ctxCheckpoints))) -}}
{{- end }}
{{- if $s.kvUnified }}
{{- $args = append $args "--kv-unified" -}}
{{- end }}
{{- if gt (int64 $s.threads) 0 }}
{{- $args = concat $args (list "--threads" (toString (int64 $s.threads))) -}}
{{- end }}
{{- if not $s.mmap }}
{{- $args = append $args "--no-mmap" -}}
{{- end }}
{{- if $s.metrics }}
{{- $args = append $args "--metrics" -}}
{{- end }}
{{- $args = append $args (ternary "--jinja" "--no-jinja" $s.jinja) -}}
{{- if $s.chatTemplateKwargs }}
{{- $args = concat $args (list "--chat-template-kwargs" (toJson $s.chatTemplateKwargs)) -}}
{{- end }}
{{- if $s.apiKey.existingSecret }}
{{- $args = concat $args (list "--api-key-file" (include "llama-server.apiKeyFile" .)) -}}
{{- end }}
{{- range $s.extraArgs }}
{{- $args = append $args (toString .) -}}
{{- end }}
{{- range $args }}
- {{ . | quote }}
{{- end }}
{{- end }}

{{/*
Cross-field validation. Every message starts with "VALUES VALIDATION:"; all problems are reported at once.
Called from NOTES.txt and deployment.yaml so that `helm template`, `helm lint` and `helm install` all fail.
*/}}
{{- define "llama-server.validateValues" -}}
{{- $messages := list -}}
{{- $messages = append $messages (include "llama-server.validateValues.cacheTypeV" .) -}}
{{- $messages = append $messages (include "llama-server.validateValues.gpuCount" .) -}}
{{- $messages = append $messages (include "llama-server.validateValues.gpuResourceName" .) -}}
{{- $messages = append $messages (include "llama-server.validateValues.tensorSplit" .) -}}
{{- $messages = append $messages (include "llama-server.validateValues.ubatchSize" .) -}}
{{- $messages = append $messages (include "llama-server.validateValues.chatTemplateKwargs" .) -}}
{{- $messages = append $messages (include "llama-server.validateValues.serviceMonitor" .) -}}
{{- $messages = without $messages "" -}}
{{- $message := join "\n" $messages -}}
{{- if $message -}}
{{-   printf "\nVALUES VALIDATION:\n%s" $message | fail -}}
{{- end -}}
{{- end -}}

{{/* A quantized V cache needs flash attention. */}}
{{- define "llama-server.validateValues.cacheTypeV" -}}
{{- if and (include "llama-server.isQuantizedCacheType" .Values.server.cacheTypeV) (eq .Values.server.flashAttn "off") -}}
llama-server: server.cacheTypeV={{ .Values.server.cacheTypeV }}
    A quantized V cache requires flash attention. Set server.flashAttn to "on" or "auto", or server.cacheTypeV to f16/bf16.
{{- end -}}
{{- end -}}

{{/* gpu.enabled needs at least one GPU. */}}
{{- define "llama-server.validateValues.gpuCount" -}}
{{- if and .Values.gpu.enabled (lt (int64 .Values.gpu.count) 1) -}}
llama-server: gpu.count={{ int64 .Values.gpu.count }}
    gpu.enabled is true, so gpu.count must be at least 1.
{{- end -}}
{{- end -}}

{{/* The extended resource must belong to the vendor. */}}
{{- define "llama-server.validateValues.gpuResourceName" -}}
{{- if .Values.gpu.enabled -}}
{{- $prefix := printf "%s.com/" .Values.gpu.vendor -}}
{{- if not (hasPrefix $prefix .Values.gpu.resourceName) -}}
llama-server: gpu.resourceName={{ .Values.gpu.resourceName }}
    gpu.vendor is {{ .Values.gpu.vendor }}, so gpu.resourceName must start with "{{ $prefix }}" (e.g. {{ $prefix }}gpu).
{{- end -}}
{{- end -}}
{{- end -}}

{{/* A tensor split needs GPUs, one proportion per GPU, and a non-zero total. */}}
{{- define "llama-server.validateValues.tensorSplit" -}}
{{- $split := .Values.server.tensorSplit -}}
{{- if $split -}}
{{- $total := 0 -}}
{{- range $split }}{{ $total = add $total (int64 .) }}{{ end -}}
{{- if not .Values.gpu.enabled -}}
llama-server: server.tensorSplit={{ toJson $split }}
    A tensor split needs GPUs: set gpu.enabled to true, or server.tensorSplit to [].
{{- else if ne (len $split) (int (int64 .Values.gpu.count)) -}}
llama-server: server.tensorSplit={{ toJson $split }}
    server.tensorSplit has {{ len $split }} entries but gpu.count is {{ int64 .Values.gpu.count }}; give one proportion per GPU.
{{- else if eq (int64 $total) 0 -}}
llama-server: server.tensorSplit={{ toJson $split }}
    At least one proportion of server.tensorSplit must be greater than 0.
{{- end -}}
{{- end -}}
{{- end -}}

{{/* llama.cpp clamps ubatch to batch; a larger ubatch is a generator bug. */}}
{{- define "llama-server.validateValues.ubatchSize" -}}
{{- if gt (int64 .Values.server.ubatchSize) (int64 .Values.server.batchSize) -}}
llama-server: server.ubatchSize={{ int64 .Values.server.ubatchSize }}
    server.ubatchSize must not exceed server.batchSize ({{ int64 .Values.server.batchSize }}).
{{- end -}}
{{- end -}}

{{/* Chat template kwargs only reach Jinja templates. */}}
{{- define "llama-server.validateValues.chatTemplateKwargs" -}}
{{- if and .Values.server.chatTemplateKwargs (not .Values.server.jinja) -}}
llama-server: server.chatTemplateKwargs={{ toJson .Values.server.chatTemplateKwargs }}
    Chat template kwargs are only applied by the Jinja template engine: set server.jinja to true, or server.chatTemplateKwargs to {}.
{{- end -}}
{{- end -}}

{{/* The ServiceMonitor scrapes /metrics, which exists only with --metrics. */}}
{{- define "llama-server.validateValues.serviceMonitor" -}}
{{- if and .Values.metrics.serviceMonitor.enabled (not .Values.server.metrics) -}}
llama-server: metrics.serviceMonitor.enabled=true
    The ServiceMonitor scrapes /metrics, which llama-server serves only with --metrics: set server.metrics to true.
{{- end -}}
{{- end -}}
