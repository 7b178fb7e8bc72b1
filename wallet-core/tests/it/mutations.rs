//! The "verified means signed" mutation suite: every JSON-LD credential or presentation in ../shared whose proof
//! verifies is edited the way a holder with a text editor could without touching one signed quad (each key as its
//! full IRI or a compact IRI, a key renamed through an inline alias, `id` → `@id`, values inserted with relative
//! ids, unmapped keys, a second subject, duplicate keys, `@graph` wrapping, value objects, nulls), and for each
//! edit: either Carnet no longer says the proof holds, or every fact it shows and every check's outcome and reason
//! are exactly the original's.
//!
//! The suite also proves that it tests something: JSON-LD itself (without safe mode) must find the same canonical
//! RDF for a good share of the edits — those are real attacks on a reader of JSON keys.

use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};
use wallet_core::net::{MemoryCache, Net};
use wallet_core::verify::{verify_bytes, CheckId, Options, Outcome, Report, Verdict};

use crate::support::{at, shared};

const PROBE: &str = "urn:carnet:probe:1f3a";

fn block<F: std::future::Future>(f: F) -> F::Output {
    futures_executor::block_on(f)
}

/// Every JSON-LD document with a proof in the corpora.
fn corpus() -> Vec<PathBuf> {
    let root = shared();
    let mut out = Vec::new();
    for dir in ["fixtures/peer-corpus", "standards/examples", "fixtures/wild"] {
        let mut pending = vec![root.join(dir)];
        while let Some(d) = pending.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    pending.push(p);
                } else if p.extension().is_some_and(|x| x == "json") {
                    let Ok(v) = serde_json::from_slice::<Value>(&std::fs::read(&p).unwrap()) else {
                        continue;
                    };
                    if v.get("proof").is_some() && v.get("@context").is_some() {
                        out.push(p);
                    }
                }
            }
        }
    }
    out.sort();
    out
}

fn opts() -> Options {
    Options::at(at("2025-01-01T00:00:00Z"))
}

fn verify(bytes: &[u8]) -> Vec<Report> {
    block(verify_bytes(bytes, &Net::offline(), &MemoryCache::new(), &opts()))
}

fn proof_holds(r: &Report) -> bool {
    r.checks
        .iter()
        .any(|c| c.id == CheckId::Proof && c.outcome == Outcome::Passed)
}

/// What the suite holds Carnet to: a report it does not call invalid (valid, or could-not-check for lack of
/// network) and whose proof it says holds.
fn trusted(r: &Report) -> bool {
    proof_holds(r) && matches!(r.verdict, Verdict::Valid | Verdict::Indeterminate)
}

/// The fields of two fact sets that differ, shortened for reading.
fn differences(was: &Value, now: &Value) -> String {
    let cut = |v: &Value| {
        let s = v.to_string();
        if s.len() > 300 {
            format!("{}…", &s[..s.char_indices().nth(300).map_or(s.len(), |(i, _)| i)])
        } else {
            s
        }
    };
    let mut out = Vec::new();
    diff(was, now, "", &mut out);
    out.iter()
        .take(6)
        .map(|(path, a, b)| format!("    {path}: was {} now {}", cut(a), cut(b)))
        .collect::<Vec<_>>()
        .join("\n")
}

fn diff(a: &Value, b: &Value, path: &str, out: &mut Vec<(String, Value, Value)>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                let (va, vb) = (x.get(k).unwrap_or(&Value::Null), y.get(k).unwrap_or(&Value::Null));
                diff(va, vb, &format!("{path}.{k}"), out);
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                diff(va, vb, &format!("{path}[{i}]"), out);
            }
        }
        _ if a != b => out.push((path.to_owned(), a.clone(), b.clone())),
        _ => {}
    }
}

/// Everything Carnet shows or decides about one report, for comparison.
fn facts(r: &Report) -> Value {
    json!({
        "kind": r.kind,
        "format": r.format,
        "verdict": r.verdict,
        "credential": r.credential,
        "document": r.document,
        "checks": r.checks,
    })
}

/// One edit of a document: its name and the bytes to verify.
struct Edit {
    name: String,
    bytes: Vec<u8>,
    /// The edited JSON (none for text-level edits), to ask JSON-LD whether the signed RDF changed.
    doc: Option<Value>,
}

fn edit(name: impl Into<String>, doc: Value) -> Edit {
    Edit {
        name: name.into(),
        bytes: serde_json::to_vec(&doc).unwrap(),
        doc: Some(doc),
    }
}

