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
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
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
{{- include "llama-server.imageRef" (dict "image" .Values.image "registry" .Values.imageRegistry) }}
{{- end }}

{{/*
An image reference from {repository, tag, digest?} and an optional registry override: imageRegistry replaces the
registry of the repository (its first path segment when that holds a "." or ":" or is localhost), so a mirror
serves every image of the release; a digest pins the bytes (repository:tag@sha256:...).
Usage: include "llama-server.imageRef" (dict "image" .Values.image "registry" .Values.imageRegistry)
*/}}
{{- define "llama-server.imageRef" -}}
{{- $repo := .image.repository -}}
{{- if .registry -}}
{{- $parts := splitList "/" $repo -}}
{{- $first := first $parts -}}
{{- if and (gt (len $parts) 1) (or (contains "." $first) (contains ":" $first) (eq $first "localhost")) -}}
{{- $repo = join "/" (rest $parts) -}}
{{- end -}}
{{- $repo = printf "%s/%s" (trimSuffix "/" .registry) $repo -}}
{{- end -}}
{{- $ref := printf "%s:%s" $repo .image.tag -}}
{{- with .image.digest }}{{ $ref = printf "%s@%s" $ref . }}{{ end -}}
{{- $ref -}}
{{- end }}

{{/*
Name of the PVC holding the model cache.
*/}}
{{- define "llama-server.claimName" -}}
{{- default (printf "%s-models" (include "llama-server.fullname" .)) .Values.persistence.existingClaim }}
{{- end }}

{{/*
The folder of the downloaded model inside the cache volume: one folder per repository and revision
(models--<owner>--<name>--<revision>, as in the Hugging Face cache), so that a new quant or revision never mixes
with the old one and the download init container can remove every other folder before it downloads.
*/}}
{{- define "llama-server.modelFolder" -}}
{{- printf "models--%s--%s" (.Values.model.huggingFaceRepo | replace "/" "--") (.Values.model.revision | default "unpinned") }}
{{- end }}

{{- define "llama-server.modelDir" -}}
{{- printf "/models/gguf/%s" (include "llama-server.modelFolder" .) }}
{{- end }}

{{/*
The file llama-server loads (--model): the first shard of a split GGUF; llama.cpp finds the others beside it.
*/}}
{{- define "llama-server.modelPath" -}}
{{- printf "%s/%s" (include "llama-server.modelDir" .) .Values.model.file }}
{{- end }}

{{/*
Every file of the model as "path size sha256" lines (size 0 and sha256 "-" when unknown): the shards, or the file.
*/}}
{{- define "llama-server.modelParts" -}}
{{- $parts := .Values.model.shards -}}
{{- if not $parts }}
{{- $parts = list (dict "path" .Values.model.file "sizeBytes" .Values.model.sizeBytes "sha256" .Values.model.sha256) -}}
{{- end }}
{{- range $parts }}
{{ .path }} {{ int64 .sizeBytes }} {{ .sha256 | default "-" }}
{{- end }}
{{- end }}

{{/*
The vision projector (model.mmproj): its repository (the model's when "") and revision, its folder in the cache
volume (the model's folder when both match, as for every catalog model that pins one revision), the path passed to
--mmproj, and its one "path size sha256" line for the download init container.
*/}}
{{- define "llama-server.mmprojRepo" -}}
{{- .Values.model.mmproj.huggingFaceRepo | default .Values.model.huggingFaceRepo }}
{{- end }}

{{- define "llama-server.mmprojFolder" -}}
{{- printf "models--%s--%s" (include "llama-server.mmprojRepo" . | replace "/" "--") (.Values.model.mmproj.revision | default "unpinned") }}
{{- end }}

{{- define "llama-server.mmprojPath" -}}
{{- printf "/models/gguf/%s/%s" (include "llama-server.mmprojFolder" .) .Values.model.mmproj.file }}
{{- end }}

{{- define "llama-server.mmprojParts" -}}
{{- with .Values.model.mmproj }}
{{- if .file }}
{{ .file }} {{ int64 .sizeBytes }} {{ .sha256 | default "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The draft model of speculative decoding (model.draft), like the projector: repository, folder, path, download line.
*/}}
{{- define "llama-server.draftRepo" -}}
{{- .Values.model.draft.huggingFaceRepo | default .Values.model.huggingFaceRepo }}
{{- end }}

