//! Strict JSON for everything that comes from outside: a JSON object with the same key twice is refused, because
//! parsers disagree on which of the two wins (serde_json keeps the last, others the first), so a signature
//! checked by one reading could vouch for the other.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Why bytes are not acceptable JSON.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum JsonError {
    /// Not JSON at all (syntax, encoding, trailing data), or nested deeper than serde_json allows.
    #[error("not valid JSON: {0}")]
    Syntax(String),
    /// An object names the same key twice.
    #[error("the JSON object has the key \"{0}\" twice (refused: readers disagree on which one counts)")]
    DuplicateKey(String),
}

/// Parse `bytes` as JSON, refusing duplicate keys in any object.
pub fn parse_slice(bytes: &[u8]) -> Result<Value, JsonError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = Strict.deserialize(&mut de).map_err(classify)?;
    de.end().map_err(|e| JsonError::Syntax(e.to_string()))?;
    Ok(value)
}

/// Parse `text` as JSON, refusing duplicate keys in any object.
pub fn parse_str(text: &str) -> Result<Value, JsonError> {
    parse_slice(text.as_bytes())
}

const DUPLICATE: &str = "carnet-duplicate-key:";
/// The token serde_json uses for a number it keeps as text (`arbitrary_precision`).
const ARBITRARY_NUMBER: &str = "$serde_json::private::Number";

fn classify(e: serde_json::Error) -> JsonError {
    let text = e.to_string();
    match text.find(DUPLICATE) {
        Some(at) => {
            let rest = &text[at + DUPLICATE.len()..];
            // serde_json appends " at line L column C" to custom errors.
            let key = rest.rsplit_once(" at line ").map(|(k, _)| k).unwrap_or(rest);
            JsonError::DuplicateKey(key.to_owned())
        }
        None => JsonError::Syntax(text),
    }
}

/// A `serde_json::Value` builder that fails on a repeated key.
struct Strict;

impl<'de> DeserializeSeed<'de> for Strict {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(StrictVisitor)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Strict.deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element_seed(Strict)? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            // serde_json with `arbitrary_precision` (enabled by a dependency) hands numbers over as this map.
            if out.is_empty() && key == ARBITRARY_NUMBER {
                let digits: String = map.next_value()?;
                return digits
                    .parse::<serde_json::Number>()
                    .map(Value::Number)
                    .map_err(de::Error::custom);
            }
            if out.contains_key(&key) {
                return Err(de::Error::custom(format!("{DUPLICATE}{key}")));
            }
            let v = map.next_value_seed(Strict)?;
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_keys_are_refused_at_any_depth() {
        assert_eq!(
            parse_str(r#"{"a": 1, "a": 2}"#),
            Err(JsonError::DuplicateKey("a".into()))
        );
        assert_eq!(
            parse_str(r#"{"x": [{"validUntil": "2000-01-01", "b": 0, "validUntil": "2100-01-01"}]}"#),
            Err(JsonError::DuplicateKey("validUntil".into()))
        );
        // The same key in sibling objects is fine.
        assert!(parse_str(r#"[{"a": 1}, {"a": 2}]"#).is_ok());
    }

    #[test]
    fn values_are_the_same_as_serde_json() {
        let text = r#"{"n": -3, "f": 1.5, "big": 18446744073709551615, "s": "é\u00e9", "t": true, "z": null,
            "arr": [1, {"k": []}]}"#;
        assert_eq!(
            parse_str(text).unwrap(),
            serde_json::from_str::<Value>(text).unwrap()
        );
    }

    #[test]
    fn syntax_errors_and_trailing_data_are_errors() {
        assert!(matches!(parse_str("{"), Err(JsonError::Syntax(_))));
        assert!(matches!(parse_str("{} {}"), Err(JsonError::Syntax(_))));
        assert!(matches!(parse_slice(b"\xff"), Err(JsonError::Syntax(_))));
    }
}