/// Paths (object keys and array indexes) to every object in the document, outside `@context` and proofs.
fn object_paths(v: &Value, path: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    match v {
        Value::Object(map) => {
            out.push(path.clone());
            for (k, child) in map {
                if k == "@context" || k == "proof" {
                    continue;
                }
                path.push(json!(k));
                object_paths(child, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                path.push(json!(i));
                object_paths(child, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn at_path<'a>(v: &'a mut Value, path: &[Value]) -> &'a mut Value {
    path.iter().fold(v, |v, step| match step {
        Value::String(k) => &mut v[k.as_str()],
        Value::Number(i) => &mut v[i.as_u64().unwrap() as usize],
        _ => unreachable!(),
    })
}

/// The value object JSON-LD made of the probe, and the property it sits under, anywhere in an expanded form.
fn find_probe(v: &Value) -> Option<(String, Value)> {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                if let Value::Array(items) = child {
                    for item in items {
                        let hit = item.get("@value").and_then(Value::as_str) == Some(PROBE)
                            || item.get("@id").and_then(Value::as_str) == Some(PROBE);
                        if hit && !k.starts_with('@') {
                            return Some((k.clone(), item.clone()));
                        }
                        if let Some(list) = item.get("@list").and_then(Value::as_array) {
                            if list
                                .iter()
                                .any(|l| l.get("@value").and_then(Value::as_str) == Some(PROBE))
                            {
                                return Some((k.clone(), item.clone()));
                            }
                        }
                    }
                }
                if let Some(found) = find_probe(child) {
                    return Some(found);
                }
            }
            None
        }
        Value::Array(items) => items.iter().find_map(find_probe),
        _ => None,
    }
}

/// The IRI a key stands for where it is, and the shape JSON-LD gives its plain values (`@id`, a typed
/// `@value`, a plain `@value`), learnt by putting a probe in its place.
fn meaning(doc: &Value, path: &[Value], key: &str) -> Option<(String, Value)> {
    let mut probe = doc.clone();
    at_path(&mut probe, path)[key] = json!(PROBE);
    let expanded = block(wallet_core::ld::expanded_unsafe(&probe)).ok()?;
    find_probe(&expanded)
}

/// A plain value written the way the expanded form carries it (so the RDF is the same without the key's term).
fn explicit(value: &Value, shape: &Value) -> Value {
    let one = |v: &Value| -> Value {
        if v.is_object() || v.is_array() {
            return v.clone();
        }
        if shape.get("@id").is_some() {
            json!({"@id": v})
        } else if let Some(t) = shape.get("@type") {
            json!({"@value": v, "@type": t})
        } else {
            v.clone()
        }
    };
    let mapped = match value {
        Value::Array(items) => Value::Array(items.iter().map(one).collect()),
        other => one(other),
    };
    if shape.get("@list").is_some() {
        json!({"@list": mapped})
    } else {
        mapped
    }
}

fn with_context(doc: &Value, extra: Value) -> Value {
    let mut d = doc.clone();
    let ctx = match d["@context"].take() {
        Value::Array(mut items) => {
            items.push(extra);
            Value::Array(items)
        }
        one => json!([one, extra]),
    };
    d["@context"] = ctx;
    d
}

fn rename(doc: &mut Value, path: &[Value], key: &str, new_key: &str, value: Value) {
    let obj = at_path(doc, path).as_object_mut().unwrap();
    // Keep the key's place among its siblings.
    let old = std::mem::take(obj);
    for (k, v) in old {
        if k == key {
            obj.insert(new_key.to_owned(), value.clone());
        } else {
            obj.insert(k, v);
        }
    }
}

/// How many keys per document get the per-key edits (the first ones in document order): enough to reach the
/// subject, its achievement, the issuer, the dates and the status in every corpus document.
const KEYS_PER_DOC: usize = 40;

fn per_key_edits(doc: &Value, out: &mut Vec<Edit>) {
    let mut paths = Vec::new();
    object_paths(doc, &mut Vec::new(), &mut paths);
    let mut n = 0;
    for path in paths {
        let mut d = doc.clone();
        let keys: Vec<String> = at_path(&mut d, &path)
            .as_object()
            .unwrap()
            .keys()
            .filter(|k| !k.starts_with('@') && !matches!(k.as_str(), "id" | "type" | "proof"))
            .cloned()
            .collect();
        for key in keys {
            if n >= KEYS_PER_DOC {
                return;
            }
            let Some((iri, shape)) = meaning(doc, &path, &key) else {
                continue;
            };
            n += 1;
            let value = at_path(&mut d, &path)[key.as_str()].clone();
            let where_ = format!(
                "{}{key}",
                path.iter().map(|p| format!("{p}.")).collect::<String>()
            );
            // The key as its full IRI.
            let mut full = doc.clone();
            rename(&mut full, &path, &key, &iri, explicit(&value, &shape));
            out.push(edit(format!("{where_} as its IRI"), full));
            // The key as a compact IRI with a prefix declared inline.
            if let Some(cut) = iri.rfind(['#', '/']) {
                let mut compact = with_context(doc, json!({"carnetns": &iri[..=cut]}));
                let local = format!("carnetns:{}", &iri[cut + 1..]);
                rename(&mut compact, &path, &key, &local, explicit(&value, &shape));
                out.push(edit(format!("{where_} as a compact IRI"), compact));
            }
            // The key renamed through an alias an inline context defines (a term of the document's contexts).
            let mut def = Map::new();
            def.insert("@id".into(), json!(iri));
            if shape.get("@id").is_some() {
                def.insert("@type".into(), json!("@id"));
            } else if let Some(t) = shape.get("@type") {
                def.insert("@type".into(), t.clone());
            }
            if shape.get("@list").is_some() {
                def.insert("@container".into(), json!("@list"));
            }
            let alias = format!("carnetAlias{n}");
            let mut aliased = with_context(doc, json!({ alias.clone(): Value::Object(def) }));
            rename(&mut aliased, &path, &key, &alias, value.clone());
            out.push(edit(format!("{where_} renamed to an inline alias"), aliased));
        }
    }
}

/// `id` → `@id` and `type` → `@type` everywhere (outside contexts and proofs).
fn keyword_edit(v: &Value, from: &str, to: &str) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, child)| match k.as_str() {
                    "@context" | "proof" => (k.clone(), child.clone()),
                    _ => (
                        if k == from { to.to_owned() } else { k.clone() },
                        keyword_edit(child, from, to),
                    ),
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|i| keyword_edit(i, from, to)).collect()),
        other => other.clone(),
    }
}