{{- define "llama-server.draftFolder" -}}
{{- printf "models--%s--%s" (include "llama-server.draftRepo" . | replace "/" "--") (.Values.model.draft.revision | default "unpinned") }}
{{- end }}

{{- define "llama-server.draftPath" -}}
{{- printf "/models/gguf/%s/%s" (include "llama-server.draftFolder" .) .Values.model.draft.file }}
{{- end }}

{{- define "llama-server.draftParts" -}}
{{- with .Values.model.draft }}
{{- if .file }}
{{ .file }} {{ int64 .sizeBytes }} {{ .sha256 | default "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Bytes the pod reads before it serves: the model and, with vision, the projector, with a draft model, the draft.
*/}}
{{- define "llama-server.loadBytes" -}}
{{- add (int64 .Values.model.sizeBytes) (int64 .Values.model.mmproj.sizeBytes) (int64 .Values.model.draft.sizeBytes) }}
{{- end }}

{{/*
Name of the Secret holding the API key ("" = no key): an existing Secret, or the one the chart generates.
*/}}
{{- define "llama-server.apiKeySecret" -}}
{{- if .Values.server.apiKey.existingSecret }}
{{- .Values.server.apiKey.existingSecret }}
{{- else if .Values.server.apiKey.generate }}
{{- printf "%s-api-key" (include "llama-server.fullname" .) }}
{{- end }}
{{- end }}

{{/*
Seconds the first rollout may take (progressDeadlineSeconds): the download of every byte at
model.source.bandwidthMBps, the load from the volume at model.source.loadMBps, and 10 minutes for the image pull and
the rest. An explicit progressDeadlineSeconds wins.
*/}}
{{- define "llama-server.progressDeadlineSeconds" -}}
{{- if .Values.progressDeadlineSeconds }}
{{- int64 .Values.progressDeadlineSeconds }}
{{- else }}
{{- $bytes := int64 (include "llama-server.loadBytes" .) }}
{{- $download := 0 }}
{{- if ne .Values.model.source.mode "prestaged" }}
{{- $download = div $bytes (mul (int64 .Values.model.source.bandwidthMBps) 1000000) }}
{{- end }}
{{- $load := div $bytes (mul (int64 .Values.model.source.loadMBps) 1000000) }}
{{- add $download $load 600 }}
{{- end }}
{{- end }}

{{/*
failureThreshold of the startup probe: an explicit value, else enough periods for loading the file from the volume
(and, in hf mode, for llama-server's own download) plus 5 minutes.
*/}}
{{- define "llama-server.startupFailureThreshold" -}}
{{- if .Values.startupProbe.failureThreshold }}
{{- int64 .Values.startupProbe.failureThreshold }}
{{- else }}
{{- $bytes := int64 (include "llama-server.loadBytes" .) }}
{{- $seconds := add (div $bytes (mul (int64 .Values.model.source.loadMBps) 1000000)) 300 }}
{{- if eq .Values.model.source.mode "hf" }}
{{- $seconds = add $seconds (div $bytes (mul (int64 .Values.model.source.bandwidthMBps) 1000000)) }}
{{- end }}
{{- add (div $seconds (int64 .Values.startupProbe.periodSeconds)) 1 }}
{{- end }}
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
  --host 0.0.0.0 --port P (--model /models/gguf/<dir>/<file> | --hf-repo R --hf-file F when model.source.mode is hf)
  [--mmproj /models/gguf/<dir>/<mmproj> | --mmproj-url <baseUrl>/<repo>/resolve/<revision>/<mmproj> in hf mode, when
  model.mmproj.file is set]
  --alias A --ctx-size --n-gpu-layers --fit off (the layers and context are the plan's; llama-server's own fit would
  only add a dry load at start, then stop at the explicit --n-gpu-layers)
  [--n-cpu-moe N when > 0] [--tensor-split a,b when non-empty] --flash-attn --cache-type-k --cache-type-v
  --parallel --batch-size --ubatch-size [--cache-ram N and --ctx-checkpoints N when >= 0] [--kv-unified when kvUnified]
  [--spec-draft-model /models/gguf/<dir>/<draft> | --spec-draft-hf <repo> --spec-draft-model <draft> in hf mode,
  when model.draft.file is set]
  (--no-mmproj without model.mmproj.file | --no-mmproj-offload when server.mmprojOffload is false)
  [--spec-type draft-simple --spec-draft-n-max N --spec-draft-ngl N --spec-draft-type-k K --spec-draft-type-v V
  with model.draft.file and server.draftNMax > 0]
  [--threads N when > 0]
  [--load-mode M when server.loadMode is set] [--metrics]
  (--jinja | --no-jinja) [--reasoning on|off when server.reasoning is set]
  [--chat-template-kwargs <compact JSON, keys sorted> when non-empty]
  [--api-key-file <file> when an API key Secret is used] then server.extraArgs verbatim.
