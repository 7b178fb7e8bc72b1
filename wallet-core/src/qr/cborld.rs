//! CBOR-LD as the deployed VPQR decoder reads it: the compression of `@digitalcredentials/cborld` 4.3.4 (the
//! Learner Credential Wallet's), re-implemented step for step, both ways — including its departures from JSON-LD,
//! because the decoder makes them too and only doing the same gives the same term codes.
//!
//! How it works: every key of every context met while walking the document gets a term code (even numbers from
//! 100 in the order contexts are first met, keys sorted within a context; the code plus one means "an array of
//! values"); JSON-LD keywords have fixed codes below 100. Each object becomes a map from term codes to values.
//! Values whose term is typed are shortened: `@id` / `@vocab` URLs (`https://` → `[2, rest]`, `urn:uuid:` →
//! `[3, 16 bytes]`, `did:key:z…#z…` → `[1025, bytes, bytes]`), `@vocab` values and types that are terms (their
//! code), multibase (`z…`, `M…` → bytes), `xsd:dateTime` / `xsd:date` (seconds since 1970). Context URLs in the
//! decoder's registry become small integers; any other context URL stays a string. There is no `data:` URL codec
//! (the decoder has none): a `data:` URL stays a string.
//!
//! What the walk does that JSON-LD does not: an object's own `@context` stays on the stack its parent handed it
//! (so it also applies to the next siblings' children); a property-scoped context applies to the children along
//! with the type-scoped ones; a context loaded by URL never removes a term (`null` only counts in an embedded
//! context); type-scoped and property-scoped contexts share one table; aliases of `@id` / `@type` are only the
//! terms defined as the plain string. Anything the walk cannot carry (an undefined term, a keyword other than
//! `@id` / `@type`, an array in an array, a non-string type) is [`QrError::NotCompressible`].

use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{Map, Number, Value};
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

use super::cbor::Cbor;
use super::QrError;

/// JSON-LD keywords and their fixed term codes (`keywords.js`; `@propagate` and `@import` are not among them).
const KEYWORDS: &[(&str, u64)] = &[
    ("@context", 0),
    ("@type", 2),
    ("@id", 4),
    ("@value", 6),
    ("@direction", 8),
    ("@graph", 10),
    ("@included", 12),
    ("@index", 14),
    ("@json", 16),
    ("@language", 18),
    ("@list", 20),
    ("@nest", 22),
    ("@reverse", 24),
    ("@base", 26),
    ("@container", 28),
    ("@default", 30),
    ("@embed", 32),
    ("@explicit", 34),
    ("@none", 36),
    ("@omitDefault", 38),
    ("@prefix", 40),
    ("@preserve", 42),
    ("@protected", 44),
    ("@requireAll", 46),
    ("@set", 48),
    ("@version", 50),
    ("@vocab", 52),
];
const FIRST_CUSTOM_TERM_ID: u64 = 100;
const CONTEXT_ID: u64 = 0;
const CONTEXTS_ID: u64 = 1;

/// The decoder's registry of context URLs (`registeredContexts.js`); VC 2.0's context is not in it.
const REGISTERED_CONTEXTS: &[(u64, &str)] = &[
    (0x10, "https://www.w3.org/ns/activitystreams"),
    (0x11, "https://www.w3.org/2018/credentials/v1"),
    (0x12, "https://www.w3.org/ns/did/v1"),
    (0x13, "https://w3id.org/security/suites/ed25519-2018/v1"),
    (0x14, "https://w3id.org/security/suites/ed25519-2020/v1"),
    (0x15, "https://w3id.org/cit/v1"),
    (0x16, "https://w3id.org/age/v1"),
    (0x17, "https://w3id.org/security/suites/x25519-2020/v1"),
    (0x18, "https://w3id.org/veres-one/v1"),
    (0x19, "https://w3id.org/webkms/v1"),
    (0x1A, "https://w3id.org/zcap/v1"),
    (0x1B, "https://w3id.org/security/suites/hmac-2019/v1"),
    (0x1C, "https://w3id.org/security/suites/aes-2019/v1"),
    (0x1D, "https://w3id.org/vaccination/v1"),
    (0x1E, "https://w3id.org/vc-revocation-list-2020/v1"),
    (0x1F, "https://w3id.org/dcc/v1"),
    (0x20, "https://w3id.org/vc/status-list/v1"),
    (0x30, "https://w3id.org/security/data-integrity/v1"),
    (0x31, "https://w3id.org/security/multikey/v1"),
    (0x32, "https://purl.imsglobal.org/spec/ob/v3p0/context.json"),
];

// URL scheme codes (`UriEncoder.js` and friends).
const HTTP: u64 = 1;
const HTTPS: u64 = 2;
const UUID_URN: u64 = 3;
const DID_V1_NYM: u64 = 1024;
const DID_KEY: u64 = 1025;

const XSD_DATE: &str = "http://www.w3.org/2001/XMLSchema#date";
const XSD_DATETIME: &str = "http://www.w3.org/2001/XMLSchema#dateTime";
const MULTIBASE: &str = "https://w3id.org/security#multibase";

/// The largest integer a JavaScript number holds exactly (`Number.MAX_SAFE_INTEGER`).
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// Where the contexts come from: a URL → the whole context document (with its `@context`).
pub(crate) type Loader<'a> = &'a dyn Fn(&str) -> Result<Value, QrError>;

/// `doc` compressed: the CBOR-LD payload that follows the tag (the caller adds `0xd9 0x05 0x01`).
pub(crate) fn compress(doc: &Value, loader: Loader<'_>) -> Result<Cbor, QrError> {
    let mut t = Transformer::new(loader);
    match doc {
        Value::Object(obj) => t.compress(obj, &mut Vec::new()),
        Value::Array(docs) => {
            let mut maps = Vec::with_capacity(docs.len());
            for d in docs {
                let obj = d
                    .as_object()
                    .ok_or_else(|| refuse("a document in the list is not an object"))?;
                maps.push(t.compress(obj, &mut Vec::new())?);
            }
            Ok(Cbor::Array(maps))
        }
        _ => Err(refuse("the document is not a JSON object")),
    }
}

