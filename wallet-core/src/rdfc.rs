//! RDF Dataset Canonicalization (RDFC-1.0, formerly URDNA2015): canonical blank-node labels for the N-Quads that
//! Data Integrity proofs sign.
//!
//! Adapted from ssi-rdf 0.1.1 (`urdna2015.rs`, Apache-2.0, © Spruce Systems), with a fix: in Hash N-Degree Quads
//! step 5.4.4.1 ssi puts an already-canonical related node in the recursion list instead of appending its
//! canonical label to the path. Two identical blank nodes hanging off differently labelled parents (e.g. two equal
//! `alignment` objects in the OB 3.0 spec's example 36) then hash the same and are labelled in arbitrary order, so
//! valid signatures from other implementations fail. The W3C test vector in `tests/it/verify.rs` covers this.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use sha2::{Digest, Sha256};
use ssi::json_ld::json_ld::rdf_types::{GraphLabel, Id, LexicalQuad, Object, RdfDisplay, Subject};

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

fn sha256_hex(s: &str) -> String {
    hex(&Sha256::digest(s.as_bytes()))
}

/// A term of a quad: its N-Quads text (`<iri>`, `"literal"^^<datatype>`), or a blank node by its label (without
/// `_:`), which canonicalization renames.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Term {
    /// An IRI or a literal, exactly as N-Quads writes it.
    Text(String),
    /// A blank node label.
    Blank(String),
}

/// A quad with its terms already in N-Quads text: canonicalization only renames blank nodes, so everything else is
/// written once.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Quad {
    /// Subject.
    pub s: Term,
    /// Predicate (`<iri>`).
    pub p: String,
    /// Object.
    pub o: Term,
    /// Graph name, `None` for the default graph.
    pub g: Option<Term>,
}

impl Quad {
    /// Blank nodes of the quad with their position letter (`s`, `o`, `g`).
    fn blanks(&self) -> impl Iterator<Item = (&str, char)> {
        fn b(t: &Term) -> Option<&str> {
            match t {
                Term::Blank(b) => Some(b.as_str()),
                Term::Text(_) => None,
            }
        }
        [
            b(&self.s).map(|x| (x, 's')),
            b(&self.o).map(|x| (x, 'o')),
            self.g.as_ref().and_then(b).map(|x| (x, 'g')),
        ]
        .into_iter()
        .flatten()
    }

    /// Appends the quad's N-Quads line (ending with ` .\n`), blank nodes named by `label` (without `_:`).
    fn write<'a>(&'a self, out: &mut String, label: impl Fn(&'a str) -> &'a str) {
        let term = |t: &'a Term, out: &mut String| match t {
            Term::Text(x) => out.push_str(x),
            Term::Blank(b) => {
                out.push_str("_:");
                out.push_str(label(b));
            }
        };
        term(&self.s, out);
        out.push(' ');
        out.push_str(&self.p);
        out.push(' ');
        term(&self.o, out);
        if let Some(g) = &self.g {
            out.push(' ');
            term(g, out);
        }
        out.push_str(" .\n");
    }

    /// The quad of a JSON-LD / RDF library, its terms written as that library writes them.
    pub fn of(q: &LexicalQuad) -> Self {
        let s = match &q.0 {
            Subject::Blank(b) => Term::Blank(b.suffix().to_owned()),
            other => Term::Text(other.rdf_display().to_string()),
        };
        let o = match &q.2 {
            Object::Id(Id::Blank(b)) => Term::Blank(b.suffix().to_owned()),
            other => Term::Text(other.rdf_display().to_string()),
        };
        let g = q.3.as_ref().map(|g| match g {
            GraphLabel::Blank(b) => Term::Blank(b.suffix().to_owned()),
            other => Term::Text(other.rdf_display().to_string()),
        });
        Self {
            s,
            p: q.1.rdf_display().to_string(),
            o,
            g,
        }
    }
}