Every flag exists in common/arg.cpp of the pinned llama.cpp (PinnedLlamaServerFlagsTest checks it).
Numbers go through int64 because Helm reads YAML numbers as float64 (2930000000 would print as 2.93e+09).
*/}}
{{- define "llama-server.args" -}}
{{- $s := .Values.server -}}
{{- $args := list "--host" "0.0.0.0" "--port" (toString (int64 $s.port)) -}}
{{- if eq .Values.model.source.mode "hf" }}
{{- $args = concat $args (list "--hf-repo" .Values.model.huggingFaceRepo "--hf-file" .Values.model.file) -}}
{{- else }}
{{- $args = concat $args (list "--model" (include "llama-server.modelPath" .)) -}}
{{- end }}
{{- with .Values.model.mmproj.file }}
{{- if eq $.Values.model.source.mode "hf" }}
{{- $args = concat $args (list "--mmproj-url" (printf "%s/%s/resolve/%s/%s" ($.Values.model.source.baseUrl | trimSuffix "/") (include "llama-server.mmprojRepo" $) ($.Values.model.mmproj.revision | default "main") .)) -}}
{{- else }}
{{- $args = concat $args (list "--mmproj" (include "llama-server.mmprojPath" $)) -}}
{{- end }}
{{- end }}
{{- with .Values.model.draft.file }}
{{- if eq $.Values.model.source.mode "hf" }}
{{- $args = concat $args (list "--spec-draft-hf" (include "llama-server.draftRepo" $) "--spec-draft-model" .) -}}
{{- else }}
{{- $args = concat $args (list "--spec-draft-model" (include "llama-server.draftPath" $)) -}}
{{- end }}
{{- end }}
{{- $args = concat $args (list "--alias" $s.alias) -}}
{{- $args = concat $args (list "--ctx-size" (toString (int64 $s.ctxSize))) -}}
{{- $args = concat $args (list "--n-gpu-layers" (toString (int64 $s.gpuLayers))) -}}
{{- $args = concat $args (list "--fit" "off") -}}
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
{{- if not .Values.model.mmproj.file }}
{{- $args = append $args "--no-mmproj" -}}
{{- else if not $s.mmprojOffload }}
{{- $args = append $args "--no-mmproj-offload" -}}
{{- end }}
{{- if and .Values.model.draft.file (gt (int64 $s.draftNMax) 0) }}
{{- $args = concat $args (list "--spec-type" "draft-simple" "--spec-draft-n-max" (toString (int64 $s.draftNMax))) -}}
{{- $args = concat $args (list "--spec-draft-ngl" (toString (int64 $s.draftGpuLayers))) -}}
{{- $args = concat $args (list "--spec-draft-type-k" $s.cacheTypeK "--spec-draft-type-v" $s.cacheTypeV) -}}
{{- end }}
{{- if gt (int64 $s.threads) 0 }}
{{- $args = concat $args (list "--threads" (toString (int64 $s.threads))) -}}
{{- end }}
{{- with $s.loadMode }}
{{- $args = concat $args (list "--load-mode" .) -}}
{{- end }}
{{- if $s.metrics }}
{{- $args = append $args "--metrics" -}}
{{- end }}
{{- $args = append $args (ternary "--jinja" "--no-jinja" $s.jinja) -}}
{{- with $s.reasoning }}
{{- $args = concat $args (list "--reasoning" .) -}}
{{- end }}
{{- if $s.chatTemplateKwargs }}
{{- $args = concat $args (list "--chat-template-kwargs" (toJson $s.chatTemplateKwargs)) -}}
{{- end }}
{{- if include "llama-server.apiKeySecret" . }}
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
{{- $messages = append $messages (include "llama-server.validateValues.thinkingKwarg" .) -}}
{{- $messages = append $messages (include "llama-server.validateValues.prometheusRule" .) -}}
{{- $messages = append $messages (include "llama-server.validateValues.grafanaDashboard" .) -}}
{{- $messages = append $messages (include "llama-server.validateValues.modelSource" .) -}}
{{- $messages = append $messages (include "llama-server.validateValues.amdGroups" .) -}}
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