/// The document a compressed payload stands for, as the decoder would give it.
pub(crate) fn decompress(payload: &Cbor, loader: Loader<'_>) -> Result<Value, QrError> {
    let mut t = Transformer::new(loader);
    match payload {
        Cbor::Map(entries) => Ok(Value::Object(t.decompress(entries, &mut Vec::new())?)),
        Cbor::Array(maps) => {
            let mut docs = Vec::with_capacity(maps.len());
            for m in maps {
                let Cbor::Map(entries) = m else {
                    return Err(malformed("a compressed document is not a map"));
                };
                docs.push(Value::Object(t.decompress(entries, &mut Vec::new())?));
            }
            Ok(Value::Array(docs))
        }
        _ => Err(malformed("the compressed payload is not a map")),
    }
}

/// An uncompressed payload (compression mode 0) as JSON.
pub(crate) fn plain_json(item: &Cbor) -> Result<Value, QrError> {
    raw_json(item)
}

fn refuse(why: impl Into<String>) -> QrError {
    QrError::NotCompressible(why.into())
}

fn malformed(why: impl Into<String>) -> QrError {
    QrError::Malformed(why.into())
}

/// JavaScript's default string order (UTF-16 code units), which `Array.prototype.sort` uses.
fn js_order(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// JavaScript truthiness of a JSON value.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

fn keyword_id(term: &str) -> Option<u64> {
    KEYWORDS.iter().find(|(k, _)| *k == term).map(|(_, id)| *id)
}

/// What `_addContext` keeps of one context: aliases, term definitions and scoped contexts.
#[derive(Debug, Default)]
struct Entry {
    context: Map<String, Value>,
    aliases_id: BTreeSet<String>,
    aliases_type: BTreeSet<String>,
    scoped: HashMap<String, Value>,
    terms: HashMap<String, Value>,
}

/// One active context on the stack: an entry merged with the one below it.
#[derive(Debug, Default)]
struct Active {
    aliases_id: BTreeSet<String>,
    aliases_type: BTreeSet<String>,
    scoped: HashMap<String, Value>,
    terms: HashMap<String, Value>,
}

type Stack = Vec<Rc<Active>>;

fn top(stack: &Stack) -> Rc<Active> {
    stack.last().cloned().unwrap_or_default()
}

struct Transformer<'a> {
    loader: Loader<'a>,
    contexts: HashMap<String, Rc<Entry>>,
    term_to_id: HashMap<String, u64>,
    id_to_term: HashMap<u64, String>,
    next_term_id: u64,
}

impl<'a> Transformer<'a> {
    fn new(loader: Loader<'a>) -> Self {
        Self {
            loader,
            contexts: HashMap::new(),
            term_to_id: KEYWORDS.iter().map(|(k, id)| ((*k).to_owned(), *id)).collect(),
            id_to_term: KEYWORDS.iter().map(|(k, id)| (*id, (*k).to_owned())).collect(),
            next_term_id: FIRST_CUSTOM_TERM_ID,
        }
    }

    /// The `@context` object of the document at `url`.
    fn load(&self, url: &str) -> Result<Map<String, Value>, QrError> {
        match (self.loader)(url)?.get("@context") {
            Some(Value::Object(ctx)) => Ok(ctx.clone()),
            _ => Err(refuse(format!(
                "the context {url} is not a JSON-LD context object"
            ))),
        }
    }

    /// `_addContext`: assigns term codes to the context's new keys, in sorted order.
    fn add_context(
        &mut self,
        mut context: Map<String, Value>,
        cache_key: String,
    ) -> Result<Rc<Entry>, QrError> {
        if let Some(import) = context.get("@import").filter(|v| truthy(v)).cloned() {
            let Value::String(url) = import else {
                return Err(refuse("an @import that is not a URL"));
            };
            let imported = match self.contexts.get(&url_key(&url)) {
                Some(e) => e.clone(),
                None => {
                    let ctx = self.load(&url)?;
                    self.add_context(ctx, url_key(&url))?
                }
            };
            let mut merged = imported.context.clone();
            merged.extend(context);
            context = merged;
        }
        let mut entry = Entry::default();
        let mut keys: Vec<String> = context.keys().cloned().collect();
        keys.sort_by(|a, b| js_order(a, b));
        for key in keys {
            let Some(def) = context.get(&key).filter(|d| truthy(d)) else {
                continue;
            };
            let def_id = def.as_object().and_then(|o| o.get("id")).and_then(Value::as_str);
            if def.as_str() == Some("@id") || def_id == Some("@id") {
                entry.aliases_id.insert(key.clone());
            } else if def.as_str() == Some("@type") || def_id == Some("@type") {
                entry.aliases_type.insert(key.clone());
            }
            if keyword_id(&key).is_some() {
                continue;
            }
            if !self.term_to_id.contains_key(&key) {
                let id = self.next_term_id;
                self.next_term_id += 2;
                self.term_to_id.insert(key.clone(), id);
                self.id_to_term.insert(id, key.clone());
            }
            if let Some(scoped) = def
                .as_object()
                .and_then(|o| o.get("@context"))
                .filter(|c| truthy(c))
            {
                entry.scoped.insert(key.clone(), scoped.clone());
            }
            entry.terms.insert(key, def.clone());
        }
        entry.context = context;
        let entry = Rc::new(entry);
        self.contexts.insert(cache_key, entry.clone());
        Ok(entry)
    }

