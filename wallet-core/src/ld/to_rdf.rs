//! JSON-LD's "Deserialize JSON-LD to RDF" for the expanded documents the fast path (`fast`) produces: node objects
//! with an absolute `@id` or none, `@type` IRIs, and property values that are node objects, node references, value
//! objects (a string, a boolean or an integer, with or without a datatype), lists and graph objects. The quads come
//! out with their terms already written as N-Quads text, ready for canonicalization (`rdfc`). Anything else — a
//! language, a direction, a number that is not a plain integer, a keyword it does not know — declines (`None`) and
//! the document goes through json-ld's own algorithm; `tests/it/ld_fast.rs` compares both on every corpus.

use serde_json::{Map, Value};

use crate::rdfc::{iri_text, literal_text, Quad, Term, XSD_STRING};

const RDF_TYPE: &str = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>";
const RDF_FIRST: &str = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#first>";
const RDF_REST: &str = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#rest>";
const RDF_NIL: &str = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#nil>";
const XSD_BOOLEAN: &str = "http://www.w3.org/2001/XMLSchema#boolean";
const XSD_INTEGER: &str = "http://www.w3.org/2001/XMLSchema#integer";
const XSD_DOUBLE: &str = "http://www.w3.org/2001/XMLSchema#double";

/// The deepest nesting followed (the fast path produces nothing deeper).
const MAX_DEPTH: usize = 256;

/// The quads of an expanded document (a JSON array of node objects), or `None` when it is not of the fast path's
/// shape.
pub(super) fn quads(expanded: &Value) -> Option<Vec<Quad>> {
    let Value::Array(nodes) = expanded else {
        return None;
    };
    let mut out = ToRdf {
        quads: Vec::with_capacity(64),
        blanks: 0,
    };
    for node in nodes {
        let Value::Object(node) = node else {
            return None;
        };
        out.node(node, None, 0)?;
    }
    Some(out.quads)
}

struct ToRdf {
    quads: Vec<Quad>,
    blanks: usize,
}

impl ToRdf {
    fn blank(&mut self) -> Term {
        self.blanks += 1;
        Term::Blank(format!("b{}", self.blanks - 1))
    }

    fn push(&mut self, s: &Term, p: &str, o: Term, g: Option<&Term>) {
        self.quads.push(Quad {
            s: s.clone(),
            p: p.to_owned(),
            o,
            g: g.cloned(),
        });
    }

    /// A node object's quads (in graph `g`); its subject.
    fn node(&mut self, node: &Map<String, Value>, g: Option<&Term>, depth: usize) -> Option<Term> {
        if depth > MAX_DEPTH {
            return None;
        }
        let subject = match node.get("@id") {
            Some(Value::String(id)) => Term::Text(iri_text(id)),
            Some(_) => return None,
            None => self.blank(),
        };
        for (key, value) in node {
            match key.as_str() {
                "@id" => {}
                "@type" => {
                    let Value::Array(types) = value else {
                        return None;
                    };
                    for t in types {
                        let t = t.as_str()?;
                        self.push(&subject, RDF_TYPE, Term::Text(iri_text(t)), g);
                    }
                }
                k if k.starts_with('@') => return None,
                property => {
                    let Value::Array(values) = value else {
                        return None;
                    };
                    let p = iri_text(property);
                    for v in values {
                        let o = self.value(v, g, depth + 1)?;
                        self.push(&subject, &p, o, g);
                    }
                }
            }
        }
        Some(subject)
    }

    /// The object term of a property value (in graph `g`), adding the quads it describes.
    fn value(&mut self, value: &Value, g: Option<&Term>, depth: usize) -> Option<Term> {
        let Value::Object(object) = value else {
            return None;
        };
        if object.contains_key("@value") {
            return literal(object).map(Term::Text);
        }
        if let Some(items) = object.get("@list") {
            if object.len() != 1 {
                return None;
            }
            return self.list(items, g, depth);
        }
        if let Some(graph) = object.get("@graph") {
            // A graph object: its nodes go into a graph of their own, named by a new blank node.
            if object.len() != 1 {
                return None;
            }
            let Value::Array(nodes) = graph else {
                return None;
            };
            let name = self.blank();
            for node in nodes {
                let Value::Object(node) = node else {
                    return None;
                };
                self.node(node, Some(&name), depth + 1)?;
            }
            return Some(name);
        }
        self.node(object, g, depth)
    }

    /// A list: a chain of blank nodes with `rdf:first` and `rdf:rest`, ending in `rdf:nil`; its head.
    fn list(&mut self, items: &Value, g: Option<&Term>, depth: usize) -> Option<Term> {
        let Value::Array(items) = items else {
            return None;
        };
        let mut objects = Vec::with_capacity(items.len());
        for item in items {
            if matches!(item, Value::Object(o) if o.contains_key("@list")) {
                return None;
            }
            objects.push(self.value(item, g, depth + 1)?);
        }
        let heads: Vec<Term> = (0..objects.len()).map(|_| self.blank()).collect();
        for (i, object) in objects.into_iter().enumerate() {
            self.push(&heads[i], RDF_FIRST, object, g);
            let rest = match heads.get(i + 1) {
                Some(next) => next.clone(),
                None => Term::Text(RDF_NIL.to_owned()),
            };
            self.push(&heads[i], RDF_REST, rest, g);
        }
        Some(heads.into_iter().next().unwrap_or(Term::Text(RDF_NIL.to_owned())))
    }
}

/// A value object as an N-Quads literal: a string, a boolean or an integer written as JSON-LD writes it, with its
/// datatype or the one its JSON type implies.
fn literal(object: &Map<String, Value>) -> Option<String> {
    let datatype = match object.get("@type") {
        Some(Value::String(t)) => Some(t.as_str()),
        Some(_) => return None,
        None => None,
    };
    if object.keys().any(|k| k != "@value" && k != "@type") {
        return None;
    }
    match object.get("@value")? {
        Value::String(s) => Some(literal_text(s, datatype.unwrap_or(XSD_STRING))),
        Value::Bool(b) => Some(literal_text(
            if *b { "true" } else { "false" },
            datatype.unwrap_or(XSD_BOOLEAN),
        )),
        Value::Number(n) => {
            // Only an integer written the way JSON-LD writes it back (no fraction, exponent, sign of zero or
            // leading zero) that a double holds exactly (JSON-LD reads numbers as doubles); a double's canonical
            // form, or a rounded integer, is left to json-ld.
            let text = n.to_string();
            let canonical = text.parse::<i128>().ok()?.to_string();
            if text != canonical || super::safe::inexact_integer(n).is_some() || datatype == Some(XSD_DOUBLE)
            {
                return None;
            }
            Some(literal_text(&text, datatype.unwrap_or(XSD_INTEGER)))
        }
        _ => None,
    }
}
