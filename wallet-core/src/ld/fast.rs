//! The fast path of JSON-LD expansion: the common shape of a credential (bundled contexts named by URL, terms they
//! define, plain values, nested objects) expanded with processed contexts computed once and kept ([`Contexts`]),
//! instead of processing every context again for every document and every typed object. Anything outside that
//! shape — or anything the JSON-LD algorithm would warn about, refuse or treat specially — is declined (`None`), and
//! the document goes through the full JSON-LD expansion exactly as before. What this path produces is the same
//! expanded document that expansion would produce (the tests in `tests/it/ld_fast.rs` compare both on every corpus);
//! it is then turned into RDF (`to_rdf`), audited, read and canonicalized by the same code as the full path. It reads
//! and writes `serde_json` values, so the document is neither printed nor parsed again on this path.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::{Map, Value};
use ssi::json_ld::json_ld as jld;
use ssi::json_ld::syntax::Parse;

use jld::context_processing::{Options as ProcessingOptions, Process};
use jld::syntax::Keyword;

/// A processed JSON-LD context.
pub(super) type Processed = jld::Context;

/// How many processed contexts the store keeps (each document shape reaches a handful).
const CAP: usize = 4096;

/// The deepest nesting the fast path follows (safe mode refuses deeper documents anyway).
const MAX_DEPTH: usize = 128;

/// How a processed context is reached from another.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Step {
    /// A nested object reverts a non-propagating (type-scoped) context to the one before it.
    Revert,
    /// The scoped context of a term defined in the context identified by the first field, applied as a
    /// type-scoped context (not propagated), or as a property-scoped one (on an object: overriding protected
    /// terms; on a scalar: plainly).
    Scoped(usize, String, Scope),
    /// An embedded `@context` made only of (bundled) context URLs, by its JSON text.
    Local(String),
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Scope {
    Type,
    PropertyObject,
    PropertyScalar,
}

#[derive(Default)]
struct Store {
    /// Top-level contexts, by the JSON text of the `@context` value (a list of bundled URLs).
    top: HashMap<String, Arc<Processed>>,
    /// Contexts reached from another (by its identity in this store) through a step.
    next: HashMap<(usize, Step), Arc<Processed>>,
}

/// Every context of the store lives as long as the process: a context's identity (its address) is then never
/// reused by another, which the keys of `next` rely on.
fn store() -> &'static Mutex<Store> {
    static STORE: OnceLock<Mutex<Store>> = OnceLock::new();
    STORE.get_or_init(Default::default)
}

fn id(ctx: &Arc<Processed>) -> usize {
    Arc::as_ptr(ctx) as usize
}

/// Runs a future that never waits (context processing with the bundled, in-memory loader) to completion; `None`
/// if it would wait.
fn now<F: std::future::Future>(f: F) -> Option<F::Output> {
    let mut f = std::pin::pin!(f);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match f.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(out) => Some(out),
        std::task::Poll::Pending => None,
    }
}

fn process(
    local: &jld::syntax::context::Context,
    active: &Processed,
    base_url: Option<jld::IriBuf>,
    options: ProcessingOptions,
) -> Option<Processed> {
    let loader = super::loader().ok()?;
    now(local.process_with(&mut (), active, loader, base_url, options))?
        .ok()
        .map(|p| p.into_processed())
}

/// The processed top-level context for a `@context` value made only of context URLs (all bundled, checked by the
/// caller), kept in the store. `None` when it is anything else, does not process, or the store is full.
pub(super) fn top(ctx: &serde_json::Value) -> Option<Arc<Processed>> {
    use jld::syntax::TryFromJson;
    let urls_only = match ctx {
        serde_json::Value::String(_) => true,
        serde_json::Value::Array(items) => items.iter().all(serde_json::Value::is_string),
        _ => false,
    };
    if !urls_only {
        return None;
    }
    let key = ctx.to_string();
    if let Some(hit) = store().lock().ok()?.top.get(&key) {
        return Some(hit.clone());
    }
    let (json, _) = jld::syntax::Value::parse_str(&key).ok()?;
    let local = jld::syntax::context::Context::try_from_json(json).ok()?;
    let processed = Arc::new(process(&local, &Processed::default(), None, Default::default())?);
    let mut s = store().lock().ok()?;
    if s.top.len() + s.next.len() >= CAP {
        return None;
    }
    Some(s.top.entry(key).or_insert(processed).clone())
}