    /// `_updateContextStack`: pushes one active context per context in `contexts`.
    fn push_contexts(&mut self, contexts: &Value, stack: &mut Stack) -> Result<(), QrError> {
        if !truthy(contexts) {
            return Ok(());
        }
        let list: Vec<&Value> = match contexts {
            Value::Array(items) => items.iter().collect(),
            one => vec![one],
        };
        for context in list {
            let key = match context {
                Value::String(url) => url_key(url),
                Value::Object(_) => format!("object {context}"),
                _ => return Err(refuse("a @context that is neither a URL nor an object")),
            };
            let entry = match self.contexts.get(&key) {
                Some(e) => e.clone(),
                None => {
                    let ctx = match context {
                        Value::String(url) => self.load(url)?,
                        Value::Object(o) => o.clone(),
                        _ => return Err(refuse("a @context that is neither a URL nor an object")),
                    };
                    self.add_context(ctx, key)?
                }
            };
            let mut active = Active {
                aliases_id: entry.aliases_id.clone(),
                aliases_type: entry.aliases_type.clone(),
                scoped: entry.scoped.clone(),
                terms: entry.terms.clone(),
            };
            if let Some(old) = stack.last() {
                // `context[key] === null`: only an embedded context object can remove what lies below it.
                let nulled = |k: &str| matches!(context, Value::Object(o) if o.get(k) == Some(&Value::Null));
                for alias in &old.aliases_id {
                    if !(nulled(alias) || entry.terms.contains_key(alias)) {
                        active.aliases_id.insert(alias.clone());
                    }
                }
                for alias in &old.aliases_type {
                    if !(nulled(alias) || entry.terms.contains_key(alias)) {
                        active.aliases_type.insert(alias.clone());
                    }
                }
                for (k, v) in &old.scoped {
                    if !(nulled(k) || active.scoped.contains_key(k)) {
                        active.scoped.insert(k.clone(), v.clone());
                    }
                }
                for (k, v) in &old.terms {
                    if !(nulled(k) || active.terms.contains_key(k)) {
                        active.terms.insert(k.clone(), v.clone());
                    }
                }
            }
            stack.push(Rc::new(active));
        }
        Ok(())
    }

    /// `_applyTypeScopedContexts`: the scoped contexts of the object's types, in sorted order.
    fn push_type_scoped(&mut self, types: &[String], stack: &mut Stack) -> Result<(), QrError> {
        let mut types: Vec<&String> = types.iter().collect();
        types.sort_by(|a, b| js_order(a, b));
        types.dedup();
        for t in types {
            let scoped = top(stack).scoped.get(t.as_str()).cloned();
            if let Some(contexts) = scoped {
                self.push_contexts(&contexts, stack)?;
            }
        }
        Ok(())
    }

    fn id_for(&self, term: &str, plural: bool) -> Result<u64, QrError> {
        let id = self
            .term_to_id
            .get(term)
            .ok_or_else(|| refuse(format!("the term \"{term}\" has no code")))?;
        Ok(if plural { id + 1 } else { *id })
    }

    // ---------------------------------------------------------------- compression

    fn compress(&mut self, obj: &Map<String, Value>, stack: &mut Stack) -> Result<Cbor, QrError> {
        let mut out: Vec<(Cbor, Cbor)> = Vec::new();
        let own_context = obj.get("@context");
        if let Some(ctx) = own_context {
            if !truthy(ctx) {
                return Err(refuse("an empty @context (the decoder would drop it)"));
            }
            self.push_contexts(ctx, stack)?;
            out.push(encode_context(ctx)?);
        }
        // What children see: the stack with this object's own contexts, without its type-scoped ones. Shared
        // by every property that has no scoped context of its own, as the decoder shares it.
        let mut child_stack = stack.clone();
        let embedded = top(stack);
        let types = type_values(obj, &embedded)?;
        let type_top = stack.len();
        self.push_type_scoped(&types, stack)?;
        let active = top(stack);

        let mut keys: Vec<&String> = obj.keys().filter(|k| *k != "@context").collect();
        keys.sort_by(|a, b| js_order(a, b));
        let mut entries = Vec::with_capacity(keys.len());
        for key in keys {
            let def = active.terms.get(key.as_str()).cloned();
            if def.is_none() && !(key.starts_with('@') && keyword_id(key).is_some()) {
                return Err(refuse(format!(
                    "the term \"{key}\" is not defined by the contexts the VPQR decoder knows"
                )));
            }
            let value = &obj[key.as_str()];
            let plural = value.is_array();
            entries.push((key, def, value, plural, self.id_for(key, plural)?));
        }
        for (key, def, value, plural, id) in entries {
            let encoded = if key == "@id" || active.aliases_id.contains(key.as_str()) {
                encode_id(value)?
            } else if key == "@type" || active.aliases_type.contains(key.as_str()) {
                self.encode_types(value)?
            } else {
                let def = def.ok_or_else(|| refuse(format!("the keyword {key} cannot be compressed")))?;
                let values: Vec<&Value> = match value {
                    Value::Array(items) => items.iter().collect(),
                    one => vec![one],
                };
                let mut encoded = Vec::with_capacity(values.len());
                if let Some(scoped) = active.scoped.get(key.as_str()).cloned() {
                    let before = stack.len();
                    self.push_contexts(&scoped, stack)?;
                    let term_type = term_type(&top(stack), &def)?;
                    let mut property_stack = stack.clone();
                    for v in values {
                        encoded.push(self.compress_value(v, term_type.as_deref(), &mut property_stack)?);
                    }
                    stack.truncate(before);
                } else {
                    let term_type = term_type(&active, &def)?;
                    for v in values {
                        encoded.push(self.compress_value(v, term_type.as_deref(), &mut child_stack)?);
                    }
                }
                if plural {
                    Cbor::Array(encoded)
                } else {
                    encoded.pop().ok_or_else(|| refuse("a value disappeared"))?
                }
            };
            out.push((Cbor::Uint(id), encoded));
        }
        stack.truncate(type_top);
        Ok(Cbor::Map(out))
    }

