//! RDF Dataset Canonicalization (RDFC-1.0, formerly URDNA2015): canonical blank-node labels for the N-Quads that
//! Data Integrity proofs sign.
//!
//! Adapted from ssi-rdf 0.1.1 (`urdna2015.rs`, Apache-2.0, © Spruce Systems), with a fix: in Hash N-Degree Quads
//! step 5.4.4.1 ssi puts an already-canonical related node in the recursion list instead of appending its
//! canonical label to the path. Two identical blank nodes hanging off differently labelled parents (e.g. two equal
//! `alignment` objects in the OB 3.0 spec's example 36) then hash the same and are labelled in arbitrary order, so
//! valid signatures from other implementations fail. The W3C test vector in `tests/it/verify.rs` covers this.

use std::collections::{BTreeMap, HashSet};

use sha2::{Digest, Sha256};
use ssi::json_ld::json_ld::rdf_types::{BlankId, BlankIdBuf, GraphLabel, Id, LexicalQuad, Object, Subject};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn sha256_hex(s: &str) -> String {
    hex(&Sha256::digest(s.as_bytes()))
}

/// Blank nodes of a quad with their position letter (`s`, `o`, `g`).
fn blanks(q: &LexicalQuad) -> Vec<(&BlankId, char)> {
    let mut out = Vec::new();
    if let Subject::Blank(b) = &q.0 {
        out.push((b.as_blank_id_ref(), 's'));
    }
    if let Object::Id(Id::Blank(b)) = &q.2 {
        out.push((b.as_blank_id_ref(), 'o'));
    }
    if let Some(GraphLabel::Blank(b)) = &q.3 {
        out.push((b.as_blank_id_ref(), 'g'));
    }
    out
}

fn relabel(q: &LexicalQuad, f: impl Fn(&BlankId) -> String) -> Result<LexicalQuad, String> {
    let mut q = q.clone();
    let new =
        |b: &BlankIdBuf| BlankIdBuf::new(f(b.as_blank_id_ref())).map_err(|e| format!("bad blank id: {e:?}"));
    if let Subject::Blank(b) = &mut q.0 {
        *b = new(b)?;
    }
    if let Object::Id(Id::Blank(b)) = &mut q.2 {
        *b = new(b)?;
    }
    if let Some(GraphLabel::Blank(b)) = &mut q.3 {
        *b = new(b)?;
    }
    Ok(q)
}

fn nquad(q: &LexicalQuad) -> String {
    format!("{q} .\n")
}

/// Issues `prefix + counter` identifiers, remembering the order.
#[derive(Clone, Debug)]
struct Issuer {
    prefix: &'static str,
    issued: Vec<(String, String)>,
}

impl Issuer {
    fn new(prefix: &'static str) -> Self {
        Self {
            prefix,
            issued: Vec::new(),
        }
    }
    fn get(&self, existing: &str) -> Option<&str> {
        self.issued
            .iter()
            .find(|(e, _)| e == existing)
            .map(|(_, i)| i.as_str())
    }
    fn issue(&mut self, existing: &str) -> String {
        if let Some(i) = self.get(existing) {
            return i.to_owned();
        }
        let id = format!("{}{}", self.prefix, self.issued.len());
        self.issued.push((existing.to_owned(), id.clone()));
        id
    }
}

struct State<'a> {
    quads_of: BTreeMap<String, Vec<&'a LexicalQuad>>,
    canonical: Issuer,
    /// Hash N-Degree Quads calls left: hostile inputs (many nested, identical blank nodes) make the algorithm
    /// factorial; past this budget the document is refused instead of hanging.
    budget: std::cell::Cell<u32>,
}

/// Hash N-Degree Quads steps (calls and permutations tried) allowed for one document; real credentials need a
/// handful, a hostile one would need billions.
const BUDGET: u32 = 200_000;