{{/* The pinned llama-server deprecates enable_thinking in --chat-template-kwargs; --reasoning sets it. */}}
{{- define "llama-server.validateValues.thinkingKwarg" -}}
{{- if hasKey .Values.server.chatTemplateKwargs "enable_thinking" -}}
llama-server: server.chatTemplateKwargs.enable_thinking={{ .Values.server.chatTemplateKwargs.enable_thinking }}
    llama-server deprecates enable_thinking in --chat-template-kwargs: remove it and set server.reasoning to "{{ ternary "on" "off" (eq (toString .Values.server.chatTemplateKwargs.enable_thinking) "true") }}".
{{- end -}}
{{- end -}}

{{/* The PrometheusRule reads /metrics series. */}}
{{- define "llama-server.validateValues.prometheusRule" -}}
{{- if and .Values.metrics.prometheusRule.enabled (not .Values.server.metrics) -}}
llama-server: metrics.prometheusRule.enabled=true
    The alerts read llama-server's /metrics series, which exist only with --metrics: set server.metrics to true.
{{- end -}}
{{- end -}}

{{/* The dashboard reads /metrics series. */}}
{{- define "llama-server.validateValues.grafanaDashboard" -}}
{{- if and .Values.metrics.grafanaDashboard.enabled (not .Values.server.metrics) -}}
llama-server: metrics.grafanaDashboard.enabled=true
    The dashboard shows llama-server's /metrics series, which exist only with --metrics: set server.metrics to true.
{{- end -}}
{{- end -}}

{{/* A pre-staged or mirrored file must be pinned: its folder is named after the revision. */}}
{{- define "llama-server.validateValues.modelSource" -}}
{{- if and (eq .Values.model.source.mode "prestaged") (not .Values.model.revision) -}}
llama-server: model.source.mode=prestaged
    A pre-staged file is looked up under its revision: set model.revision to the commit the file was copied from.
{{- end -}}
{{- end -}}

{{/* ROCm opens /dev/kfd and /dev/dri/renderD*, which belong to the node's video and render groups. */}}
{{- define "llama-server.validateValues.amdGroups" -}}
{{- if and .Values.gpu.enabled (eq .Values.gpu.vendor "amd") (not .Values.gpu.supplementalGroups) (not (.Values.podSecurityContext | default dict).supplementalGroups) -}}
llama-server: gpu.supplementalGroups=[]
    An AMD GPU pod runs as user {{ .Values.securityContext.runAsUser }} and needs the node's video and render groups to open /dev/kfd and /dev/dri:
    set gpu.supplementalGroups to their ids (on the node: getent group video render), e.g. [44, 992]. The AMD GPU device
    plugin (amd.com/gpu) must run in the cluster; Prositronic's fleet installs only NVIDIA's.
{{- end -}}
{{- end -}}

{{/* The ServiceMonitor scrapes /metrics, which exists only with --metrics. */}}
{{- define "llama-server.validateValues.serviceMonitor" -}}
{{- if and .Values.metrics.serviceMonitor.enabled (not .Values.server.metrics) -}}
llama-server: metrics.serviceMonitor.enabled=true
    The ServiceMonitor scrapes /metrics, which llama-server serves only with --metrics: set server.metrics to true.
{{- end -}}
{{- end -}}