    fn compress_value(
        &mut self,
        v: &Value,
        term_type: Option<&str>,
        stack: &mut Stack,
    ) -> Result<Cbor, QrError> {
        if v.is_null() {
            return Ok(Cbor::Null);
        }
        if let (Some("@vocab" | XSD_DATE | XSD_DATETIME), Value::Number(n)) = (term_type, v) {
            // The decoder would read the number as a term code or a date.
            return Err(refuse(format!(
                "the number {n} where a term or a date is expected"
            )));
        }
        if let (Some(t), Value::String(s)) = (term_type, v) {
            let typed = match t {
                "@id" => encode_uri(s),
                "@vocab" => self.encode_vocab(s),
                MULTIBASE => encode_multibase(s),
                XSD_DATE => encode_date(s),
                XSD_DATETIME => encode_datetime(s),
                _ => None,
            };
            if let Some(c) = typed {
                return Ok(c);
            }
        }
        match v {
            Value::Object(o) => self.compress(o, stack),
            Value::Array(_) => Err(refuse("an array directly inside an array")),
            scalar => json_scalar(scalar),
        }
    }

    /// `VocabTermEncoder`: a term's code, else a compressed URL, else the string.
    fn encode_vocab(&self, s: &str) -> Option<Cbor> {
        match self.term_to_id.get(s) {
            Some(id) => Some(Cbor::Uint(*id)),
            None => encode_uri(s),
        }
    }

    fn encode_types(&self, value: &Value) -> Result<Cbor, QrError> {
        let one = |v: &Value| match v {
            Value::String(s) => Ok(self.encode_vocab(s).unwrap_or_else(|| Cbor::Text(s.clone()))),
            _ => Err(refuse("a type that is not a string")),
        };
        match value {
            Value::Array(items) => Ok(Cbor::Array(items.iter().map(one).collect::<Result<_, _>>()?)),
            v => one(v),
        }
    }

    // ---------------------------------------------------------------- decompression

    fn decompress(&mut self, map: &[(Cbor, Cbor)], stack: &mut Stack) -> Result<Map<String, Value>, QrError> {
        let mut obj = Map::new();
        let single = Cbor::get_uint(map, CONTEXT_ID).filter(|c| cbor_truthy(c));
        let plural = Cbor::get_uint(map, CONTEXTS_ID).filter(|c| cbor_truthy(c));
        match (single, plural) {
            (Some(_), Some(_)) => return Err(malformed("both @context codes in one object")),
            (Some(c), None) => {
                obj.insert("@context".into(), decode_context(c)?);
            }
            (None, Some(Cbor::Array(items))) => {
                let list = items.iter().map(decode_context).collect::<Result<Vec<_>, _>>()?;
                obj.insert("@context".into(), Value::Array(list));
            }
            (None, Some(_)) => return Err(malformed("a plural @context that is not an array")),
            (None, None) => {}
        }
        if let Some(ctx) = obj.get("@context").cloned() {
            self.push_contexts(&ctx, stack)?;
        }
        let mut child_stack = stack.clone();
        let embedded = top(stack);
        // `_beforeTypeScopedContexts`: the types, read before their scoped contexts apply.
        let mut type_terms = vec!["@type".to_owned()];
        type_terms.extend(embedded.aliases_type.iter().cloned());
        for term in &type_terms {
            let Some(id) = self.term_to_id.get(term).copied() else {
                continue;
            };
            let found = Cbor::get_uint(map, id)
                .map(|v| (v, false))
                .or_else(|| Cbor::get_uint(map, id + 1).map(|v| (v, true)));
            if let Some((value, is_plural)) = found {
                obj.insert(term.clone(), self.decode_types(value, is_plural)?);
            }
        }
        let types = type_values(&obj, &embedded)?;
        let type_top = stack.len();
        self.push_type_scoped(&types, stack)?;
        let active = top(stack);

        let mut entries = Vec::new();
        for (key, value) in map {
            let id = match key {
                Cbor::Uint(id) => *id,
                _ => return Err(malformed("a key that is not a term code")),
            };
            if id == CONTEXT_ID || id == CONTEXTS_ID {
                continue;
            }
            let is_plural = id & 1 == 1;
            let term = self
                .id_to_term
                .get(&(id & !1))
                .cloned()
                .ok_or_else(|| malformed(format!("unknown term code {id}")))?;
            let def = active.terms.get(&term).cloned();
            if def.is_none() && !(term.starts_with('@') && keyword_id(&term).is_some()) {
                return Err(malformed(format!("the term \"{term}\" is not defined here")));
            }
            entries.push((term, def, is_plural, value));
        }
        entries.sort_by(|a, b| js_order(&a.0, &b.0));
        for (term, def, is_plural, value) in entries {
            let decoded = if term == "@id" || active.aliases_id.contains(&term) {
                decode_uri(value)?.map_or_else(|| raw_json(value), Ok)?
            } else if term == "@type" || active.aliases_type.contains(&term) {
                self.decode_types(value, is_plural)?
            } else {
                let def = def.ok_or_else(|| malformed(format!("the keyword {term} has no decoding")))?;
                let values: Vec<&Cbor> = match (is_plural, value) {
                    (true, Cbor::Array(items)) => items.iter().collect(),
                    (true, _) => return Err(malformed("a plural term without an array")),
                    (false, one) => vec![one],
                };
                let mut decoded = Vec::with_capacity(values.len());
                if let Some(scoped) = active.scoped.get(&term).cloned() {
                    let before = stack.len();
                    self.push_contexts(&scoped, stack)?;
                    let term_type = term_type(&top(stack), &def)?;
                    let mut property_stack = stack.clone();
                    for v in values {
                        decoded.push(self.decompress_value(v, term_type.as_deref(), &mut property_stack)?);
                    }
                    stack.truncate(before);
                } else {
                    let term_type = term_type(&active, &def)?;
                    for v in values {
                        decoded.push(self.decompress_value(v, term_type.as_deref(), &mut child_stack)?);
                    }
                }
                if is_plural {
                    Value::Array(decoded)
                } else {
                    decoded.pop().ok_or_else(|| malformed("a value disappeared"))?
                }
            };
            obj.insert(term, decoded);
        }
        stack.truncate(type_top);
        Ok(obj)
    }

