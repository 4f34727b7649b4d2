{{- define "chtest.walk" -}}
{{- $p := index . 0 -}}{{- $v := index . 1 -}}
{{- if kindIs "map" $v -}}
{{- range $k, $x := $v }}{{ include "chtest.walk" (list (printf "%s.%s" $p $k) $x) }}{{ end -}}
{{- else if kindIs "slice" $v -}}
{{- range $i, $x := $v }}{{ include "chtest.walk" (list (printf "%s[%d]" $p $i) $x) }}{{ end -}}
{{- else }}
# {{ $p }} {{ printf "%T" $v }}
{{- end -}}
{{- end -}}