/// The context one step away from `from` (computed once, then kept).
fn step(from: &Arc<Processed>, step: Step) -> Option<Arc<Processed>> {
    let key = (id(from), step);
    if let Some(hit) = store().lock().ok()?.next.get(&key) {
        return Some(hit.clone());
    }
    let processed = match &key.1 {
        Step::Revert => from.previous_context()?.clone(),
        Step::Local(text) => {
            use jld::syntax::TryFromJson;
            let (json, _) = jld::syntax::Value::parse_str(text).ok()?;
            let local = jld::syntax::context::Context::try_from_json(json).ok()?;
            process(&local, from, None, Default::default())?
        }
        Step::Scoped(def_in, term, scope) => {
            // The context the term is defined in is `from` itself or one of the store's (by identity).
            let s = store().lock().ok()?;
            let owner = if *def_in == id(from) {
                from.clone()
            } else {
                s.top
                    .values()
                    .chain(s.next.values())
                    .find(|c| id(c) == *def_in)?
                    .clone()
            };
            drop(s);
            let def = owner.get(term.as_str())?;
            let local = def.context()?;
            let base_url = def.base_url().cloned();
            let options = ProcessingOptions::default();
            let options = match scope {
                Scope::Type => options.without_propagation(),
                Scope::PropertyObject => options.with_override(),
                Scope::PropertyScalar => options,
            };
            process(local, from, base_url, options)?
        }
    };
    let mut s = store().lock().ok()?;
    if s.top.len() + s.next.len() >= CAP {
        return None;
    }
    Some(s.next.entry(key).or_insert(Arc::new(processed)).clone())
}

/// What a key or an IRI-valued string expands to, in the cases the fast path follows.
enum Expanded<'c> {
    Keyword(Keyword),
    Iri(&'c str),
    Absolute,
}

/// IRI expansion as JSON-LD does it, for the cases that involve no warning, no vocabulary mapping, no compact IRI,
/// no blank node and no base IRI; `None` for any other case.
fn expand_iri<'c>(ctx: &'c Processed, s: &str, vocab: bool) -> Option<Expanded<'c>> {
    if s.is_empty() || s.starts_with('@') {
        return None;
    }
    if let Some(def) = ctx.get(s) {
        match def.value()? {
            jld::Term::Keyword(k) => return Some(Expanded::Keyword(*k)),
            jld::Term::Id(jld::Id::Valid(jld::ValidId::Iri(iri))) if vocab => {
                return Some(Expanded::Iri(iri.as_str()))
            }
            _ if vocab => return None,
            _ => {}
        }
    }
    match s.find(':') {
        Some(i) if i > 0 => {
            if s.starts_with("_:") {
                return None;
            }
            if let Some(prefix) = ctx.get_normal(&s[..i]) {
                if prefix.prefix {
                    return None;
                }
            }
            jld::iref::Iri::new(s).ok().map(|_| Expanded::Absolute)
        }
        _ => None,
    }
}

fn iri_value(e: Expanded<'_>, s: &str) -> Option<Value> {
    match e {
        Expanded::Iri(iri) => Some(Value::String(iri.into())),
        Expanded::Absolute => Some(Value::String(s.into())),
        Expanded::Keyword(_) => None,
    }
}

