//! `meta.k8s.io/v1` `Table` output, which `kubectl get` asks for: the server picks the
//! columns and formats the cells. Covers the default columns of the common built-in types
//! and the `additionalPrinterColumns` of custom resources; other types get NAME and AGE.

use serde_json::{Value, json};

use crate::registry::ResourceType;
use crate::util::{age_secs, get_path, human_duration, meta_str};

type CellFn = fn(&Value) -> Value;

struct Column {
    name: &'static str,
    type_: &'static str,
    format: &'static str,
    priority: i64,
    cell: CellFn,
}

const fn col(name: &'static str, type_: &'static str, cell: CellFn) -> Column {
    Column {
        name,
        type_,
        format: "",
        priority: 0,
        cell,
    }
}

fn name(o: &Value) -> Value {
    json!(meta_str(o, "name").unwrap_or(""))
}

fn age(o: &Value) -> Value {
    json!(human_duration(age_secs(meta_str(o, "creationTimestamp"))))
}

fn int_at(o: &Value, path: &str) -> i64 {
    get_path(o, path).and_then(Value::as_i64).unwrap_or(0)
}

fn str_at(o: &Value, path: &str) -> String {
    get_path(o, path)
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

fn count(o: &Value, path: &str) -> i64 {
    match get_path(o, path) {
        Some(Value::Object(m)) => m.len() as i64,
        Some(Value::Array(a)) => a.len() as i64,
        _ => 0,
    }
}

fn pod_ready(o: &Value) -> Value {
    let total = count(o, "spec.containers");
    let ready = get_path(o, "status.containerStatuses")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter(|c| c.get("ready") == Some(&json!(true)))
                .count()
        })
        .unwrap_or(0);
    json!(format!("{ready}/{total}"))
}

fn pod_status(o: &Value) -> Value {
    if meta_str(o, "deletionTimestamp").is_some() {
        return json!("Terminating");
    }
    let phase = str_at(o, "status.phase");
    json!(if phase.is_empty() {
        "Pending".to_string()
    } else {
        phase
    })
}

fn pod_restarts(o: &Value) -> Value {
    let n: i64 = get_path(o, "status.containerStatuses")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|c| c.get("restartCount")?.as_i64())
                .sum()
        })
        .unwrap_or(0);
    json!(n)
}

