//! Moving data between the chart/render types and helm's release record.

use charthouse_chart::Chart;
use charthouse_release::chart::{self as record, ChartRecord};
use charthouse_release::{GoTime, Hook, HookDeletePolicy, HookEvent, HookOutputLogPolicy};
use serde_json::{Map, Value};

use crate::{Error, Result};

/// A template-side map as JSON (the record's `config`, the chart's `values`).
///
/// # Errors
///
/// Values JSON cannot represent (never produced by YAML or `--set`).
pub fn values_to_json(values: &charthouse_goyaml::Map) -> Result<Map<String, Value>> {
    let text = charthouse_goyaml::json_marshal(&charthouse_goyaml::Value::Map(values.clone()))
        .map_err(|e| Error::Invalid(format!("values cannot be stored as JSON: {e}")))?;
    match serde_json::from_str(&text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Ok(Map::new()),
        Err(e) => Err(Error::Invalid(format!(
            "values cannot be stored as JSON: {e}"
        ))),
    }
}

/// A record's JSON map back as template values, read as Go's `encoding/json` reads it
/// into `map[string]any` (numbers become float64), as helm does with stored config.
pub fn json_to_values(map: &Map<String, Value>) -> charthouse_goyaml::Map {
    let text = serde_json::to_vec(&Value::Object(map.clone())).unwrap_or_default();
    charthouse_goyaml::json_unmarshal_map(&text)
        .0
        .unwrap_or_default()
}

/// The chart as helm stores it in a release: metadata, lock, templates, values, schema
/// and files of the top chart (helm does not serialize subcharts).
///
/// # Errors
///
/// Values that cannot be stored as JSON.
pub fn chart_record(chart: &Chart) -> Result<ChartRecord> {
    let file = |f: &charthouse_chart::File| record::File {
        name: f.name.clone(),
        data: Some(f.data.clone()),
        ..Default::default()
    };
    let m = &chart.metadata;
    let metadata = record::Metadata {
        name: m.name.clone(),
        home: m.home.clone(),
        sources: m.sources.clone(),
        version: m.version.clone(),
        description: m.description.clone(),
        keywords: m.keywords.clone(),
        maintainers: m
            .maintainers
            .iter()
            .flatten()
            .map(|x| record::Maintainer {
                name: x.name.clone(),
                email: x.email.clone(),
                url: x.url.clone(),
                ..Default::default()
            })
            .collect(),
        icon: m.icon.clone(),
        api_version: m.api_version.clone(),
        condition: m.condition.clone(),
        tags: m.tags.clone(),
        app_version: m.app_version.clone(),
        deprecated: m.deprecated,
        annotations: m
            .annotations
            .clone()
            .unwrap_or_default()
            .into_iter()
            .collect(),
        kube_version: m.kube_version.clone(),
        dependencies: m
            .dependencies
            .iter()
            .flatten()
            .map(dependency)
            .collect::<Result<_>>()?,
        chart_type: m.chart_type.clone(),
        ..Default::default()
    };
    let lock = match &chart.lock {
        Some(l) => Some(record::Lock {
            generated: serde_json::from_value(Value::String(l.generated.clone()))
                .unwrap_or_default(),
            digest: l.digest.clone(),
            dependencies: Some(
                l.dependencies
                    .iter()
                    .flatten()
                    .map(dependency)
                    .collect::<Result<_>>()?,
            ),
            ..Default::default()
        }),
        None => None,
    };
    Ok(ChartRecord {
        metadata: Some(metadata),
        lock,
        // Go's loader appends to nil slices, so a chart without templates or extra files
        // stores `null`, not `[]` (helm `pkg/chart/v2/loader/load.go`).
        templates: non_empty(chart.templates.iter().map(file).collect()),
        values: Some(values_to_json(&chart.values)?),
        schema: chart.schema.clone(),
        schemamodtime: GoTime::zero(),
        files: non_empty(chart.files.iter().map(file).collect()),
        modtime: None,
        extra: Map::new(),
    })
}

/// `None` for an empty list, as a nil Go slice marshals to `null`.
fn non_empty<T>(items: Vec<T>) -> Option<Vec<T>> {
    if items.is_empty() { None } else { Some(items) }
}

fn dependency(d: &charthouse_chart::Dependency) -> Result<record::Dependency> {
    let import_values = d
        .import_values
        .iter()
        .map(|v| {
            let text = charthouse_goyaml::json_marshal(v)
                .map_err(|e| Error::Invalid(format!("import-values cannot be stored: {e}")))?;
            serde_json::from_str(&text)
                .map_err(|e| Error::Invalid(format!("import-values cannot be stored: {e}")))
        })
        .collect::<Result<Vec<Value>>>()?;
    Ok(record::Dependency {
        name: d.name.clone(),
        version: d.version.clone(),
        repository: d.repository.clone(),
        condition: d.condition.clone(),
        tags: d.tags.clone(),
        enabled: d.enabled,
        import_values,
        alias: d.alias.clone(),
        ..Default::default()
    })
}

/// A rendered hook as helm records it (`LastRun` empty until it runs).
pub fn hook_record(h: &charthouse_render::manifest::Hook) -> Hook {
    Hook {
        name: h.name.clone(),
        kind: h.kind.clone(),
        path: h.path.clone(),
        manifest: h.manifest.clone(),
        events: h
            .events
            .iter()
            .map(|e| HookEvent::from(e.as_str()))
            .collect(),
        weight: h.weight,
        delete_policies: h
            .delete_policies
            .iter()
            .map(|p| HookDeletePolicy::from(p.as_str()))
            .collect(),
        output_log_policies: h
            .output_log_policies
            .iter()
            .map(|p| HookOutputLogPolicy::from(p.as_str()))
            .collect(),
        ..Default::default()
    }
}
