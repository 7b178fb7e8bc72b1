//! JSON-LD safe mode (VC Data Integrity §4, as Digital Bazaar's jsonld.js `safe: true` does it, and stricter on
//! keys): anything in a document that its canonical RDF — what a proof signs — would not carry is refused with a
//! named reason, instead of being silently dropped while the JSON still shows it.
//!
//! Two passes: one over the JSON as written (keys that are IRIs or unknown keywords, null `@id` / `@value`,
//! objects with only `@language`, `@direction`, free-floating values at the top), and one over the expanded form
//! (relative or malformed IRIs as ids, types, properties or datatypes; blank-node properties).

use serde_json::Value;
use ssi::json_ld::json_ld::iref::Iri;

use super::vocab::vocab;

/// JSON-LD 1.1 keywords (a key starting with `@` that is not one of these is dropped by expansion).
const KEYWORDS: &[&str] = &[
    "@base",
    "@container",
    "@context",
    "@direction",
    "@graph",
    "@id",
    "@import",
    "@included",
    "@index",
    "@json",
    "@language",
    "@list",
    "@nest",
    "@none",
    "@prefix",
    "@propagate",
    "@protected",
    "@reverse",
    "@set",
    "@type",
    "@value",
    "@version",
    "@vocab",
];

fn short(s: &str) -> String {
    let mut out: String = s.chars().take(80).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// Terms the document's own inline contexts make JSON literals (their values are data, not JSON-LD).
fn inline_json_terms(ctx: &Value, out: &mut Vec<String>) {
    match ctx {
        Value::Array(items) => items.iter().for_each(|i| inline_json_terms(i, out)),
        Value::Object(map) => {
            for (term, def) in map {
                if def.get("@type").and_then(Value::as_str) == Some("@json") {
                    out.push(term.clone());
                }
                if let Some(inner) = def.get("@context") {
                    inline_json_terms(inner, out);
                }
            }
        }
        _ => {}
    }
}

/// The pass over the JSON as written. `Err` names the first thing the signature would not cover as shown.
pub(crate) fn check_written(doc: &Value) -> Result<(), String> {
    let mut json_terms = Vec::new();
    collect_contexts(doc, &mut |c| inline_json_terms(c, &mut json_terms));
    if let Some(Value::Array(graph)) = doc.get("@graph") {
        for item in graph {
            free_floating(item)?;
        }
    }
    walk(doc, &json_terms, 0)
}

fn collect_contexts(v: &Value, f: &mut dyn FnMut(&Value)) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "@context" {
                    f(v);
                } else {
                    collect_contexts(v, f);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect_contexts(i, f)),
        _ => {}
    }
}

/// What JSON-LD drops at the top of a graph: scalars, empty objects, bare references, top-level values and lists.
fn free_floating(item: &Value) -> Result<(), String> {
    let what = match item {
        Value::Object(m) => {
            let keys: Vec<&str> = m
                .keys()
                .map(String::as_str)
                .filter(|k| *k != "@context")
                .collect();
            if keys.is_empty() {
                Some("an empty object".to_owned())
            } else if keys.iter().all(|k| matches!(*k, "id" | "@id")) {
                Some(format!("a bare reference to {}", short(&id_text(m))))
            } else if keys.iter().any(|k| matches!(*k, "@value" | "@list")) {
                Some("a value outside any node".to_owned())
            } else {
                None
            }
        }
        Value::Array(_) => None,
        scalar => Some(format!("the value {}", short(&scalar.to_string()))),
    };
    match what {
        Some(w) => Err(format!("{w} stands alone in the graph, where JSON-LD drops it")),
        None => Ok(()),
    }
}

fn id_text(m: &serde_json::Map<String, Value>) -> String {
    m.get("id")
        .or_else(|| m.get("@id"))
        .map(|v| v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string()))
        .unwrap_or_default()
}

fn walk(v: &Value, json_terms: &[String], depth: usize) -> Result<(), String> {
    if depth > 256 {
        return Err("the document is nested too deeply".into());
    }
    match v {
        Value::Array(items) => {
            for item in items {
                walk(item, json_terms, depth + 1)?;
            }
            Ok(())
        }
        Value::Object(map) => {
            if map.len() == 1 && map.contains_key("@language") {
                return Err("an object holds only @language, which JSON-LD drops".into());
            }
            for (key, value) in map {
                if key == "@context" {
                    continue;
                }
                if key.starts_with('@') {
                    if !KEYWORDS.contains(&key.as_str()) {
                        return Err(format!(
                            "\"{}\" is not a JSON-LD keyword, so JSON-LD drops it",
                            short(key)
                        ));
                    }
                    if key == "@direction" {
                        return Err("a text direction (@direction) has no place in the signed RDF".into());
                    }
                    if matches!(key.as_str(), "@id" | "@value") && value.is_null() {
                        return Err(format!("a null {key}, which JSON-LD drops"));
                    }
                } else if key.contains(':') {
                    return Err(format!(
                        "the key \"{}\" is written as an IRI, not as a term its contexts define",
                        short(key)
                    ));
                } else if key == "id" && value.is_null() {
                    return Err("a null id, which JSON-LD drops".into());
                }
                // A JSON literal is data, not JSON-LD: its keys are not terms.
                if json_terms.iter().any(|t| t == key) || vocab().is_json_term(key) {
                    continue;
                }
                walk(value, json_terms, depth + 1)?;
            }
            Ok(())
        }
        Value::Number(n) => match inexact_integer(n) {
            Some(signed) => Err(format!(
                "the number {} is read by JSON-LD as {signed} (a double cannot hold it), so the signature would not \
                 cover the number shown",
                short(&n.to_string())
            )),
            None => Ok(()),
        },
        _ => Ok(()),
    }
}