fn service_ports(o: &Value) -> Value {
    let ports: Vec<String> = get_path(o, "spec.ports")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|p| {
                    let port = p.get("port").and_then(Value::as_i64).unwrap_or(0);
                    let proto = p.get("protocol").and_then(Value::as_str).unwrap_or("TCP");
                    match p.get("nodePort").and_then(Value::as_i64) {
                        Some(np) => format!("{port}:{np}/{proto}"),
                        None => format!("{port}/{proto}"),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    json!(if ports.is_empty() {
        "<none>".to_string()
    } else {
        ports.join(",")
    })
}

fn job_status(o: &Value) -> Value {
    let conds = get_path(o, "status.conditions").and_then(Value::as_array);
    let has = |t: &str| {
        conds.is_some_and(|c| {
            c.iter().any(|c| {
                c.get("type") == Some(&json!(t)) && c.get("status") == Some(&json!("True"))
            })
        })
    };
    json!(if has("Complete") {
        "Complete"
    } else if has("Failed") {
        "Failed"
    } else {
        "Running"
    })
}

fn columns(rt: &ResourceType) -> Vec<Column> {
    let n = col("Name", "string", name);
    let n = Column {
        format: "name",
        ..n
    };
    let a = col("Age", "string", age);
    match (rt.group.as_str(), rt.resource.as_str()) {
        ("", "pods") => vec![
            n,
            col("Ready", "string", pod_ready),
            col("Status", "string", pod_status),
            col("Restarts", "string", pod_restarts),
            a,
            Column {
                priority: 1,
                ..col("IP", "string", |o| {
                    json!(or_none(str_at(o, "status.podIP")))
                })
            },
            Column {
                priority: 1,
                ..col("Node", "string", |o| {
                    json!(or_none(str_at(o, "spec.nodeName")))
                })
            },
        ],
        ("apps", "deployments") => vec![
            n,
            col("Ready", "string", |o| {
                json!(format!(
                    "{}/{}",
                    int_at(o, "status.readyReplicas"),
                    int_at(o, "spec.replicas")
                ))
            }),
            col("Up-to-date", "integer", |o| {
                json!(int_at(o, "status.updatedReplicas"))
            }),
            col("Available", "integer", |o| {
                json!(int_at(o, "status.availableReplicas"))
            }),
            a,
        ],
        ("apps", "replicasets") => vec![
            n,
            col("Desired", "integer", |o| json!(int_at(o, "spec.replicas"))),
            col("Current", "integer", |o| {
                json!(int_at(o, "status.replicas"))
            }),
            col("Ready", "integer", |o| {
                json!(int_at(o, "status.readyReplicas"))
            }),
            a,
        ],
        ("apps", "statefulsets") => vec![
            n,
            col("Ready", "string", |o| {
                json!(format!(
                    "{}/{}",
                    int_at(o, "status.readyReplicas"),
                    int_at(o, "spec.replicas")
                ))
            }),
            a,
        ],
        ("apps", "daemonsets") => vec![
            n,
            col("Desired", "integer", |o| {
                json!(int_at(o, "status.desiredNumberScheduled"))
            }),
            col("Current", "integer", |o| {
                json!(int_at(o, "status.currentNumberScheduled"))
            }),
            col("Ready", "integer", |o| {
                json!(int_at(o, "status.numberReady"))
            }),
            col("Up-to-date", "integer", |o| {
                json!(int_at(o, "status.updatedNumberScheduled"))
            }),
            col("Available", "integer", |o| {
                json!(int_at(o, "status.numberAvailable"))
            }),
            a,
        ],
        ("", "services") => vec![
            n,
            col("Type", "string", |o| json!(str_at(o, "spec.type"))),
            col("Cluster-IP", "string", |o| {
                json!(or_none(str_at(o, "spec.clusterIP")))
            }),
            col("External-IP", "string", |o| {
                let ips: Vec<String> = get_path(o, "status.loadBalancer.ingress")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|i| i.get("ip")?.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default();
                json!(if ips.is_empty() {
                    "<none>".to_string()
                } else {
                    ips.join(",")
                })
            }),
            col("Port(s)", "string", service_ports),
            a,
        ],
        ("", "nodes") => vec![
            n,
            col("Status", "string", |o| {
                let ready = get_path(o, "status.conditions")
                    .and_then(Value::as_array)
                    .and_then(|c| c.iter().find(|c| c.get("type") == Some(&json!("Ready"))))
                    .and_then(|c| c.get("status"))
                    == Some(&json!("True"));
                json!(if ready { "Ready" } else { "NotReady" })
            }),
            col("Roles", "string", |o| {
                let roles: Vec<String> = o
                    .get("metadata")
                    .and_then(|m| m.get("labels"))
                    .and_then(Value::as_object)
                    .map(|l| {
                        l.keys()
                            .filter_map(|k| k.strip_prefix("node-role.kubernetes.io/"))
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default();
                json!(if roles.is_empty() {
                    "<none>".to_string()
                } else {
                    roles.join(",")
                })
            }),
            a,
            col("Version", "string", |o| {
                json!(str_at(o, "status.nodeInfo.kubeletVersion"))
            }),
        ],
        ("", "namespaces") => vec![
            n,
            col("Status", "string", |o| json!(str_at(o, "status.phase"))),
            a,
        ],
        ("", "configmaps") => vec![
            n,
            col("Data", "integer", |o| {
                json!(count(o, "data") + count(o, "binaryData"))
            }),
            a,
        ],
        ("", "secrets") => vec![
            n,
            col("Type", "string", |o| json!(str_at(o, "type"))),
            col("Data", "integer", |o| json!(count(o, "data"))),
            a,
        ],
        ("", "serviceaccounts") => vec![
            n,
            col("Secrets", "integer", |o| json!(count(o, "secrets"))),
            a,
        ],
        ("", "persistentvolumeclaims") => vec![
            n,
            col("Status", "string", |o| json!(str_at(o, "status.phase"))),
            col("Volume", "string", |o| json!(str_at(o, "spec.volumeName"))),
            col("Capacity", "string", |o| {
                json!(str_at(o, "status.capacity.storage"))
            }),
            a,
        ],
        ("batch", "jobs") => vec![
            n,
            col("Status", "string", job_status),
            col("Completions", "string", |o| {
                let want = get_path(o, "spec.completions")
                    .and_then(Value::as_i64)
                    .unwrap_or(1);
                json!(format!("{}/{want}", int_at(o, "status.succeeded")))
            }),
            a,
        ],
        ("batch", "cronjobs") => vec![
            n,
            col("Schedule", "string", |o| json!(str_at(o, "spec.schedule"))),
            col("Suspend", "boolean", |o| {
                json!(
                    get_path(o, "spec.suspend")
                        .and_then(Value::as_bool)
                        .unwrap_or(false)
                )
            }),
            a,
        ],
        ("apiextensions.k8s.io", "customresourcedefinitions") => vec![
            n,
            Column {
                format: "date-time",
                ..col("Created At", "date", |o| {
                    json!(meta_str(o, "creationTimestamp").unwrap_or(""))
                })
            },
        ],
        _ => vec![n, a],
    }
}

fn or_none(s: String) -> String {
    if s.is_empty() { "<none>".into() } else { s }
}

/// The table for `objects` (already filtered), with rows' `object` as the client asked
/// (`includeObject=None|Object|Metadata`, default metadata only).
pub(crate) fn table(
    rt: &ResourceType,
    objects: &[Value],
    rv: &str,
    include: &str,
    cont: Option<&str>,
) -> Value {
    let (defs, cells): (Vec<Value>, Vec<Vec<Value>>) = match rt
        .custom
        .as_ref()
        .filter(|c| !c.printer_columns.is_empty())
    {
        Some(c) => {
            let mut defs = vec![
                json!({"name": "Name", "type": "string", "format": "name", "description": "", "priority": 0}),
            ];
            defs.extend(c.printer_columns.iter().map(|p| {
                json!({"name": p.name, "type": p.type_, "format": p.format, "description": "", "priority": p.priority})
            }));
            let rows = objects
                .iter()
                .map(|o| {
                    let mut row = vec![name(o)];
                    row.extend(c.printer_columns.iter().map(|p| {
                        let v = get_path(o, p.json_path.trim_start_matches('.'))
                            .cloned()
                            .unwrap_or(Value::Null);
                        if p.type_ == "date" {
                            v.as_str()
                                .map(|s| json!(human_duration(age_secs(Some(s)))))
                                .unwrap_or(Value::Null)
                        } else {
                            v
                        }
                    }));
                    row
                })
                .collect();
            (defs, rows)
        }
        None => {
            let cols = columns(rt);
            let defs = cols
                .iter()
                .map(|c| json!({"name": c.name, "type": c.type_, "format": c.format, "description": "", "priority": c.priority}))
                .collect();
            let rows = objects
                .iter()
                .map(|o| cols.iter().map(|c| (c.cell)(o)).collect())
                .collect();
            (defs, rows)
        }
    };
    let rows: Vec<Value> = objects
        .iter()
        .zip(cells)
        .map(|(o, cells)| {
            let object = match include {
                "None" => Value::Null,
                "Object" => o.clone(),
                _ => partial_metadata(o),
            };
            if object.is_null() {
                json!({"cells": cells})
            } else {
                json!({"cells": cells, "object": object})
            }
        })
        .collect();
    let mut meta = json!({"resourceVersion": rv});
    if let Some(c) = cont {
        meta["continue"] = json!(c);
    }
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": meta,
        "columnDefinitions": defs,
        "rows": rows,
    })
}

/// `PartialObjectMetadata`: the object's metadata only.
pub(crate) fn partial_metadata(o: &Value) -> Value {
    json!({
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": o.get("metadata").cloned().unwrap_or_else(|| json!({})),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Registry;

    #[test]
    fn deployment_columns() {
        let reg = Registry::builtin().unwrap();
        let rt = reg.find("apps", "v1", "deployments").unwrap();
        let d = json!({"metadata": {"name": "d", "creationTimestamp": "2020-01-01T00:00:00Z"},
            "spec": {"replicas": 2}, "status": {"readyReplicas": 1, "updatedReplicas": 2, "availableReplicas": 1}});
        let t = table(&rt, &[d], "5", "Metadata", None);
        assert_eq!(t["columnDefinitions"][1]["name"], "Ready");
        assert_eq!(t["rows"][0]["cells"][0], "d");
        assert_eq!(t["rows"][0]["cells"][1], "1/2");
        assert_eq!(t["rows"][0]["object"]["kind"], "PartialObjectMetadata");
    }
}