fn subjects(doc: &Value) -> Vec<Value> {
    match doc.get("credentialSubject") {
        Some(Value::Array(items)) => items.clone(),
        Some(one) => vec![one.clone()],
        None => Vec::new(),
    }
}

fn whole_document_edits(doc: &Value, text: &str, out: &mut Vec<Edit>) {
    out.push(edit("id → @id", keyword_edit(doc, "id", "@id")));
    out.push(edit("type → @type", keyword_edit(doc, "type", "@type")));
    // An invented subject and achievement with relative ids, before and after the real one.
    let fake = json!({
        "id": "fake-subject", "type": ["AchievementSubject"],
        "achievement": {"id": "fake-achievement", "type": ["Achievement"], "name": "Doctor of Medicine",
            "description": "Awarded for completing medical school.", "criteria": {"id": "fake-criteria"},
            "image": {"id": "fake.png", "type": "Image"}}
    });
    let real = subjects(doc);
    if !real.is_empty() {
        for (name, list) in [
            (
                "an invented subject with relative ids first",
                [vec![fake.clone()], real.clone()].concat(),
            ),
            (
                "an invented subject with relative ids last",
                [real.clone(), vec![fake.clone()]].concat(),
            ),
        ] {
            let mut d = doc.clone();
            d["credentialSubject"] = Value::Array(list);
            out.push(edit(name, d));
        }
        // A second copy of the subject's id alone: the same triple again, before or after.
        if let Some(id) = real[0].get("id").cloned() {
            for (name, list) in [
                (
                    "a bare second subject first",
                    [vec![json!({"id": id})], real.clone()].concat(),
                ),
                (
                    "a bare second subject last",
                    [real.clone(), vec![json!({"id": id})]].concat(),
                ),
            ] {
                let mut d = doc.clone();
                d["credentialSubject"] = Value::Array(list);
                out.push(edit(name, d));
            }
        }
        // An invented alignment with a relative id in the achievement.
        if real[0].get("achievement").is_some_and(Value::is_object) {
            let mut d = doc.clone();
            let subject = match d["credentialSubject"].is_array() {
                true => &mut d["credentialSubject"][0],
                false => &mut d["credentialSubject"],
            };
            let ach = &mut subject["achievement"];
            let mut aligned = match ach.get("alignment") {
                Some(Value::Array(a)) => a.clone(),
                Some(one) => vec![one.clone()],
                None => Vec::new(),
            };
            aligned.insert(
                0,
                json!({"id": "fake-alignment", "type": ["Alignment"], "targetName": "Neurosurgery",
                    "targetUrl": "https://example.org/fake"}),
            );
            ach["alignment"] = Value::Array(aligned);
            out.push(edit("an invented alignment with a relative id", d));
        }
    }
    // Keys no context defines.
    let mut d = doc.clone();
    d["carnetUnmapped"] = json!("not a term");
    out.push(edit("an unmapped key", d));
    // Nulls, which JSON-LD drops.
    for key in ["validUntil", "expirationDate", "credentialStatus", "name"] {
        if doc.get(key).is_none() {
            let mut d = doc.clone();
            d[key] = Value::Null;
            out.push(edit(format!("{key}: null"), d));
        }
    }
    // A date written as an explicit typed value.
    for key in ["validFrom", "validUntil", "issuanceDate", "expirationDate"] {
        if let Some(v) = doc.get(key).filter(|v| v.is_string()) {
            let mut d = doc.clone();
            d[key] = json!({"@value": v, "@type": "http://www.w3.org/2001/XMLSchema#dateTime"});
            out.push(edit(format!("{key} as a typed value object"), d));
        }
    }
    // The document wrapped in a @graph, alone or beside a bare reference.
    let mut inner = doc.clone();
    let ctx = inner.as_object_mut().unwrap().remove("@context").unwrap();
    out.push(edit(
        "wrapped in @graph",
        json!({"@context": ctx, "@graph": [inner.clone()]}),
    ));
    out.push(edit(
        "wrapped in @graph with a bare reference",
        json!({"@context": ctx, "@graph": [inner, {"id": "urn:carnet:other"}]}),
    ));
    // Duplicate keys, the invented value first (a reader that keeps the first one sees it).
    for (key, fake) in [
        ("name", json!("Doctor of Medicine")),
        ("validFrom", json!("2000-01-01T00:00:00Z")),
        ("validUntil", json!("2100-01-01T00:00:00Z")),
        ("issuer", json!("did:example:fake")),
        (
            "credentialStatus",
            json!({"id": "urn:x", "type": "BitstringStatusListEntry"}),
        ),
    ] {
        if doc.get(key).is_some() {
            let open = text.find('{').unwrap();
            let bytes = format!("{{\"{key}\": {fake},{}", &text[open + 1..]).into_bytes();
            out.push(Edit {
                name: format!("duplicate key {key}"),
                bytes,
                doc: None,
            });
        }
    }
}

