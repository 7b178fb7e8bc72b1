//! The `schema` check: the 1EdTech JSON Schema a credential's `credentialSchema` asks for (bundled copies only,
//! never fetched), else the Open Badges 3.0 required fields.

use std::sync::OnceLock;

use serde_json::Value;

use super::{Check, CheckId};

macro_rules! bundled {
    ($($file:literal),* $(,)?) => {
        &[$(include_str!(concat!("../../schemas/", $file))),*]
    };
}

/// The bundled schemas; each is found by its `$id`.
static SCHEMAS: &[&str] = bundled![
    "ob_v3p0_achievementcredential_schema.json",
    "ob_v3p0_endorsementcredential_schema.json",
    "clr_v2p0_clrcredential_schema.json",
    "clr_v2p0_achievementcredential_schema.json",
    "clr_v2p0_endorsementcredential_schema.json",
];

type Compiled = Vec<(String, Result<jsonschema::Validator, String>)>;

fn compiled() -> &'static Compiled {
    static CACHE: OnceLock<Compiled> = OnceLock::new();
    CACHE.get_or_init(|| {
        SCHEMAS
            .iter()
            .filter_map(|text| {
                let schema: Value = serde_json::from_str(text).ok()?;
                let id = schema.get("$id")?.as_str()?.to_owned();
                Some((id, jsonschema::validator_for(&schema).map_err(|e| e.to_string())))
            })
            .collect()
    })
}

/// `raw` is the credential as written (a JSON Schema is about the JSON); `doc` its signed reading, from which the
/// schemas asked for and the required fields are read.
pub(crate) fn check(raw: &Value, doc: &Value, kind: &str, is_ob: bool) -> Check {
    let requested: Vec<&str> = match doc.get("credentialSchema") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|s| s.get("id").and_then(Value::as_str))
            .collect(),
        Some(s @ Value::Object(_)) => s.get("id").and_then(Value::as_str).into_iter().collect(),
        _ => Vec::new(),
    };
    let mut validated = Vec::new();
    let mut unknown = Vec::new();
    for id in &requested {
        match compiled().iter().find(|(sid, _)| sid == id) {
            Some((_, Ok(validator))) => {
                let errors: Vec<String> = validator
                    .iter_errors(raw)
                    .take(3)
                    .map(|e| {
                        let path = e.instance_path().to_string();
                        format!("{} {}", if path.is_empty() { "/".to_owned() } else { path }, e)
                    })
                    .collect();
                if !errors.is_empty() {
                    return Check::failed(
                        CheckId::Schema,
                        format!("does not match the schema {id}: {}", errors.join("; ")),
                    );
                }
                validated.push(*id);
            }
            Some((_, Err(e))) => {
                return Check::unchecked(CheckId::Schema, format!("the bundled schema {id} is broken: {e}"))
            }
            None => unknown.push(*id),
        }
    }
    if !validated.is_empty() {
        let mut reason = format!("matches {}", validated.join(", "));
        if !unknown.is_empty() {
            reason.push_str(&format!(
                "; not checked against {} (not bundled)",
                unknown.join(", ")
            ));
        }
        return Check::passed(CheckId::Schema, reason);
    }
    if !is_ob {
        return match unknown.is_empty() {
            true => Check::skipped(CheckId::Schema, "not an Open Badge and no schema requested"),
            false => Check::unchecked(
                CheckId::Schema,
                format!("the schema {} is not bundled", unknown.join(", ")),
            ),
        };
    }
    // Open Badges 3.0 required fields (§ B.1) when no bundled schema applies.
    let mut missing = Vec::new();
    let subject = super::first_subject(doc);
    let achievement_name = subject
        .and_then(|s| s.get("achievement"))
        .and_then(|a| a.get("name"));
    if super::first_str(doc.get("name")).is_none() && achievement_name.is_none() && kind != "endorsement" {
        missing.push("name");
    }
    let vc2 = match raw.get("@context") {
        Some(Value::Array(items)) => {
            items.first().and_then(Value::as_str) == Some("https://www.w3.org/ns/credentials/v2")
        }
        _ => false,
    };
    // OB 3.0 on VC 2.0 uses validFrom; on VC 1.1, issuanceDate.
    if vc2 && doc.get("validFrom").is_none() {
        missing.push("validFrom");
    } else if !vc2 && doc.get("validFrom").is_none() && doc.get("issuanceDate").is_none() {
        missing.push("issuanceDate");
    }
    if kind == "credential" && subject.and_then(|s| s.get("achievement")).is_none() {
        missing.push("credentialSubject.achievement");
    }
    if !missing.is_empty() {
        return Check::failed(
            CheckId::Schema,
            format!("required Open Badges fields are missing: {}", missing.join(", ")),
        );
    }
    Check::passed(CheckId::Schema, "the required Open Badges fields are present")
        .coded("schema.ob_fields", &[])
}