{{/*
The init container that puts the model into the cache volume before llama-server starts, so that llama-server
loads a local, verified file (--model) and needs no network:
  download   fetch every part from <model.source.baseUrl>/<repo>/resolve/<revision>/<path> (the Hugging Face hub, or
             an internal mirror with the same layout) to <file>.part, check its size and sha256 where the values
             give them, then rename it; a part already in place with the right size was verified when it was renamed.
  prestaged  download nothing: check that every part is in the volume (an operator copied it there) with the right
             size and sha256, and fail with the path to copy it to when it is not.
Before a download, other models' folders under /models/gguf are removed so that the new file fits the volume.
*/}}
{{- define "llama-server.downloadContainer" -}}
{{- $src := .Values.model.source -}}
- name: model
  image: {{ include "llama-server.imageRef" (dict "image" $src.image "registry" .Values.imageRegistry) | quote }}
  imagePullPolicy: {{ $src.image.pullPolicy }}
  {{- with .Values.securityContext }}
  securityContext:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  command: ["/bin/sh", "-c"]
  args:
    - |
      set -eu
      dir="$MODELS_ROOT/gguf/$MODEL_FOLDER"
      mmdir="$MODELS_ROOT/gguf/${MMPROJ_FOLDER:-$MODEL_FOLDER}"
      drdir="$MODELS_ROOT/gguf/${DRAFT_FOLDER:-$MODEL_FOLDER}"
      mkdir -p "$MODELS_ROOT/gguf"
      if [ "$MODE" = download ] && [ "${PRUNE:-true}" = true ]; then
        for old in "$MODELS_ROOT"/gguf/*; do
          if [ -e "$old" ] && [ "$old" != "$dir" ] && [ "$old" != "$mmdir" ] && [ "$old" != "$drdir" ]; then echo "removing $old (another model or revision)"; rm -rf "$old"; fi
        done
      fi
      # fetch DIR REPO REVISION PARTS: every "path size sha256" line of PARTS from REPO at REVISION into DIR
      fetch() {
      dir="$1"; REPO="$2"; REVISION="$3"; MODEL_FOLDER="$(basename "$1")"
      mkdir -p "$dir"
      echo "$4" | while read -r path size sha; do
        [ -n "$path" ] || continue
        dest="$dir/$path"
        if [ -f "$dest" ] && { [ "$size" = 0 ] || [ "$(stat -c %s "$dest")" = "$size" ]; }; then
          if [ "$MODE" = prestaged ] && [ "$sha" != "-" ]; then
            echo "$sha  $dest" | sha256sum -c - || { echo "ERROR: $dest does not have sha256 $sha: copy the file from revision $REVISION again"; exit 1; }
          fi
          echo "$dest is in place"
          continue
        fi
        if [ "$MODE" = prestaged ]; then
          echo "ERROR: $dest is missing or not $size bytes. Air-gapped mode reads a pre-staged file: copy $REPO@$REVISION/$path into the volume at gguf/$MODEL_FOLDER/$path, or set model.source.mode download with model.source.baseUrl pointing at a mirror."
          exit 1
        fi
        mkdir -p "$(dirname "$dest")"
        url="$BASE_URL/$REPO/resolve/$REVISION/$path"
        echo "downloading $url"
        if [ -n "${HF_TOKEN:-}" ]; then
          curl -fL --retry 5 --retry-delay 10 -C - -H "Authorization: Bearer $HF_TOKEN" -o "$dest.part" "$url"
        else
          curl -fL --retry 5 --retry-delay 10 -C - -o "$dest.part" "$url"
        fi
        got="$(stat -c %s "$dest.part")"
        if [ "$size" != 0 ] && [ "$got" != "$size" ]; then
          echo "ERROR: $url gave $got bytes, the catalog says $size"; rm -f "$dest.part"; exit 1
        fi
        if [ "$sha" != "-" ]; then
          echo "$sha  $dest.part" | sha256sum -c - || { echo "ERROR: $url does not have sha256 $sha"; rm -f "$dest.part"; exit 1; }
        else
          echo "WARNING: no sha256 for $path in the catalog: the file is not verified"
        fi
        mv "$dest.part" "$dest"
      done
      }
      fetch "$dir" "$REPO" "$REVISION" "$PARTS"
      if [ -n "$MMPROJ_PARTS" ]; then
        fetch "$mmdir" "$MMPROJ_REPO" "$MMPROJ_REVISION" "$MMPROJ_PARTS"
      fi
      if [ -n "$DRAFT_PARTS" ]; then
        fetch "$drdir" "$DRAFT_REPO" "$DRAFT_REVISION" "$DRAFT_PARTS"
      fi
  env:
    - name: MODE
      value: {{ $src.mode | quote }}
    - name: PRUNE
      value: {{ $src.pruneOtherModels | toString | quote }}
    - name: BASE_URL
      value: {{ $src.baseUrl | trimSuffix "/" | quote }}
    - name: REPO
      value: {{ .Values.model.huggingFaceRepo | quote }}
    - name: REVISION
      value: {{ .Values.model.revision | default "main" | quote }}
    - name: MODELS_ROOT
      value: /models
    - name: MODEL_FOLDER
      value: {{ include "llama-server.modelFolder" . | quote }}
    - name: PARTS
      value: {{ include "llama-server.modelParts" . | trim | quote }}
    - name: MMPROJ_FOLDER
      value: {{ include "llama-server.mmprojFolder" . | quote }}
    - name: MMPROJ_REPO
      value: {{ include "llama-server.mmprojRepo" . | quote }}
    - name: MMPROJ_REVISION
      value: {{ .Values.model.mmproj.revision | default "main" | quote }}
    - name: MMPROJ_PARTS
      value: {{ include "llama-server.mmprojParts" . | trim | quote }}
    - name: DRAFT_FOLDER
      value: {{ include "llama-server.draftFolder" . | quote }}
    - name: DRAFT_REPO
      value: {{ include "llama-server.draftRepo" . | quote }}
    - name: DRAFT_REVISION
      value: {{ .Values.model.draft.revision | default "main" | quote }}
    - name: DRAFT_PARTS
      value: {{ include "llama-server.draftParts" . | trim | quote }}
    - name: HOME
      value: /tmp
    {{- with $src.tokenSecret.name }}
    # The token of a gated repository, for the download only; llama-server never sees it.
    - name: HF_TOKEN
      valueFrom:
        secretKeyRef:
          name: {{ . | quote }}
          key: {{ $src.tokenSecret.key | quote }}
    {{- end }}
  {{- with $src.resources }}
  resources:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  volumeMounts:
    - name: models
      mountPath: /models
    - name: tmp
      mountPath: /tmp
{{- end }}

{{/*
The node-affinity terms (ORed) that say "driver >= gpu.minDriver" in GPU feature discovery's numeric labels
nvidia.com/cuda.driver-version.major/.minor/.revision (for 580.65.06: major 580, minor 65, revision 06). A node selector
term cannot compare versions, so M.m.r becomes: major > M; or major = M and minor > m; or major = M, minor = m and
revision >= r (Gt r-1; Kubernetes reads "06" as 6). A floor with revision 0 needs no revision term, one with minor and
revision 0 only major >= M. Rendered as a JSON list of expression lists; empty when there is no floor.
*/}}
{{- define "llama-server.driverTerms" -}}
{{- $terms := list -}}
{{- if and .Values.gpu.enabled (eq .Values.gpu.vendor "nvidia") .Values.gpu.minDriver -}}
{{- $v := splitList "." .Values.gpu.minDriver -}}
{{- $major := int64 (index $v 0) -}}
{{- $minor := 0 -}}
{{- $revision := 0 -}}
{{- if gt (len $v) 1 }}{{ $minor = int64 (index $v 1) }}{{ end -}}
{{- if gt (len $v) 2 }}{{ $revision = int64 (index $v 2) }}{{ end -}}
{{- $majorKey := "nvidia.com/cuda.driver-version.major" -}}
{{- $minorKey := "nvidia.com/cuda.driver-version.minor" -}}
{{- $revisionKey := "nvidia.com/cuda.driver-version.revision" -}}
{{- $sameMajor := dict "key" $majorKey "operator" "In" "values" (list (toString $major)) -}}
{{- /* the minor as GFD may write it: 5 and 05 */ -}}
{{- $minors := list (toString $minor) -}}
{{- if lt $minor 10 }}{{ $minors = append $minors (printf "%02d" $minor) }}{{ end -}}
{{- if gt $revision 0 -}}
{{- $terms = append $terms (list (dict "key" $majorKey "operator" "Gt" "values" (list (toString $major)))) -}}
{{- $terms = append $terms (list $sameMajor (dict "key" $minorKey "operator" "Gt" "values" (list (toString $minor)))) -}}
{{- $terms = append $terms (list $sameMajor (dict "key" $minorKey "operator" "In" "values" $minors) (dict "key" $revisionKey "operator" "Gt" "values" (list (toString (sub $revision 1))))) -}}
{{- else if gt $minor 0 -}}
{{- $terms = append $terms (list (dict "key" $majorKey "operator" "Gt" "values" (list (toString $major)))) -}}
{{- $terms = append $terms (list $sameMajor (dict "key" $minorKey "operator" "Gt" "values" (list (toString (sub $minor 1))))) -}}
{{- else -}}
{{- $terms = append $terms (list (dict "key" $majorKey "operator" "Gt" "values" (list (toString (sub $major 1))))) -}}
{{- end -}}
{{- end -}}
{{- toJson $terms -}}
{{- end }}