fn object(entries: Vec<(&str, Value)>) -> Value {
    Value::Object(entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

/// The expanded form of a top-level object, as JSON (`[node]`), or `None` where the full algorithm must decide.
/// `top` is the processed form of the document's own `@context` (see [`top`]), which is not processed again.
pub(super) fn expand(top: &Arc<Processed>, doc: &Value) -> Option<Value> {
    let Value::Object(_) = doc else { return None };
    let node = expand_object(top, None, doc, 0)?;
    // A node holding nothing but its id is dropped at the top level: the full algorithm says what that means.
    match &node {
        Value::Object(o) if o.keys().any(|k| k != "@id") => Some(Value::Array(vec![node])),
        _ => None,
    }
}

/// Expand `value`, the value of `property` (defined in `ctx`), appending the expanded items to `out`.
fn expand_value(
    ctx: &Arc<Processed>,
    property: &str,
    value: &Value,
    out: &mut Vec<Value>,
    depth: usize,
) -> Option<()> {
    match value {
        Value::Null => None,
        Value::Array(items) => {
            if items.is_empty() {
                return None;
            }
            for item in items {
                if matches!(item, Value::Array(_)) {
                    return None;
                }
                expand_value(ctx, property, item, out, depth)?;
            }
            Some(())
        }
        Value::Object(_) => {
            out.push(expand_object(ctx, Some(property), value, depth + 1)?);
            Some(())
        }
        scalar => {
            let def = ctx.get(property)?;
            let ctx = match def.context() {
                Some(_) => step(ctx, Step::Scoped(id(ctx), property.into(), Scope::PropertyScalar))?,
                None => ctx.clone(),
            };
            out.push(expand_scalar(&ctx, property, scalar)?);
            Some(())
        }
    }
}

/// Value expansion of a string, number or boolean.
fn expand_scalar(ctx: &Processed, property: &str, value: &Value) -> Option<Value> {
    let def = ctx.get(property)?;
    if def.direction().is_some() || ctx.default_base_direction().is_some() {
        return None;
    }
    match (def.typ(), value) {
        (Some(jld::Type::Id), Value::String(s)) => {
            let e = expand_iri(ctx, s, false)?;
            Some(object(vec![("@id", iri_value(e, s)?)]))
        }
        (Some(jld::Type::Vocab), Value::String(s)) => {
            let e = expand_iri(ctx, s, true)?;
            Some(object(vec![("@id", iri_value(e, s)?)]))
        }
        (Some(jld::Type::Iri(t)), v) => Some(object(vec![
            ("@value", v.clone()),
            ("@type", Value::String(t.as_str().into())),
        ])),
        (None | Some(jld::Type::Id) | Some(jld::Type::Vocab), v) => {
            if let Value::String(_) = v {
                let no_language = match def.language() {
                    Some(l) => l.is_null(),
                    None => ctx.default_language().is_none(),
                };
                if !no_language {
                    return None;
                }
            }
            Some(object(vec![("@value", v.clone())]))
        }
        _ => None,
    }
}

/// Node expansion of a JSON object, the value of `property` (`None` at the top level) in `ctx`.
fn expand_object(ctx: &Arc<Processed>, property: Option<&str>, value: &Value, depth: usize) -> Option<Value> {
    let Value::Object(element) = value else {
        return None;
    };
    if depth > MAX_DEPTH {
        return None;
    }
    // A type-scoped context does not reach nested objects, except a bare reference (a single key meaning `@id`).
    let only_id = match (element.len(), element.keys().next()) {
        (1, Some(k)) => {
            k == "@id" || matches!(expand_iri(ctx, k, true), Some(Expanded::Keyword(Keyword::Id)))
        }
        _ => false,
    };
    let mut active = ctx.clone();
    if active.previous_context().is_some() && !only_id {
        active = step(&active, Step::Revert)?;
    }
    if let Some(p) = property {
        if ctx.get(p)?.context().is_some() {
            active = step(&active, Step::Scoped(id(ctx), p.into(), Scope::PropertyObject))?;
        }
    }
    // An embedded context (an embedded credential's): context URLs only. The top level's is the one `ctx` holds.
    if let Some(local) = element.get("@context").filter(|_| depth > 0) {
        let urls_only = match local {
            Value::String(_) => true,
            Value::Array(items) => items.iter().all(|i| matches!(i, Value::String(_))),
            _ => false,
        };
        if !urls_only {
            return None;
        }
        active = step(&active, Step::Local(local.to_string()))?;
    }
    // The entries meaning `@type` in the context that applies to this object before its types are looked at; the
    // others are expanded once the types' scoped contexts apply (they may define them).
    let mut type_entries: Vec<&Value> = Vec::new();
    let mut others: Vec<(&str, &Value)> = Vec::new();
    for (k, v) in element {
        let k = k.as_str();
        if k == "@context" {
            continue;
        }
        if k == "@type"
            || matches!(
                expand_iri(&active, k, true),
                Some(Expanded::Keyword(Keyword::Type))
            )
        {
            type_entries.push(v);
        } else {
            others.push((k, v));
        }
    }
    if type_entries.len() > 1 {
        return None;
    }
    // Type-scoped contexts, in the order of the types' names, defined in the context before any of them.
    let type_scoped = active.clone();
    let mut types = Vec::new();
    if let Some(v) = type_entries.first() {
        match v {
            Value::String(s) => types.push(s.as_str()),
            Value::Array(items) if !items.is_empty() => {
                for t in items.iter() {
                    types.push(t.as_str()?);
                }
            }
            _ => return None,
        }
        let mut sorted = types.clone();
        sorted.sort_unstable();
        for t in sorted {
            if let Some(def) = type_scoped.get(t) {
                if def.context().is_some() {
                    active = step(&active, Step::Scoped(id(&type_scoped), t.into(), Scope::Type))?;
                }
            }
        }
    }
    let mut id_value = None;
    let mut properties: Vec<(&str, &Value)> = Vec::with_capacity(others.len());
    for (k, v) in others {
        let e = match k {
            "@id" => Expanded::Keyword(Keyword::Id),
            _ => expand_iri(&active, k, true)?,
        };
        match e {
            Expanded::Keyword(Keyword::Id) => {
                if id_value.replace(v).is_some() {
                    return None;
                }
            }
            Expanded::Iri(_) => properties.push((k, v)),
            _ => return None,
        }
    }
    let mut out: Vec<(String, Value)> = Vec::with_capacity(properties.len() + 2);
    if let Some(v) = id_value {
        let Value::String(s) = v else { return None };
        let e = expand_iri(&active, s, false)?;
        out.push(("@id".into(), iri_value(e, s)?));
    }
    if !types.is_empty() {
        let mut expanded = Vec::with_capacity(types.len());
        for t in types {
            let e = expand_iri(&type_scoped, t, true)?;
            expanded.push(iri_value(e, t)?);
        }
        out.push(("@type".into(), Value::Array(expanded)));
    }
    for (k, v) in properties {
        let def = active.get(k)?;
        if def.reverse_property() || def.index().is_some() || def.nest().is_some() {
            return None;
        }
        // `@graph` (e.g. `proof`, `verifiableCredential`): each value becomes a graph object of its own. `@list`
        // (e.g. Open Badges' `allowedValue`): the values, in order, become one list object.
        let (graph, list) = match def.container() {
            jld::Container::None | jld::Container::Set => (false, false),
            jld::Container::Graph | jld::Container::GraphSet => (true, false),
            jld::Container::List => (false, true),
            _ => return None,
        };
        if matches!(def.typ(), Some(jld::Type::Json | jld::Type::None)) {
            return None;
        }
        let iri = match expand_iri(&active, k, true)? {
            Expanded::Iri(iri) => iri.to_owned(),
            _ => return None,
        };
        let mut values = Vec::new();
        expand_value(&active, k, v, &mut values, depth)?;
        if graph {
            values = values
                .into_iter()
                .map(|v| object(vec![("@graph", Value::Array(vec![v]))]))
                .collect();
        }
        if list {
            values = vec![object(vec![("@list", Value::Array(values))])];
        }
        match out.iter_mut().find(|(key, _)| *key == iri) {
            Some((_, Value::Array(existing))) => existing.extend(values),
            _ => out.push((iri, Value::Array(values))),
        }
    }
    Some(Value::Object(out.into_iter().collect::<Map<String, Value>>()))
}