    fn decompress_value(
        &mut self,
        v: &Cbor,
        term_type: Option<&str>,
        stack: &mut Stack,
    ) -> Result<Value, QrError> {
        if *v == Cbor::Null {
            return Ok(Value::Null);
        }
        let typed = match term_type {
            Some("@id") => decode_uri(v)?,
            Some("@vocab") => self.decode_vocab(v)?,
            Some(MULTIBASE) => decode_multibase(v),
            Some(XSD_DATE) => {
                fractional_is_malformed(v)?;
                match js_number(v) {
                    Some(secs) => Some(Value::String(iso_date(secs)?)),
                    None => None,
                }
            }
            Some(XSD_DATETIME) => decode_datetime(v)?,
            _ => None,
        };
        if let Some(value) = typed {
            return Ok(value);
        }
        match v {
            Cbor::Map(entries) => Ok(Value::Object(self.decompress(entries, stack)?)),
            Cbor::Array(items) => {
                let mut children = Vec::with_capacity(items.len());
                for item in items {
                    let Cbor::Map(entries) = item else {
                        return Err(malformed(
                            "an array in an array holds something other than objects",
                        ));
                    };
                    children.push(Value::Object(self.decompress(entries, stack)?));
                }
                Ok(Value::Array(children))
            }
            Cbor::Bytes(_) => Err(malformed("bytes where the decoder expects an object")),
            scalar => raw_json(scalar),
        }
    }

    /// `VocabTermDecoder`: an array is a URL, a number a term code, anything else itself.
    fn decode_vocab(&self, v: &Cbor) -> Result<Option<Value>, QrError> {
        if let Cbor::Array(_) = v {
            return decode_uri(v);
        }
        Ok(js_number(v)
            .and_then(|n| u64::try_from(n).ok())
            .and_then(|n| self.id_to_term.get(&n))
            .map(|t| Value::String(t.clone())))
    }

    fn decode_types(&self, v: &Cbor, is_plural: bool) -> Result<Value, QrError> {
        let one =
            |c: &Cbor| -> Result<Value, QrError> { self.decode_vocab(c)?.map_or_else(|| raw_json(c), Ok) };
        match (is_plural, v) {
            (true, Cbor::Array(items)) => Ok(Value::Array(items.iter().map(one).collect::<Result<_, _>>()?)),
            (true, _) => Err(malformed("plural types without an array")),
            (false, c) => one(c),
        }
    }
}

fn url_key(url: &str) -> String {
    format!("url {url}")
}

/// The string types of an object, under `@type` and the active aliases of it.
fn type_values(obj: &Map<String, Value>, active: &Active) -> Result<Vec<String>, QrError> {
    let mut out = Vec::new();
    let terms = std::iter::once("@type").chain(active.aliases_type.iter().map(String::as_str));
    for term in terms {
        match obj.get(term) {
            Some(Value::String(s)) => out.push(s.clone()),
            Some(Value::Array(items)) => {
                out.extend(items.iter().filter_map(Value::as_str).map(str::to_owned))
            }
            _ => {}
        }
    }
    Ok(out)
}

/// `_getTermType`: the term's `@type`, a compact IRI expanded through the active terms.
fn term_type(active: &Active, def: &Value) -> Result<Option<String>, QrError> {
    let Some(t) = def.as_object().and_then(|o| o.get("@type")) else {
        return Ok(None);
    };
    let t = t
        .as_str()
        .ok_or_else(|| refuse("a term whose @type is not a string"))?;
    let (prefix, suffix) = match t.split_once(':') {
        Some((p, s)) => (p, s),
        None => (t, ""),
    };
    Ok(Some(match active.terms.get(prefix) {
        None => t.to_owned(),
        Some(Value::String(iri)) => format!("{iri}{suffix}"),
        Some(Value::Object(o)) => match o.get("@id") {
            Some(Value::String(iri)) => format!("{iri}{suffix}"),
            _ => return Err(refuse("a prefix without an @id")),
        },
        Some(_) => return Err(refuse("a prefix that is not a term definition")),
    }))
}

fn encode_context(ctx: &Value) -> Result<(Cbor, Cbor), QrError> {
    let one = |c: &Value| -> Result<Cbor, QrError> {
        match c {
            Value::String(url) => Ok(REGISTERED_CONTEXTS
                .iter()
                .find(|(_, u)| u == url)
                .map_or_else(|| Cbor::Text(url.clone()), |(id, _)| Cbor::Uint(*id))),
            Value::Object(_) => json_cbor(c),
            _ => Err(refuse("a @context that is neither a URL nor an object")),
        }
    };
    Ok(match ctx {
        Value::Array(items) => (
            Cbor::Uint(CONTEXTS_ID),
            Cbor::Array(items.iter().map(one).collect::<Result<_, _>>()?),
        ),
        c => (Cbor::Uint(CONTEXT_ID), one(c)?),
    })
}

fn decode_context(c: &Cbor) -> Result<Value, QrError> {
    match js_number(c) {
        Some(n) => REGISTERED_CONTEXTS
            .iter()
            .find(|(id, _)| i128::from(*id) == n)
            .map(|(_, url)| Value::String((*url).to_owned()))
            .ok_or_else(|| malformed(format!("unknown compressed context {n}"))),
        None => raw_json(c),
    }
}

fn encode_id(value: &Value) -> Result<Cbor, QrError> {
    match value {
        Value::String(s) => Ok(encode_uri(s).unwrap_or_else(|| Cbor::Text(s.clone()))),
        Value::Array(items) if items.iter().all(Value::is_string) => json_cbor(value),
        _ => Err(refuse("an id that is not a string")),
    }
}