/// An IRI as N-Quads writes it (as rdf-types does: characters an IRI cannot hold escaped, though a valid IRI has
/// none).
pub fn iri_text(iri: &str) -> String {
    let mut out = String::with_capacity(iri.len() + 2);
    out.push('<');
    for c in iri.chars() {
        match c {
            '\x00'..='\x20' | '<' | '>' | '"' | '{' | '}' | '|' | '^' | '`' | '\\' => {
                let _ = write!(out, "\\u{:#04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('>');
    out
}

/// The IRI of `xsd:string`, the datatype N-Quads leaves unwritten.
pub const XSD_STRING: &str = "http://www.w3.org/2001/XMLSchema#string";

/// A literal as N-Quads writes it (as rdf-types does: `"`, `\\`, line feed and carriage return escaped; the
/// datatype omitted when it is `xsd:string`).
pub fn literal_text(value: &str, datatype: &str) -> String {
    let mut out = String::with_capacity(value.len() + datatype.len() + 6);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('"');
    if datatype != XSD_STRING {
        out.push_str("^^");
        out.push_str(&iri_text(datatype));
    }
    out
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
    quads_of: HashMap<&'a str, Vec<&'a Quad>>,
    /// First-degree hashes, computed once per blank node (they depend on nothing issued).
    first_degree: HashMap<&'a str, String>,
    canonical: Issuer,
    /// Hash N-Degree Quads calls left: hostile inputs (many nested, identical blank nodes) make the algorithm
    /// factorial; past this budget the document is refused instead of hanging.
    budget: std::cell::Cell<u32>,
}

/// Hash N-Degree Quads steps (calls and permutations tried) allowed for one document; real credentials need a
/// handful, a hostile one would need billions.
const BUDGET: u32 = 200_000;

impl<'a> State<'a> {
    /// Hash First Degree Quads (RDFC-1.0 §4.6).
    fn compute_first_degree(quads: &[&'a Quad], id: &str) -> String {
        let mut lines: Vec<String> = quads
            .iter()
            .map(|q| {
                let mut line = String::with_capacity(128);
                q.write(&mut line, |b| if b == id { "a" } else { "z" });
                line
            })
            .collect();
        lines.sort_unstable();
        let mut hasher = Sha256::new();
        for l in &lines {
            hasher.update(l.as_bytes());
        }
        hex(&hasher.finalize())
    }

    fn hash_first_degree(&self, id: &str) -> Result<String, String> {
        match self.first_degree.get(id) {
            Some(h) => Ok(h.clone()),
            None => Err(format!("no quads for the blank node {id}")),
        }
    }

    fn hash_related(
        &self,
        related: &str,
        q: &Quad,
        issuer: &Issuer,
        position: char,
    ) -> Result<String, String> {
        let identifier = match self.canonical.get(related).or_else(|| issuer.get(related)) {
            Some(i) => format!("_:{i}"),
            None => self.hash_first_degree(related)?,
        };
        let mut input = String::with_capacity(q.p.len() + identifier.len() + 1);
        input.push(position);
        if position != 'g' {
            input.push_str(&q.p);
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
            for (b, pos) in q.blanks() {
                if b != id {
                    let h = self.hash_related(b, q, &issuer, pos)?;
                    related_by_hash.entry(h).or_default().push(b.to_owned());
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
pub fn canonicalize(quads: Vec<Quad>) -> Result<Vec<String>, String> {
    // An RDF dataset is a set: a quad JSON-LD produced twice (the same image node described under the credential
    // and under its achievement) counts once, or it would weigh twice in the first-degree hash of a blank node —
    // here the blank graph a presentation puts each credential in — and labels would differ from every other
    // implementation's.
    let mut seen = HashSet::with_capacity(quads.len());
    let quads: Vec<&Quad> = quads.iter().filter(|q| seen.insert(*q)).collect();
    let mut quads_of: HashMap<&str, Vec<&Quad>> = HashMap::new();
    for q in quads.iter().copied() {
        for (b, _) in q.blanks() {
            let list = quads_of.entry(b).or_default();
            // A quad naming the same blank node twice (subject and graph) counts once for it.
            if !list.last().is_some_and(|last| std::ptr::eq(*last, q)) {
                list.push(q);
            }
        }
    }
    let first_degree = quads_of
        .iter()
        .map(|(id, qs)| (*id, State::compute_first_degree(qs, id)))
        .collect();
    let mut state = State {
        quads_of,
        first_degree,
        canonical: Issuer::new("c14n"),
        budget: std::cell::Cell::new(BUDGET),
    };
    // RDFC-1.0 §4.4.3 steps 3–5: blank nodes by first-degree hash, in code point order of the hashes; a unique hash
    // names its node at once, the others are told apart by their N-degree hashes.
    let mut by_hash: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (id, h) in &state.first_degree {
        by_hash.entry(h.as_str()).or_default().push(id);
    }
    let mut shared = Vec::new();
    for list in by_hash.values_mut() {
        if let [only] = list.as_slice() {
            state.canonical.issue(only);
        } else {
            list.sort_unstable();
            shared.push(list.clone());
        }
    }
    for list in shared {
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
    let canonical: HashMap<&str, &str> = state
        .canonical
        .issued
        .iter()
        .map(|(e, c)| (e.as_str(), c.as_str()))
        .collect();
    let mut lines = Vec::with_capacity(quads.len());
    for q in quads {
        let mut line = String::with_capacity(128);
        q.write(&mut line, |b| canonical.get(b).copied().unwrap_or(b));
        lines.push(line);
    }
    lines.sort_unstable();
    lines.dedup();
    Ok(lines)
}
