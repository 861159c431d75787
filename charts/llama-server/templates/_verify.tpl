{{/*
The free-memory preflight init container (verify.enabled, NVIDIA GPU values with verify.gpuNeedBytes): runs
files/gpu-preflight.sh (the same script as the Ansible role's ExecStartPre) in the llama.cpp image, on the GPUs the
pod is given, and refuses to start the server, with the numbers, when nvidia-smi reports less free memory than the
plan's need plus its reserve.
*/}}
{{- define "llama-server.verifyPreflight" -}}
{{- $needs := list -}}
{{- range .Values.verify.gpuNeedBytes }}{{ $needs = append $needs (toString (int64 .)) }}{{ end -}}
- name: gpu-preflight
  image: {{ include "llama-server.image" . | quote }}
  imagePullPolicy: {{ .Values.image.pullPolicy }}
  command: ["/bin/sh", "-c"]
  args:
    - {{ .Files.Get "files/gpu-preflight.sh" | quote }}
    - gpu-preflight
    - {{ include "llama-server.fullname" . | quote }}
    - {{ join "," $needs | quote }}
    - {{ toString (int64 .Values.verify.gpuReserveBytes) | quote }}
  {{- with .Values.securityContext }}
  securityContext:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  resources:
    requests:
      cpu: 10m
      memory: 16Mi
    limits:
      memory: 64Mi
      {{ .Values.gpu.resourceName }}: {{ int64 .Values.gpu.count }}
{{- end }}

{{/* The context per slot /props must report: verify.ctxPerSlot, else ctxSize (kvUnified) or ctxSize / parallel. */}}
{{- define "llama-server.verifyCtxPerSlot" -}}
{{- if gt (int64 .Values.verify.ctxPerSlot) 0 -}}
{{ int64 .Values.verify.ctxPerSlot }}
{{- else if .Values.server.kvUnified -}}
{{ int64 .Values.server.ctxSize }}
{{- else -}}
{{ div (int64 .Values.server.ctxSize) (int64 .Values.server.parallel) }}
{{- end -}}
{{- end }}