/// `UriEncoder`: the scheme is everything before the last colon of a string the URL parser accepts.
fn encode_uri(s: &str) -> Option<Cbor> {
    url::Url::parse(s).ok()?;
    let (scheme, _) = s.rsplit_once(':')?;
    match scheme {
        "http" | "https" => {
            if let Some(rest) = s.strip_prefix("https://") {
                Some(Cbor::Array(vec![Cbor::Uint(HTTPS), Cbor::Text(rest.to_owned())]))
            } else {
                s.strip_prefix("http://")
                    .map(|rest| Cbor::Array(vec![Cbor::Uint(HTTP), Cbor::Text(rest.to_owned())]))
            }
        }
        "urn:uuid" => {
            let rest = s.strip_prefix("urn:uuid:")?;
            let second = match uuid_bytes(rest) {
                Some(bytes) => Cbor::Bytes(bytes),
                None => Cbor::Text(rest.to_owned()),
            };
            Some(Cbor::Array(vec![Cbor::Uint(UUID_URN), second]))
        }
        "did:v1:nym" | "did:key" => {
            let (code, rest) = match s.strip_prefix("did:v1:nym:") {
                Some(rest) => (DID_V1_NYM, rest),
                None => (DID_KEY, s.strip_prefix("did:key:")?),
            };
            let mut parts = rest.split('#');
            let authority = parts.next()?;
            let fragment = parts.next();
            if parts.next().is_some() {
                return None; // the encoder would drop what follows a second '#'
            }
            let mut items = vec![Cbor::Uint(code), base58_part(authority)];
            if let Some(f) = fragment {
                items.push(base58_part(f));
            }
            Some(Cbor::Array(items))
        }
        _ => None,
    }
}

/// The 16 bytes of a lowercase UUID that the `uuid` 8 package accepts both ways (versions 1 to 5, RFC variant,
/// or nil); `None` keeps it as text.
fn uuid_bytes(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let shape = b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_digit() || (b'a'..=b'f').contains(c),
        });
    if !shape {
        return None;
    }
    let nil = s == "00000000-0000-0000-0000-000000000000";
    let rfc = (b'1'..=b'5').contains(&b[14]) && matches!(b[19], b'8' | b'9' | b'a' | b'b');
    if !(nil || rfc) {
        return None;
    }
    let hex: String = s.chars().filter(|c| *c != '-').collect();
    (0..16)
        .map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok())
        .collect()
}

fn uuid_string(bytes: &[u8]) -> Option<String> {
    if bytes.len() != 16 {
        return None;
    }
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let s = format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    );
    uuid_bytes(&s).map(|_| s)
}

fn base58_part(s: &str) -> Cbor {
    if let Some(body) = s.strip_prefix('z') {
        if let Ok(bytes) = multibase::Base::Base58Btc.decode(body) {
            if multibase::Base::Base58Btc.encode(&bytes) == body {
                return Cbor::Bytes(bytes);
            }
        }
    }
    Cbor::Text(s.to_owned())
}

fn decode_base58_part(c: &Cbor) -> Result<String, QrError> {
    match c {
        Cbor::Text(s) => Ok(s.clone()),
        Cbor::Bytes(b) => Ok(format!("z{}", multibase::Base::Base58Btc.encode(b))),
        _ => Err(malformed("a DID part that is neither text nor bytes")),
    }
}

/// `UriDecoder`: `[scheme code, …]` arrays; anything else is not a compressed URL.
fn decode_uri(v: &Cbor) -> Result<Option<Value>, QrError> {
    let Cbor::Array(items) = v else {
        return Ok(None);
    };
    let url = match (items.first().and_then(js_number), items.len()) {
        (Some(code), 2) if code == i128::from(HTTP) || code == i128::from(HTTPS) => match &items[1] {
            Cbor::Text(rest) => {
                let scheme = if code == i128::from(HTTPS) {
                    "https"
                } else {
                    "http"
                };
                format!("{scheme}://{rest}")
            }
            _ => return Ok(None),
        },
        (Some(code), 2) if code == i128::from(UUID_URN) => match &items[1] {
            Cbor::Text(rest) => format!("urn:uuid:{rest}"),
            Cbor::Bytes(b) => {
                format!(
                    "urn:uuid:{}",
                    uuid_string(b).ok_or_else(|| malformed("an invalid UUID"))?
                )
            }
            _ => return Ok(None),
        },
        (Some(code), 2 | 3) if code == i128::from(DID_KEY) || code == i128::from(DID_V1_NYM) => {
            let scheme = if code == i128::from(DID_KEY) {
                "did:key:"
            } else {
                "did:v1:nym:"
            };
            let mut url = format!("{scheme}{}", decode_base58_part(&items[1])?);
            if let Some(fragment) = items.get(2) {
                url.push('#');
                url.push_str(&decode_base58_part(fragment)?);
            }
            url
        }
        _ => return Ok(None),
    };
    Ok(Some(Value::String(url)))
}

fn encode_multibase(s: &str) -> Option<Cbor> {
    let (prefix, bytes) = if let Some(body) = s.strip_prefix('z') {
        let bytes = multibase::Base::Base58Btc.decode(body).ok()?;
        (multibase::Base::Base58Btc.encode(&bytes) == body).then_some((b'z', bytes))?
    } else if let Some(body) = s.strip_prefix('M') {
        let bytes = STANDARD.decode(body).ok()?;
        (STANDARD.encode(&bytes) == body).then_some((b'M', bytes))?
    } else {
        return None;
    };
    Some(Cbor::Bytes([vec![prefix], bytes].concat()))
}

fn decode_multibase(v: &Cbor) -> Option<Value> {
    let Cbor::Bytes(b) = v else {
        return None;
    };
    let (first, rest) = b.split_first()?;
    match first {
        b'z' => Some(Value::String(format!(
            "z{}",
            multibase::Base::Base58Btc.encode(rest)
        ))),
        b'M' => Some(Value::String(format!("M{}", STANDARD.encode(rest)))),
        _ => None,
    }
}

