//! The learner's portfolio as queries: list (paged), search with accents folded ("ecole" finds "École"), filters by
//! issuer, profile, verdict and dates, sorted by award date. Answers come from an in-memory index of the stored
//! credentials' metadata, built once after unlock and dropped whenever credentials change.

use serde::{Deserialize, Serialize};

use crate::credentials::StoredCredential;
use crate::verify::Verdict;

/// One credential as the portfolio shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortfolioEntry {
    pub id: String,
    pub name: Option<String>,
    pub issuer: Option<String>,
    pub issuer_name: Option<String>,
    pub description: Option<String>,
    pub awarded: Option<String>,
    pub valid_until: Option<String>,
    pub verdict: Option<Verdict>,
    /// Some check that applies could not run (e.g. revocation, offline): a `valid` one is valid as far as Carnet
    /// could see, not fully verified, and must not be shown as plainly "verified".
    pub partly_checked: bool,
    pub quarantined: bool,
    pub superseded: bool,
    pub profile_id: Option<String>,
    pub kind: Option<String>,
    pub format: Option<String>,
    pub tags: Vec<String>,
    pub alignments: Vec<String>,
    pub source: String,
    /// Whether [`crate::Wallet::credential_image`] has a picture for it.
    pub has_image: bool,
    /// Where that picture comes from (the file's own picture is not covered by the signature).
    pub image_source: Option<crate::picture::PictureSource>,
    /// Who vouches for the issuer's name (a confirmed domain, or only a key).
    pub issuer_identity: Option<crate::verify::IssuerIdentity>,
    /// Folded text searched by [`Query::search`].
    #[serde(skip)]
    haystack: String,
    /// Award date as a sortable key (RFC 3339 text sorts by time for UTC values; else the add date).
    #[serde(skip)]
    sort_key: String,
}

impl PortfolioEntry {
    pub(crate) fn from_stored(c: &StoredCredential) -> Self {
        let m = c.meta.as_ref();
        let info = m.map(|m| &m.info);
        let mut e = PortfolioEntry {
            id: c.id.clone(),
            name: info.and_then(|i| i.name.clone()),
            issuer: info.and_then(|i| i.issuer.clone()),
            issuer_name: info.and_then(|i| i.issuer_name.clone()),
            description: m.and_then(|m| m.description.clone()),
            awarded: m.and_then(|m| m.awarded.clone()),
            valid_until: info.and_then(|i| i.valid_until.clone()),
            verdict: m.map(|m| m.verdict),
            partly_checked: m.is_some_and(|m| m.checks.iter().any(|c| c.warning)),
            quarantined: m.is_some_and(|m| m.quarantined),
            superseded: m.is_some_and(|m| m.superseded_by.is_some()),
            profile_id: c.profile_id.clone(),
            kind: m.map(|m| m.kind.clone()),
            format: m.map(|m| m.format.clone()),
            tags: m.map(|m| m.tags.clone()).unwrap_or_default(),
            alignments: m.map(|m| m.alignments.clone()).unwrap_or_default(),
            source: c.source.clone(),
            has_image: m.is_some_and(|m| m.image.is_some()),
            image_source: m.and_then(|m| m.image.as_ref().and(m.image_source)),
            issuer_identity: m.and_then(|m| m.issuer_identity.clone()),
            haystack: String::new(),
            sort_key: String::new(),
        };
        let mut text = String::new();
        for part in [&e.name, &e.issuer_name, &e.issuer, &e.description]
            .into_iter()
            .flatten()
        {
            text.push_str(part);
            text.push('\n');
        }
        for part in e.tags.iter().chain(&e.alignments) {
            text.push_str(part);
            text.push('\n');
        }
        e.haystack = fold(&text);
        let added = c
            .added_at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        e.sort_key = e.awarded.as_deref().and_then(normalize_date).unwrap_or(added);
        e
    }
}

fn normalize_date(s: &str) -> Option<String> {
    let t = time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()?;
    t.to_offset(time::UtcOffset::UTC)
        .format(&time::format_description::well_known::Rfc3339)
        .ok()
}