fn same_rdf(original: &Value, edited: &Value) -> bool {
    let strip = |d: &Value| {
        let mut d = d.clone();
        if let Some(m) = d.as_object_mut() {
            m.remove("proof");
        }
        d
    };
    match (
        block(wallet_core::ld::canonical_nquads_unsafe(&strip(original))),
        block(wallet_core::ld::canonical_nquads_unsafe(&strip(edited))),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Verify one edit: `Ok(true)` when the proof still holds and everything is the same, `Ok(false)` when Carnet no
/// longer says the proof holds, `Err` when it says it holds and yet shows or decides something else.
fn judge(path: &Path, base: &[Report], e: &Edit) -> Result<bool, String> {
    let got = verify(&e.bytes);
    let Some(top) = got.first() else { return Ok(false) };
    if !trusted(top) {
        return Ok(false);
    }
    if got.len() != base.len() {
        return Err(format!(
            "{}: \"{}\": the proof still holds, but {} reports instead of {}",
            path.display(),
            e.name,
            got.len(),
            base.len()
        ));
    }
    for (i, (g, b)) in got.iter().zip(base).enumerate() {
        if trusted(g) && facts(g) != facts(b) {
            return Err(format!(
                "{}: \"{}\": report {i} is {:?} with its proof holding, but what Carnet shows changed:\n{}",
                path.display(),
                e.name,
                g.verdict,
                differences(&facts(b), &facts(g))
            ));
        }
    }
    Ok(true)
}

#[test]
fn edits_that_keep_the_signed_rdf_change_nothing_carnet_shows() {
    let files = corpus();
    assert!(files.len() >= 30, "corpus too small: {}", files.len());
    let (mut docs, mut edits, mut same, mut still_valid) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let base = verify(text.as_bytes());
        if !base.first().is_some_and(trusted) {
            continue;
        }
        docs += 1;
        let doc: Value = serde_json::from_str(&text).unwrap();
        let mut all = Vec::new();
        per_key_edits(&doc, &mut all);
        whole_document_edits(&doc, &text, &mut all);
        for e in &all {
            edits += 1;
            if e.doc.as_ref().is_some_and(|d| same_rdf(&doc, d)) {
                same += 1;
            }
            match judge(path, &base, e) {
                Ok(true) => still_valid += 1,
                Ok(false) => {}
                Err(f) => failures.push(f),
            }
        }
    }
    eprintln!(
        "mutation suite: {docs} signed documents, {edits} edits, {same} of them keep the signed RDF exactly; \
         {still_valid} still verify and show the same facts; {} show something else",
        failures.len()
    );
    assert!(docs >= 25, "only {docs} documents whose proof verifies offline");
    // The suite is only worth something if JSON-LD itself cannot tell many edits apart from the original.
    assert!(
        same * 4 >= edits,
        "only {same} of {edits} edits keep the signed RDF: the suite tests too little"
    );
    assert!(
        failures.is_empty(),
        "{} edits change what Carnet shows while it says the proof holds:\n{}",
        failures.len(),
        failures.iter().take(12).cloned().collect::<Vec<_>>().join("\n")
    );
}