/// Digits at `range` of `s` as a number (ASCII digits only).
fn digits(s: &[u8], range: std::ops::Range<usize>) -> Option<u32> {
    let part = s.get(range)?;
    part.iter()
        .all(u8::is_ascii_digit)
        .then(|| part.iter().fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0')))
}

/// `YYYY-MM-DD` as a date, when it is one.
fn parse_date(s: &[u8]) -> Option<Date> {
    if s.get(4) != Some(&b'-') || s.get(7) != Some(&b'-') {
        return None;
    }
    let year = i32::try_from(digits(s, 0..4)?).ok()?;
    let month = Month::try_from(u8::try_from(digits(s, 5..7)?).ok()?).ok()?;
    let day = u8::try_from(digits(s, 8..10)?).ok()?;
    Date::from_calendar_date(year, month, day).ok()
}

/// `XsdDateEncoder`: a date as the seconds of its UTC midnight, when that is exact and not before 1970.
fn encode_date(s: &str) -> Option<Cbor> {
    let b = s.as_bytes();
    if b.len() != 10 {
        return None;
    }
    let date = parse_date(b)?;
    let secs = PrimitiveDateTime::new(date, Time::MIDNIGHT)
        .assume_utc()
        .unix_timestamp();
    u64::try_from(secs).ok().map(Cbor::Uint)
}

/// `XsdDateTimeEncoder`: `…THH:MM:SSZ` as seconds, `…THH:MM:SS.mmmZ` as `[seconds, milliseconds]`; the
/// JavaScript date string must give it back exactly, so no other form is compressed.
fn encode_datetime(s: &str) -> Option<Cbor> {
    let b = s.as_bytes();
    let millis = match b.len() {
        20 => None,
        24 if b.get(19) == Some(&b'.') => Some(digits(b, 20..23)?),
        _ => return None,
    };
    if b.get(10) != Some(&b'T')
        || b.get(13) != Some(&b':')
        || b.get(16) != Some(&b':')
        || b.last() != Some(&b'Z')
    {
        return None;
    }
    let date = parse_date(b)?;
    let time = Time::from_hms(
        u8::try_from(digits(b, 11..13)?).ok()?,
        u8::try_from(digits(b, 14..16)?).ok()?,
        u8::try_from(digits(b, 17..19)?).ok()?,
    )
    .ok()?;
    let secs = u64::try_from(PrimitiveDateTime::new(date, time).assume_utc().unix_timestamp()).ok()?;
    Some(match millis {
        None => Cbor::Uint(secs),
        Some(ms) => Cbor::Array(vec![Cbor::Uint(secs), Cbor::Uint(u64::from(ms))]),
    })
}

/// The decoder reads any number under a date type as a date; Carnet only ever writes whole seconds.
fn fractional_is_malformed(v: &Cbor) -> Result<(), QrError> {
    match v {
        Cbor::Float(f) if f.fract() != 0.0 || f.abs() > MAX_SAFE_INTEGER as f64 => {
            Err(malformed("a date that is not a whole number of seconds"))
        }
        _ => Ok(()),
    }
}

fn decode_datetime(v: &Cbor) -> Result<Option<Value>, QrError> {
    fractional_is_malformed(v)?;
    if let Some(secs) = js_number(v) {
        let iso = iso_millis(secs * 1000)?;
        return Ok(Some(Value::String(iso.replace(".000Z", "Z"))));
    }
    if let Cbor::Array(items) = v {
        if items.len() == 2 {
            return match (js_number(&items[0]), js_number(&items[1])) {
                (Some(secs), Some(ms)) => Ok(Some(Value::String(iso_millis(secs * 1000 + ms)?))),
                (None, None) => Ok(None),
                _ => Err(malformed("a date-time pair that is not two numbers")),
            };
        }
    }
    Ok(None)
}

/// JavaScript's `Date.prototype.toISOString` for a time in milliseconds since 1970 (four-digit years only).
fn iso_millis(ms: i128) -> Result<String, QrError> {
    let nanos = ms
        .checked_mul(1_000_000)
        .ok_or_else(|| malformed("a date out of range"))?;
    let t = OffsetDateTime::from_unix_timestamp_nanos(nanos).map_err(|_| malformed("a date out of range"))?;
    if !(0..=9999).contains(&t.year()) {
        return Err(malformed("a date out of range"));
    }
    Ok(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    ))
}

fn iso_date(secs: i128) -> Result<String, QrError> {
    let iso = iso_millis(secs * 1000)?;
    Ok(iso.get(..10).unwrap_or_default().to_owned())
}

/// The number a CBOR item is to JavaScript, when it is an integer (integral floats included).
fn js_number(c: &Cbor) -> Option<i128> {
    match c {
        Cbor::Uint(n) => Some(i128::from(*n)),
        Cbor::Neg(n) => Some(-1 - i128::from(*n)),
        Cbor::Float(f) if f.fract() == 0.0 && f.abs() <= MAX_SAFE_INTEGER as f64 => Some(*f as i128),
        _ => None,
    }
}

fn cbor_truthy(c: &Cbor) -> bool {
    match c {
        Cbor::Null | Cbor::Bool(false) => false,
        Cbor::Uint(0) => false,
        Cbor::Float(f) => *f != 0.0 && !f.is_nan(),
        Cbor::Text(s) => !s.is_empty(),
        _ => true,
    }
}

/// A JSON scalar as `cborg` writes a JavaScript value: safe integers as integers, other numbers as floats.
fn json_scalar(v: &Value) -> Result<Cbor, QrError> {
    Ok(match v {
        Value::Null => Cbor::Null,
        Value::Bool(b) => Cbor::Bool(*b),
        Value::String(s) => Cbor::Text(s.clone()),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                if u > MAX_SAFE_INTEGER {
                    return Err(refuse(format!(
                        "the number {n} is beyond what JavaScript reads exactly"
                    )));
                }
                Cbor::Uint(u)
            } else if let Some(i) = n.as_i64() {
                if i.unsigned_abs() > MAX_SAFE_INTEGER {
                    return Err(refuse(format!(
                        "the number {n} is beyond what JavaScript reads exactly"
                    )));
                }
                Cbor::Neg(i.unsigned_abs() - 1)
            } else {
                let f = n.as_f64().ok_or_else(|| refuse(format!("the number {n}")))?;
                if f.fract() == 0.0 && f.abs() <= MAX_SAFE_INTEGER as f64 {
                    if f >= 0.0 {
                        Cbor::Uint(f as u64)
                    } else {
                        Cbor::Neg((-f) as u64 - 1)
                    }
                } else {
                    Cbor::Float(f)
                }
            }
        }
        Value::Array(_) | Value::Object(_) => return Err(refuse("not a scalar")),
    })
}

