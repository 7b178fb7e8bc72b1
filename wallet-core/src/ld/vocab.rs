//! Carnet's reading vocabulary: the one way the facts of a JSON-LD credential are read. The expanded (signed)
//! form names every property by its IRI; this module gives each IRI the short name the published contexts give it
//! (`https://www.w3.org/2018/credentials#validUntil` → `validUntil`), so checks and the portfolio read the data the
//! signature covers, whatever keys, aliases or inline contexts the JSON used to say it.
//!
//! The names come from the bundled W3C, 1EdTech and security contexts, processed once, in a fixed order that does
//! not depend on the document: a document cannot choose how Carnet reads it.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use serde_json::{Map, Value};

use crate::contexts;

/// The contexts the names are taken from, in order: the first name given to an IRI wins.
const READING_CONTEXTS: &[&str] = &[
    "https://www.w3.org/ns/credentials/v2",
    "https://www.w3.org/2018/credentials/v1",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
    "https://purl.imsglobal.org/spec/clr/v2p0/context.json",
    "https://www.w3.org/ns/credentials/status/v1",
    "https://w3id.org/vc/status-list/2021/v1",
    "https://w3id.org/security/data-integrity/v2",
    "https://w3id.org/security/suites/ed25519-2020/v1",
    "https://w3id.org/security/v2",
];

/// IRI → short name, for properties and for types.
#[derive(Debug, Default)]
pub(crate) struct Vocab {
    /// Property IRI → (name, whether the contexts make it a set: always an array when read).
    props: HashMap<String, (String, bool)>,
    /// Class IRI → name.
    types: HashMap<String, String>,
    /// Terms whose values are JSON literals (`@type: @json`): their insides are data, not JSON-LD.
    json_terms: HashSet<String>,
}

pub(crate) fn vocab() -> &'static Vocab {
    static VOCAB: OnceLock<Vocab> = OnceLock::new();
    VOCAB.get_or_init(|| {
        let mut v = Vocab::default();
        let mut seen = HashSet::new();
        for url in READING_CONTEXTS {
            v.add_url(url, &mut seen);
        }
        v
    })
}

/// One context's view of prefixes and `@vocab`, inherited by its scoped contexts.
#[derive(Clone, Default)]
struct Scope {
    prefixes: HashMap<String, String>,
    vocab: Option<String>,
}

impl Scope {
    /// The absolute IRI a term definition's IRI stands for, if it can be told.
    fn resolve(&self, iri: &str) -> Option<String> {
        if iri.starts_with('@') {
            return None;
        }
        if let Some((prefix, suffix)) = iri.split_once(':') {
            if !suffix.starts_with("//") {
                if let Some(base) = self.prefixes.get(prefix) {
                    return Some(format!("{base}{suffix}"));
                }
            }
            return Some(iri.to_owned());
        }
        self.vocab.as_ref().map(|v| format!("{v}{iri}"))
    }
}

impl Vocab {
    fn add_url(&mut self, url: &str, seen: &mut HashSet<String>) {
        if !seen.insert(url.to_owned()) {
            return;
        }
        let Ok(text) = contexts::get(url) else { return };
        let Ok(doc) = serde_json::from_str::<Value>(text) else {
            return;
        };
        if let Some(ctx) = doc.get("@context") {
            self.add_context(ctx, &Scope::default(), seen);
        }
    }