/// An integer written in the JSON that JSON-LD (which reads numbers as doubles, as JavaScript does) turns into
/// another one — the one it signs instead (`9007199254740993` → `9007199254740992`).
pub(super) fn inexact_integer(n: &serde_json::Number) -> Option<String> {
    let text = n.to_string();
    if text.contains(['.', 'e', 'E']) {
        return None;
    }
    let read = text.parse::<f64>().ok()?;
    match text.parse::<i128>() {
        Ok(i) if read as i128 == i => None,
        _ => Some(format!("{read:.0}")),
    }
}

fn absolute(s: &str) -> bool {
    Iri::new(s).is_ok()
}

fn blank(s: &str) -> bool {
    s.starts_with("_:")
}

/// The pass over the expanded form (its JSON serialization): every identifier must be an absolute IRI or a blank
/// node, or the RDF a proof signs would silently lack what it names.
pub(crate) fn check_expanded(v: &Value) -> Result<(), String> {
    check_expanded_at(v, 0)
}

fn check_expanded_at(v: &Value, depth: usize) -> Result<(), String> {
    if depth > 512 {
        return Err("the document is nested too deeply".into());
    }
    match v {
        Value::Array(items) => {
            for item in items {
                check_expanded_at(item, depth + 1)?;
            }
            Ok(())
        }
        Value::Object(map) => {
            if map.contains_key("@value") {
                match map.get("@type") {
                    Some(Value::String(t)) if t != "@json" && !absolute(t) => {
                        return Err(format!("the datatype \"{}\" is not an absolute IRI", short(t)))
                    }
                    _ => {}
                }
                if map.contains_key("@direction") {
                    return Err("a text direction (@direction) has no place in the signed RDF".into());
                }
                return Ok(());
            }
            for (key, value) in map {
                match key.as_str() {
                    "@id" => {
                        let id = value.as_str().unwrap_or("");
                        if !absolute(id) && !blank(id) {
                            return Err(format!(
                                "the id \"{}\" is not an absolute IRI (relative or malformed), so the signature does not cover what it names",
                                short(id)
                            ));
                        }
                    }
                    "@type" => {
                        for t in value.as_array().into_iter().flatten() {
                            let t = t.as_str().unwrap_or("");
                            if !absolute(t) && !blank(t) {
                                return Err(format!(
                                    "the type \"{}\" is not an absolute IRI (relative or malformed)",
                                    short(t)
                                ));
                            }
                        }
                    }
                    "@reverse" => {
                        return Err("reverse properties (@reverse) are not read by Carnet".into());
                    }
                    k if k.starts_with('@') => check_expanded_at(value, depth + 1)?,
                    k if blank(k) => {
                        return Err(format!(
                            "the property \"{}\" is a blank node, which RDF drops",
                            short(k)
                        ))
                    }
                    k if !absolute(k) => {
                        return Err(format!("the property \"{}\" is not an absolute IRI", short(k)))
                    }
                    _ => check_expanded_at(value, depth + 1)?,
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn written_keys_must_be_terms_or_keywords() {
        assert!(check_written(&json!({"@context": [], "name": "x", "id": "urn:a", "@type": "T"})).is_ok());
        let e =
            check_written(&json!({"https://www.w3.org/2018/credentials#validUntil": "2000"})).unwrap_err();
        assert!(e.contains("written as an IRI"), "{e}");
        assert!(check_written(&json!({"cred:validUntil": 1})).is_err());
        assert!(check_written(&json!({"@foo": 1}))
            .unwrap_err()
            .contains("not a JSON-LD keyword"));
        assert!(check_written(&json!({"a": {"@value": null}})).is_err());
        assert!(check_written(&json!({"a": {"@language": "en"}})).is_err());
        assert!(check_written(&json!({"@graph": [{"id": "urn:x"}]})).is_err());
        // A JSON literal's keys are data.
        assert!(check_written(&json!({"jsonSchema": {"$schema": "x", "urn:k": 1}})).is_ok());
    }

    #[test]
    fn expanded_ids_must_be_absolute() {
        assert!(check_expanded(&json!([{"@id": "urn:a", "https://e.org/p": [{"@id": "_:b0"}]}])).is_ok());
        let e = check_expanded(&json!([{"https://e.org/p": [{"@id": "relative/thing"}]}])).unwrap_err();
        assert!(e.contains("not an absolute IRI"), "{e}");
        assert!(check_expanded(&json!([{"@type": ["Relative"]}])).is_err());
        assert!(check_expanded(&json!([{"_:b1": [{"@value": 1}]}])).is_err());
        assert!(check_expanded(&json!([{"https://e.org/p": [{"@value": "x", "@type": "xsd:bad"}]}])).is_ok());
        assert!(check_expanded(&json!([{"https://e.org/p": [{"@value": "x", "@type": "bad"}]}])).is_err());
    }
}