impl State<'_> {
    fn hash_first_degree(&self, id: &str) -> Result<String, String> {
        let mut lines = Vec::new();
        for q in self.quads_of.get(id).into_iter().flatten() {
            let q = relabel(q, |b| {
                if b.suffix() == id {
                    "_:a".into()
                } else {
                    "_:z".into()
                }
            })?;
            lines.push(nquad(&q));
        }
        lines.sort();
        Ok(sha256_hex(&lines.concat()))
    }

    fn hash_related(
        &self,
        related: &str,
        q: &LexicalQuad,
        issuer: &Issuer,
        position: char,
    ) -> Result<String, String> {
        let identifier = match self.canonical.get(related).or_else(|| issuer.get(related)) {
            Some(i) => format!("_:{i}"),
            None => self.hash_first_degree(related)?,
        };
        let mut input = position.to_string();
        if position != 'g' {
            input.push('<');
            input.push_str(q.1.as_str());
            input.push('>');
        }
        input.push_str(&identifier);
        Ok(sha256_hex(&input))
    }

    fn hash_n_degree(&self, id: &str, issuer: &Issuer, depth: usize) -> Result<(String, Issuer), String> {
        if depth > 64 {
            return Err("blank nodes nested too deep to canonicalize".into());
        }
        let left = self.budget.get();
        if left == 0 {
            return Err("too many indistinguishable blank nodes to canonicalize".into());
        }
        self.budget.set(left - 1);
        let mut issuer = issuer.clone();
        let mut related_by_hash: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for q in self.quads_of.get(id).into_iter().flatten() {
            for (b, pos) in blanks(q) {
                if b.suffix() != id {
                    let h = self.hash_related(b.suffix(), q, &issuer, pos)?;
                    related_by_hash.entry(h).or_default().push(b.suffix().to_owned());
                }
            }
        }
        let mut data = String::new();
        for (hash, list) in related_by_hash {
            data.push_str(&hash);
            let mut chosen_path = String::new();
            let mut chosen_issuer: Option<Issuer> = None;
            if list.len() > 8 {
                return Err("too many equivalent blank nodes to canonicalize".into());
            }
            'permutation: for perm in permutations(&list) {
                let left = self.budget.get();
                if left == 0 {
                    return Err("too many indistinguishable blank nodes to canonicalize".into());
                }
                self.budget.set(left - 1);
                let mut copy = issuer.clone();
                let mut path = String::new();
                let mut recursion = Vec::new();
                for related in &perm {
                    if let Some(c) = self.canonical.get(related) {
                        path.push_str("_:");
                        path.push_str(c);
                    } else {
                        if copy.get(related).is_none() {
                            recursion.push(related.clone());
                        }
                        path.push_str("_:");
                        path.push_str(&copy.issue(related));
                    }
                    if !chosen_path.is_empty() && path.len() >= chosen_path.len() && path > chosen_path {
                        continue 'permutation;
                    }
                }
                for related in recursion {
                    let (h, next) = self.hash_n_degree(&related, &copy, depth + 1)?;
                    copy = next;
                    path.push_str("_:");
                    path.push_str(&copy.issue(&related));
                    path.push('<');
                    path.push_str(&h);
                    path.push('>');
                    if !chosen_path.is_empty() && path.len() >= chosen_path.len() && path > chosen_path {
                        continue 'permutation;
                    }
                }
                if chosen_path.is_empty() || path < chosen_path {
                    chosen_path = path;
                    chosen_issuer = Some(copy);
                }
            }
            data.push_str(&chosen_path);
            issuer = chosen_issuer.ok_or("no canonical path was chosen")?;
        }
        Ok((sha256_hex(&data), issuer))
    }
}

fn permutations(items: &[String]) -> Vec<Vec<String>> {
    if items.len() <= 1 {
        return vec![items.to_vec()];
    }
    let mut out = Vec::new();
    for i in 0..items.len() {
        let mut rest = items.to_vec();
        let first = rest.remove(i);
        for mut p in permutations(&rest) {
            p.insert(0, first.clone());
            out.push(p);
        }
    }
    out
}

/// The canonical N-Quads lines (sorted, each ending in `\n`) of a dataset.
pub fn canonicalize(quads: &[LexicalQuad]) -> Result<Vec<String>, String> {
    // An RDF dataset is a set: a quad JSON-LD produced twice (the same image node described under the credential
    // and under its achievement) counts once, or it would weigh twice in the first-degree hash of a blank node —
    // here the blank graph a presentation puts each credential in — and labels would differ from every other
    // implementation's.
    let mut seen = HashSet::new();
    let quads: Vec<&LexicalQuad> = quads.iter().filter(|q| seen.insert(nquad(q))).collect();
    let mut quads_of: BTreeMap<String, Vec<&LexicalQuad>> = BTreeMap::new();
    for q in quads.iter().copied() {
        for (b, _) in blanks(q) {
            quads_of.entry(b.suffix().to_owned()).or_default().push(q);
        }
    }
    let mut state = State {
        quads_of,
        canonical: Issuer::new("c14n"),
        budget: std::cell::Cell::new(BUDGET),
    };
    let mut pending: HashSet<String> = state.quads_of.keys().cloned().collect();
    loop {
        let mut by_hash: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for id in &pending {
            by_hash
                .entry(state.hash_first_degree(id)?)
                .or_default()
                .push(id.clone());
        }
        let mut simple = false;
        for list in by_hash.values() {
            if let [only] = list.as_slice() {
                state.canonical.issue(only);
                pending.remove(only);
                simple = true;
            }
        }
        if !simple {
            for list in by_hash.values().filter(|l| l.len() > 1) {
                let mut paths = Vec::new();
                for id in list {
                    if state.canonical.get(id).is_some() {
                        continue;
                    }
                    let mut temp = Issuer::new("b");
                    temp.issue(id);
                    paths.push(state.hash_n_degree(id, &temp, 0)?);
                }
                paths.sort_by(|a, b| a.0.cmp(&b.0));
                for (_, issuer) in paths {
                    for (existing, _) in issuer.issued {
                        state.canonical.issue(&existing);
                    }
                }
            }
            break;
        }
    }
    let mut lines = Vec::with_capacity(quads.len());
    for q in quads {
        let q = relabel(q, |b| match state.canonical.get(b.suffix()) {
            Some(c) => format!("_:{c}"),
            None => format!("_:{}", b.suffix()),
        })?;
        lines.push(nquad(&q));
    }
    lines.sort();
    lines.dedup();
    Ok(lines)
}