/// Lower-case and strip accents (French and other Latin scripts), so searches ignore both.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars().flat_map(char::to_lowercase) {
        match ch {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => out.push('a'),
            'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => out.push('c'),
            'ď' | 'đ' => out.push('d'),
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => out.push('e'),
            'ĝ' | 'ğ' | 'ġ' | 'ģ' => out.push('g'),
            'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => out.push('i'),
            'ñ' | 'ń' | 'ņ' | 'ň' => out.push('n'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => out.push('o'),
            'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => out.push('u'),
            'ý' | 'ÿ' => out.push('y'),
            'ś' | 'š' | 'ş' => out.push('s'),
            'ź' | 'ż' | 'ž' => out.push('z'),
            'ł' => out.push('l'),
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            'ß' => out.push_str("ss"),
            '’' | '\'' => out.push('\''),
            c => out.push(c),
        }
    }
    out
}

/// One credential in full.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Detail {
    pub entry: PortfolioEntry,
    pub checks: Vec<crate::verify::Check>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub verified_at: Option<time::OffsetDateTime>,
    pub superseded_by: Option<String>,
    /// The signed bytes, verbatim.
    #[serde(skip)]
    pub raw: Vec<u8>,
}

/// Which credentials to list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Query {
    /// Words that must all appear (name, issuer, description, tags, alignment names); accents and case ignored.
    pub search: Option<String>,
    /// Issuer id, or part of its name.
    pub issuer: Option<String>,
    pub profile_id: Option<String>,
    pub verdict: Option<Verdict>,
    /// Awarded on or after / on or before (RFC 3339 dates or date-times).
    pub from: Option<String>,
    pub until: Option<String>,
    /// Include credentials kept in quarantine (not valid) and superseded versions.
    pub include_quarantined: bool,
    pub include_superseded: bool,
    pub offset: usize,
    /// At most this many (0 = all).
    pub limit: usize,
}

/// One page of results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    pub total: usize,
    pub entries: Vec<PortfolioEntry>,
}

/// The index: entries sorted by award date, most recent first.
#[derive(Debug, Default)]
pub(crate) struct Index {
    entries: Vec<PortfolioEntry>,
}

impl Index {
    pub fn build(stored: &[StoredCredential]) -> Self {
        let mut entries: Vec<PortfolioEntry> = stored.iter().map(PortfolioEntry::from_stored).collect();
        entries.sort_by(|a, b| b.sort_key.cmp(&a.sort_key).then_with(|| a.id.cmp(&b.id)));
        Self { entries }
    }

    pub fn query(&self, q: &Query) -> Page {
        let words: Vec<String> = q
            .search
            .as_deref()
            .map(fold)
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        let issuer = q.issuer.as_deref().map(fold);
        // Bounds compared in UTC, like the sort keys; a bare date covers the whole day.
        let bound = |d: &str, time: &str| {
            let full = if d.len() == 10 {
                format!("{d}T{time}Z")
            } else {
                d.to_owned()
            };
            normalize_date(&full).unwrap_or(full)
        };
        let from = q.from.as_deref().map(|d| bound(d, "00:00:00"));
        let until = q.until.as_deref().map(|d| bound(d, "23:59:59"));
        let matching = self.entries.iter().filter(|e| {
            (q.include_quarantined || !e.quarantined)
                && (q.include_superseded || !e.superseded)
                && words.iter().all(|w| e.haystack.contains(w.as_str()))
                && issuer.as_deref().is_none_or(|i| {
                    e.issuer.as_deref() == q.issuer.as_deref()
                        || e.issuer_name.as_deref().is_some_and(|n| fold(n).contains(i))
                })
                && q.profile_id
                    .as_deref()
                    .is_none_or(|p| e.profile_id.as_deref() == Some(p))
                && q.verdict.is_none_or(|v| e.verdict == Some(v))
                && from.as_deref().is_none_or(|f| e.sort_key.as_str() >= f)
                && until.as_deref().is_none_or(|u| e.sort_key.as_str() <= u)
        });
        let all: Vec<&PortfolioEntry> = matching.collect();
        let total = all.len();
        let limit = if q.limit == 0 { usize::MAX } else { q.limit };
        Page {
            total,
            entries: all.into_iter().skip(q.offset).take(limit).cloned().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_ignores_case_and_accents() {
        assert_eq!(
            fold("École Polytechnique de Montréal"),
            "ecole polytechnique de montreal"
        );
        assert_eq!(fold("Cœur"), "coeur");
        assert!(fold("Réglages ÇA").contains("reglages ca"));
    }
}
