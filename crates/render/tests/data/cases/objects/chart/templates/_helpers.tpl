{{- define "top.name" -}}top-{{ .Values.name }}{{- end -}}
{{- define "shared" -}}from-top{{- end -}}