/// Any JSON as plain CBOR (maps with text keys), for embedded contexts.
fn json_cbor(v: &Value) -> Result<Cbor, QrError> {
    Ok(match v {
        Value::Array(items) => Cbor::Array(items.iter().map(json_cbor).collect::<Result<_, _>>()?),
        Value::Object(o) => Cbor::Map(
            o.iter()
                .map(|(k, v)| Ok((Cbor::Text(k.clone()), json_cbor(v)?)))
                .collect::<Result<_, QrError>>()?,
        ),
        scalar => json_scalar(scalar)?,
    })
}

/// Plain CBOR as the JSON the decoder would print (`JSON.stringify` of what `cborg` reads).
fn raw_json(c: &Cbor) -> Result<Value, QrError> {
    Ok(match c {
        Cbor::Null => Value::Null,
        Cbor::Bool(b) => Value::Bool(*b),
        Cbor::Text(s) => Value::String(s.clone()),
        Cbor::Uint(_) | Cbor::Neg(_) | Cbor::Float(_) => match (js_number(c), c) {
            (Some(n), _) if n.unsigned_abs() <= u128::from(MAX_SAFE_INTEGER) => Value::Number(
                i64::try_from(n)
                    .map_err(|_| malformed("a number out of range"))?
                    .into(),
            ),
            (None, Cbor::Float(f)) => {
                Value::Number(Number::from_f64(*f).ok_or_else(|| malformed("a number JSON cannot hold"))?)
            }
            _ => return Err(malformed("an integer beyond what JavaScript reads exactly")),
        },
        Cbor::Array(items) => Value::Array(items.iter().map(raw_json).collect::<Result<_, _>>()?),
        Cbor::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| match k {
                    Cbor::Text(k) => Ok((k.clone(), raw_json(v)?)),
                    _ => Err(malformed("a map key that is not text")),
                })
                .collect::<Result<_, QrError>>()?,
        ),
        Cbor::Bytes(_) => return Err(malformed("bytes where text is expected")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_compress_as_the_decoder_expands_them() {
        let cases = [
            "https://example.org/a/b?c#d",
            "http://example.org/",
            "urn:uuid:7e5453e2-9027-48f7-9f19-b8a05cfd04de",
            "urn:uuid:7E5453E2-9027-48F7-9F19-B8A05CFD04DE",
            "urn:uuid:0190c6b4-7a2b-7cde-8f00-000000000000", // version 7: the decoder's uuid 8 refuses its bytes
            "did:key:z6MkrRnPy8GnhmArrnUMThr3z8ELV4v7SaemSD4Zkv7jJtu1",
            "did:key:z6MkrRnPy8GnhmArrnUMThr3z8ELV4v7SaemSD4Zkv7jJtu1#z6MkrRnPy8GnhmArrnUMThr3z8ELV4v7SaemSD4Zkv7jJtu1",
            "did:key:z6Mk#key-1",
        ];
        for url in cases {
            let c = encode_uri(url).unwrap_or_else(|| panic!("{url} is compressible"));
            assert_eq!(
                decode_uri(&c).unwrap(),
                Some(Value::String(url.to_owned())),
                "{url}"
            );
        }
        let uuid7 = encode_uri("urn:uuid:0190c6b4-7a2b-7cde-8f00-000000000000").unwrap();
        assert!(matches!(&uuid7, Cbor::Array(a) if matches!(a[1], Cbor::Text(_))));
        for not in [
            "https://example.org:8443/x",
            "did:web:example.org",
            "data:image/png;base64,AAAA",
            "x",
        ] {
            assert_eq!(encode_uri(not), None, "{not}");
        }
    }

    #[test]
    fn dates_compress_only_when_javascript_gives_them_back() {
        assert_eq!(
            encode_datetime("2024-01-01T00:00:00Z"),
            Some(Cbor::Uint(1_704_067_200))
        );
        assert_eq!(
            encode_datetime("2024-01-01T00:00:00.250Z"),
            Some(Cbor::Array(vec![Cbor::Uint(1_704_067_200), Cbor::Uint(250)]))
        );
        for kept in [
            "2024-01-01T00:00:00.25Z",
            "2024-01-01T00:00:00+01:00",
            "2024-02-30T00:00:00Z",
            "1969-12-31T23:59:59Z",
            "2024-01-01T24:00:00Z",
        ] {
            assert_eq!(encode_datetime(kept), None, "{kept}");
        }
        for s in [
            "2024-01-01T00:00:00Z",
            "2099-12-31T23:59:59Z",
            "2024-06-30T12:34:56.000Z",
        ] {
            let c = encode_datetime(s).unwrap();
            assert_eq!(decode_datetime(&c).unwrap(), Some(Value::String(s.to_owned())));
        }
        assert_eq!(encode_date("2024-03-05"), Some(Cbor::Uint(1_709_596_800)));
        assert_eq!(iso_date(1_709_596_800).unwrap(), "2024-03-05");
        assert_eq!(encode_date("2024-3-5"), None);
    }

    #[test]
    fn multibase_compresses_only_canonical_text() {
        for s in ["z3yZe7d", "MAQID"] {
            let c = encode_multibase(s);
            if let Some(c) = c {
                assert_eq!(decode_multibase(&c), Some(Value::String(s.to_owned())));
            }
        }
        let z = encode_multibase("zHHeLqzEbRk2MXSC3UTW3BrfiP9rnFLtXM91h2gnHbYGm").unwrap();
        assert!(matches!(&z, Cbor::Bytes(b) if b[0] == b'z'));
        assert_eq!(
            encode_multibase("MAQI"),
            None,
            "unpadded base64 is not what the decoder writes back"
        );
        assert_eq!(encode_multibase("z0OIl"), None, "not base58");
    }
}