    fn add_context(&mut self, ctx: &Value, outer: &Scope, seen: &mut HashSet<String>) {
        match ctx {
            Value::Array(items) => {
                for item in items {
                    self.add_context(item, outer, seen);
                }
            }
            Value::String(url) => self.add_url(url, seen),
            Value::Object(map) => {
                let mut scope = outer.clone();
                if let Some(Value::String(v)) = map.get("@vocab") {
                    scope.vocab = Some(v.clone());
                }
                // Prefixes first: a term may use one defined after it.
                for (term, def) in map {
                    let iri = match def {
                        Value::String(s) => Some(s.as_str()),
                        Value::Object(d) => d.get("@id").and_then(Value::as_str),
                        _ => None,
                    };
                    if let Some(iri) = iri {
                        if iri.ends_with(['#', '/', ':', '?', '[', ']', '@']) && !term.starts_with('@') {
                            scope.prefixes.insert(term.clone(), iri.to_owned());
                        }
                    }
                }
                for (term, def) in map {
                    if term.starts_with('@') {
                        continue;
                    }
                    let (iri, set, json) = match def {
                        Value::String(s) => (scope.resolve(s), false, false),
                        Value::Object(d) => {
                            let iri = match d.get("@id").and_then(Value::as_str) {
                                Some(s) => scope.resolve(s),
                                None => scope.resolve(term),
                            };
                            let set = match d.get("@container") {
                                Some(Value::String(c)) => c == "@set" || c == "@list",
                                Some(Value::Array(cs)) => cs
                                    .iter()
                                    .any(|c| c.as_str() == Some("@set") || c.as_str() == Some("@list")),
                                _ => false,
                            };
                            let json = d.get("@type").and_then(Value::as_str) == Some("@json");
                            if let Some(inner) = d.get("@context") {
                                self.add_context(inner, &scope, seen);
                            }
                            (iri, set, json)
                        }
                        _ => (None, false, false),
                    };
                    if json {
                        self.json_terms.insert(term.clone());
                    }
                    let Some(iri) = iri else { continue };
                    // A term may name a class or a property (`1EdTechRevocationList` is a class); when a context
                    // gives one IRI two names, a class reads best capitalised and a property not.
                    let upper = term.starts_with(|c: char| c.is_ascii_uppercase());
                    match self.types.get(&iri) {
                        Some(t) if t.starts_with(|c: char| c.is_ascii_uppercase()) || !upper => {}
                        _ => {
                            self.types.insert(iri.clone(), term.clone());
                        }
                    }
                    match self.props.get(&iri) {
                        Some((t, _)) if !t.starts_with(|c: char| c.is_ascii_uppercase()) || upper => {}
                        _ => {
                            self.props.insert(iri, (term.clone(), set));
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// The short name of a property IRI, if the published contexts give it one.
    pub(crate) fn property(&self, iri: &str) -> Option<&str> {
        self.props.get(iri).map(|(n, _)| n.as_str())
    }

    /// Whether a term holds JSON literal data (`@type: @json` in the bundled contexts).
    pub(crate) fn is_json_term(&self, term: &str) -> bool {
        self.json_terms.contains(term)
    }
}

/// The statements about nodes with an id, merged across the document (RDF has one node per IRI, however many
/// JSON objects the document spreads it over), for one graph.
#[derive(Default)]
struct Graph {
    nodes: HashMap<String, Node>,
    /// How many nodes were shown where referenced: bounded, so a document whose nodes refer to each other many
    /// times over cannot make its reading explode (past the bound, references stay references).
    shown: std::cell::Cell<usize>,
}

/// At most this many node embeddings per graph.
const MAX_SHOWN: usize = 20_000;

/// One node's types and properties, each property's values in order, without repeats (RDF holds sets).
#[derive(Default, Clone)]
struct Node {
    id: Option<String>,
    types: Vec<String>,
    props: Vec<(String, Vec<Value>)>,
}

impl Node {
    fn add(&mut self, prop: &str, value: Value) {
        match self.props.iter_mut().find(|(p, _)| p == prop) {
            Some((_, values)) => {
                if !values.contains(&value) {
                    values.push(value)
                }
            }
            None => self.props.push((prop.to_owned(), vec![value])),
        }
    }
}

/// A projected graph value, already read (a graph keeps its own nodes: the same IRI in another graph is another
/// statement).
const READ: &str = "@carnet-read";

impl Graph {
    /// Collect one expanded node object: its statements go to the node of its id (merged), nested nodes with ids
    /// become references. Returns the node (for one without an id, kept inline).
    fn collect(&mut self, map: &Map<String, Value>, depth: usize) -> Node {
        let mut node = Node {
            id: map.get("@id").and_then(Value::as_str).map(str::to_owned),
            ..Node::default()
        };
        if let Some(Value::Array(types)) = map.get("@type") {
            for t in types.iter().filter_map(Value::as_str) {
                if !node.types.iter().any(|x| x == t) {
                    node.types.push(t.to_owned());
                }
            }
        }
        for (prop, values) in map {
            if prop.starts_with('@') {
                continue;
            }
            let items: Vec<&Value> = match values {
                Value::Array(items) => items.iter().collect(),
                other => vec![other],
            };
            for item in items {
                let item = self.item(item, depth + 1);
                node.add(prop, item);
            }
        }
        if let Some(id) = node.id.clone() {
            let merged = self.nodes.entry(id.clone()).or_default();
            merged.id = Some(id.clone());
            for t in &node.types {
                if !merged.types.contains(t) {
                    merged.types.push(t.clone());
                }
            }
            for (p, values) in node.props {
                for v in values {
                    merged.add(&p, v);
                }
            }
            return Node {
                id: Some(id),
                ..Node::default()
            };
        }
        node
    }

    /// One value in normal form: literals as they are, nodes with ids as references, nodes without ids inline,
    /// lists item by item, graphs read on their own.
    fn item(&mut self, v: &Value, depth: usize) -> Value {
        if depth > 256 {
            return Value::Null;
        }
        let Value::Object(map) = v else { return v.clone() };
        if map.contains_key("@value") {
            return v.clone();
        }
        if let Some(Value::Array(items)) = map.get("@list") {
            let items = items.iter().map(|i| self.item(i, depth + 1)).collect();
            return serde_json::json!({ "@list": Value::Array(items) });
        }
        if let Some(Value::Array(nodes)) = map.get("@graph") {
            let mut read: Vec<Value> = read_graph(nodes, depth + 1);
            let one = match read.len() {
                1 => read.remove(0),
                _ => Value::Array(read),
            };
            return serde_json::json!({ READ: one });
        }
        let node = self.collect(map, depth + 1);
        match &node.id {
            Some(id) => serde_json::json!({ "@id": id }),
            None => serde_json::json!({ "@inline": node_json(&node) }),
        }
    }

    fn read(&self, node: &Node, path: &mut Vec<String>, depth: usize) -> Value {
        let v = vocab();
        let mut out = Map::new();
        if let Some(id) = &node.id {
            out.insert("id".into(), Value::String(id.clone()));
        }
        if !node.types.is_empty() {
            let names = node
                .types
                .iter()
                .map(|t| Value::String(v.types.get(t).cloned().unwrap_or_else(|| t.clone())))
                .collect();
            out.insert("type".into(), Value::Array(names));
        }
        for (iri, values) in &node.props {
            let (name, set) = match v.props.get(iri) {
                Some((n, s)) => (n.clone(), *s),
                None => (iri.clone(), false),
            };
            let items: Vec<Value> = values
                .iter()
                .map(|i| self.read_item(i, path, depth + 1))
                .collect();
            match out.get_mut(&name) {
                // Two IRIs read under one name (the same property in two vocabulary versions): keep both.
                Some(existing) => {
                    let mut all = match existing.take() {
                        Value::Array(a) => a,
                        one => vec![one],
                    };
                    all.extend(items);
                    *existing = Value::Array(all);
                }
                None => {
                    let value = match (set, items.len()) {
                        (false, 1) => items.into_iter().next().unwrap_or(Value::Null),
                        _ => Value::Array(items),
                    };
                    out.insert(name, value);
                }
            }
        }
        Value::Object(out)
    }

    fn read_item(&self, item: &Value, path: &mut Vec<String>, depth: usize) -> Value {
        let Value::Object(map) = item else {
            return item.clone();
        };
        if depth > 256 {
            return Value::Null;
        }
        if let Some(value) = map.get("@value") {
            return value.clone();
        }
        if let Some(read) = map.get(READ) {
            return read.clone();
        }
        if let Some(Value::Array(items)) = map.get("@list") {
            return Value::Array(items.iter().map(|i| self.read_item(i, path, depth + 1)).collect());
        }
        if let Some(inline) = map.get("@inline") {
            return match node_from_json(inline) {
                Some(node) => self.read(&node, path, depth + 1),
                None => Value::Null,
            };
        }
        if let Some(id) = map.get("@id").and_then(Value::as_str) {
            // A node is shown where it is referenced, once along any path (a node may refer to itself).
            let room = self.shown.get() < MAX_SHOWN;
            if let Some(node) = self
                .nodes
                .get(id)
                .filter(|_| room && !path.iter().any(|p| p == id))
            {
                self.shown.set(self.shown.get() + 1);
                path.push(id.to_owned());
                let read = self.read(node, path, depth + 1);
                path.pop();
                return read;
            }
            return serde_json::json!({ "id": id });
        }
        Value::Null
    }
}

/// A node kept inline travels through the value lists as JSON.
fn node_json(node: &Node) -> Value {
    serde_json::json!({
        "types": node.types,
        "props": node.props.iter().map(|(p, v)| serde_json::json!([p, v])).collect::<Vec<_>>(),
    })
}

fn node_from_json(v: &Value) -> Option<Node> {
    let types = v
        .get("types")?
        .as_array()?
        .iter()
        .filter_map(|t| t.as_str().map(str::to_owned))
        .collect();
    let props = v
        .get("props")?
        .as_array()?
        .iter()
        .filter_map(|pv| {
            let pair = pv.as_array()?;
            Some((
                pair.first()?.as_str()?.to_owned(),
                pair.get(1)?.as_array()?.clone(),
            ))
        })
        .collect();
    Some(Node {
        id: None,
        types,
        props,
    })
}

/// Read the nodes of one graph (the top-level nodes of an expanded document, or a `@graph` value).
fn read_graph(nodes: &[Value], depth: usize) -> Vec<Value> {
    let mut graph = Graph::default();
    let tops: Vec<Node> = nodes
        .iter()
        .filter_map(Value::as_object)
        .map(|m| graph.collect(m, depth + 1))
        .collect();
    let mut seen: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for top in tops {
        match &top.id {
            Some(id) => {
                if seen.contains(id) {
                    continue;
                }
                seen.push(id.clone());
                if let Some(node) = graph.nodes.get(id) {
                    let mut path = vec![id.clone()];
                    out.push(graph.read(node, &mut path, depth + 1));
                }
            }
            None => out.push(graph.read(&top, &mut Vec::new(), depth + 1)),
        }
    }
    out
}

/// Carnet's reading of an expanded document (the JSON form of JSON-LD's expanded document): one object per
/// top-level node. Within a graph, every JSON object with the same id is one node, its statements merged and
/// without repeats, as in the RDF a proof signs; a node is shown where it is referenced. Names: `@id` → `id`,
/// `@type` → `type` (always an array of short names), properties by their short name (an array when there are
/// several values or the contexts make the property a set), literals as their plain value, references to nodes
/// not described as `{"id": …}`, lists as arrays, graphs as the node(s) they hold. IRIs the contexts do not name
/// stay as full IRIs: nothing reads them.
pub(crate) fn read_document(expanded: &[Value]) -> Vec<Value> {
    read_graph(expanded, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_facts_carnet_reads_have_their_published_names() {
        let v = vocab();
        let cred = "https://www.w3.org/2018/credentials#";
        let ob = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#";
        for (iri, name) in [
            (format!("{cred}validFrom"), "validFrom"),
            (format!("{cred}validUntil"), "validUntil"),
            (format!("{cred}issuanceDate"), "issuanceDate"),
            (format!("{cred}expirationDate"), "expirationDate"),
            (format!("{cred}credentialStatus"), "credentialStatus"),
            (format!("{cred}credentialSubject"), "credentialSubject"),
            (format!("{cred}credentialSchema"), "credentialSchema"),
            (format!("{cred}issuer"), "issuer"),
            (format!("{cred}holder"), "holder"),
            (format!("{cred}verifiableCredential"), "verifiableCredential"),
            ("https://schema.org/name".to_owned(), "name"),
            ("https://schema.org/description".to_owned(), "description"),
            (format!("{ob}achievement"), "achievement"),
            (format!("{ob}Achievement"), "achievement"),
            (format!("{ob}endorsement"), "endorsement"),
            (format!("{ob}alignment"), "alignment"),
            ("https://schema.org/targetName".to_owned(), "targetName"),
            (format!("{ob}identityHash"), "identityHash"),
            (format!("{ob}awardedDate"), "awardedDate"),
            (
                "https://www.w3.org/ns/credentials/status#statusListIndex".to_owned(),
                "statusListIndex",
            ),
            (
                "https://w3id.org/vc/status-list#statusListIndex".to_owned(),
                "statusListIndex",
            ),
            (
                "https://w3id.org/security#verificationMethod".to_owned(),
                "verificationMethod",
            ),
            ("https://w3id.org/security#challenge".to_owned(), "challenge"),
            ("https://w3id.org/security#domain".to_owned(), "domain"),
            ("http://purl.org/dc/terms/created".to_owned(), "created"),
            ("https://w3id.org/security#expiration".to_owned(), "expires"),
        ] {
            assert_eq!(v.property(&iri), Some(name), "{iri}");
        }
        assert_eq!(
            v.types
                .get(&format!("{cred}VerifiableCredential"))
                .map(String::as_str),
            Some("VerifiableCredential")
        );
        assert_eq!(
            v.types
                .get(&format!("{ob}OpenBadgeCredential"))
                .map(String::as_str),
            Some("OpenBadgeCredential")
        );
        assert!(v.is_json_term("jsonSchema") && v.is_json_term("_sd"));
    }

    fn read_one(v: Value) -> Value {
        read_document(&[v]).remove(0)
    }

    #[test]
    fn a_node_reads_by_names_whatever_the_json_said() {
        let expanded = serde_json::json!({
            "@id": "urn:uuid:1",
            "@type": ["https://www.w3.org/2018/credentials#VerifiableCredential", "https://example.org/Other"],
            "https://www.w3.org/2018/credentials#validUntil": [
                {"@value": "2000-01-01T00:00:00Z", "@type": "http://www.w3.org/2001/XMLSchema#dateTime"}],
            "https://www.w3.org/2018/credentials#issuer": [{"@id": "did:example:1"}],
            "https://example.org/unknown": [{"@value": 1}, {"@value": 2}],
            "https://www.w3.org/2018/credentials#credentialSubject": [{"@list": [{"@value": "a"}]}]
        });
        assert_eq!(
            read_one(expanded),
            serde_json::json!({
                "id": "urn:uuid:1",
                "type": ["VerifiableCredential", "https://example.org/Other"],
                "validUntil": "2000-01-01T00:00:00Z",
                "issuer": {"id": "did:example:1"},
                "https://example.org/unknown": [1, 2],
                "credentialSubject": ["a"]
            })
        );
    }

    #[test]
    fn one_node_however_many_objects_say_it() {
        let cred = "https://www.w3.org/2018/credentials#";
        let expanded = serde_json::json!({
            "@id": "urn:c",
            format!("{cred}credentialSubject"): [
                {"@id": "did:a"},
                {"@id": "did:a", "https://purl.imsglobal.org/spec/vc/ob/vocab.html#achievement": [{"@id": "urn:ach"}]},
                {"@id": "did:a"}
            ],
            "https://example.org/other": [{"@id": "urn:ach", "https://schema.org/name": [{"@value": "A"}]}],
            "https://example.org/self": [{"@id": "urn:c"}]
        });
        let read = read_one(expanded);
        assert_eq!(
            read["credentialSubject"],
            serde_json::json!({"id": "did:a", "achievement": {"id": "urn:ach", "name": "A"}})
        );
        assert_eq!(
            read["https://example.org/self"],
            serde_json::json!({"id": "urn:c"})
        );
    }
}