{{/*
Affinity: .Values.affinity, plus a required node affinity for the GPU product when gpu.product is set. GPU feature
discovery renames the product label under sharing: <product>-SHARED with time-slicing and <product>-MIG-<profile>
with MIG (single strategy); both still match. An image that needs a newer driver (gpu.minDriver, 580.65.06 for
CUDA 13) also requires the node's driver labels to be at least that (llama-server.driverTerms): every operator term
is combined with the product expression and with each driver term (the terms are ORed, their expressions ANDed).
*/}}
{{- define "llama-server.affinity" -}}
{{- $affinity := deepCopy (.Values.affinity | default dict) -}}
{{- $expressions := list -}}
{{- if and .Values.gpu.enabled .Values.gpu.product -}}
{{- $products := list .Values.gpu.product -}}
{{- if .Values.gpu.acceptShared }}
{{- $products = append $products (printf "%s-SHARED" .Values.gpu.product) -}}
{{- end }}
{{- range .Values.gpu.migProfiles }}
{{- $products = append $products (printf "%s-MIG-%s" $.Values.gpu.product .) -}}
{{- end }}
{{- $key := ternary "nvidia.com/gpu.product" "amd.com/gpu.product-name" (eq .Values.gpu.vendor "nvidia") -}}
{{- $expressions = append $expressions (dict "key" $key "operator" "In" "values" $products) -}}
{{- end -}}
{{- $driverTerms := include "llama-server.driverTerms" . | fromJsonArray -}}
{{- if or $expressions $driverTerms -}}
{{- $node := get $affinity "nodeAffinity" | default dict -}}
{{- $required := get $node "requiredDuringSchedulingIgnoredDuringExecution" | default dict -}}
{{- $terms := get $required "nodeSelectorTerms" | default (list (dict)) -}}
{{- $merged := list -}}
{{- range $t := $terms }}
{{- $base := concat ($t.matchExpressions | default list) $expressions -}}
{{- if $driverTerms }}
{{- range $dt := $driverTerms }}
{{- $term := deepCopy $t -}}
{{- $_ := set $term "matchExpressions" (concat $base $dt) -}}
{{- $merged = append $merged $term -}}
{{- end }}
{{- else }}
{{- $term := deepCopy $t -}}
{{- $_ := set $term "matchExpressions" $base -}}
{{- $merged = append $merged $term -}}
{{- end }}
{{- end }}
{{- $_ := set $required "nodeSelectorTerms" $merged -}}
{{- $_ := set $node "requiredDuringSchedulingIgnoredDuringExecution" $required -}}
{{- $_ := set $affinity "nodeAffinity" $node -}}
{{- end -}}
{{- if $affinity }}
{{- toYaml $affinity }}
{{- end }}
{{- end }}
