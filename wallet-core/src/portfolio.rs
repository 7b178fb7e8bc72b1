//! The learner's portfolio as queries: list (paged), search with accents folded ("ecole" finds "École"), filters by
//! issuer, profile, verdict, achievement type, year, dates and collection, sorted by award date, name or issuer;
//! and the overviews built on the same entries (timeline, skills, issuers: [`crate::overview`]). Answers come from an in-memory index of the stored
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
    /// Authentic but past its end date: the only check that fails is `dates`, and it states a `validUntil`. Kept
    /// in the learner's history (timeline, skills), marked expired.
    pub expired: bool,
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
    /// `Certificate`, `Badge`, `Degree`… as the achievement states it (Open Badges `achievementType`).
    pub achievement_type: Option<String>,
    /// How it arrived: `file`, `folder`, `paste`, `url`, `offer`, `demo`…
    pub channel: Option<String>,
    /// The portfolio's facts from the signed reading (skills, related achievements…), for the overviews.
    #[serde(skip)]
    pub(crate) facts: crate::facts::Summary,
    /// Whether its latest verification bound the signing key to the issuer (`issuer_binding` passed).
    #[serde(skip)]
    pub(crate) issuer_bound: bool,
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
            expired: m.is_some_and(|m| {
                let failed: Vec<_> = m
                    .checks
                    .iter()
                    .filter(|c| c.outcome == crate::verify::Outcome::Failed)
                    .collect();
                m.info.valid_until.is_some()
                    && !failed.is_empty()
                    && failed.iter().all(|c| c.id == crate::verify::CheckId::Dates)
                    && m.checks.iter().any(|c| {
                        c.id == crate::verify::CheckId::Proof && c.outcome == crate::verify::Outcome::Passed
                    })
            }),
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
            achievement_type: None,
            channel: m.map(|m| m.channel.clone()),
            facts: m.map(summary_of).unwrap_or_default(),
            issuer_bound: m.is_some_and(|m| {
                m.checks.iter().any(|c| {
                    c.id == crate::verify::CheckId::IssuerBinding
                        && c.outcome == crate::verify::Outcome::Passed
                })
            }),
            haystack: String::new(),
            sort_key: String::new(),
        };
        e.achievement_type = e.facts.achievement_type.clone();
        let mut text = String::new();
        for part in [&e.name, &e.issuer_name, &e.issuer, &e.description]
            .into_iter()
            .flatten()
        {
            text.push_str(part);
            text.push('\n');
        }
        let f = &e.facts;
        let codes = f.alignments.iter().filter_map(|a| a.code.as_ref());
        let types = [&f.achievement_type, &f.field_of_study, &f.specialization]
            .into_iter()
            .flatten();
        for part in e.tags.iter().chain(&e.alignments).chain(codes).chain(types) {
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

impl PortfolioEntry {
    /// The year it was awarded (or added, when it states no date).
    pub fn year(&self) -> Option<i32> {
        self.sort_key.get(..4)?.parse().ok()
    }

    /// The sortable award instant (UTC RFC 3339; the add date when it states none).
    pub fn sort_key(&self) -> &str {
        &self.sort_key
    }
}

/// The facts stored with a credential; for records stored before facts existed, what the older metadata held.
fn summary_of(m: &crate::credentials::CredentialMeta) -> crate::facts::Summary {
    m.facts.clone().unwrap_or_else(|| crate::facts::Summary {
        description: m.description.clone(),
        tags: m.tags.clone(),
        alignments: m
            .alignments
            .iter()
            .map(|n| crate::facts::Alignment {
                name: Some(n.clone()),
                ..Default::default()
            })
            .collect(),
        awarded: m.awarded.clone(),
        ..Default::default()
    })
}

pub(crate) fn normalize_date(s: &str) -> Option<String> {
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
    /// Achievement type (`Certificate`…), exactly.
    pub achievement_type: Option<String>,
    /// Awarded that year.
    pub year: Option<i32>,
    /// Only these credentials (a collection's members; resolved by the wallet from `collection`).
    pub collection: Option<String>,
    /// Only those kept in quarantine (the Quarantine view); implies `include_quarantined`.
    #[serde(default)]
    pub only_quarantined: bool,
    pub sort: Sort,
    /// Include credentials kept in quarantine (not valid) and superseded versions.
    pub include_quarantined: bool,
    pub include_superseded: bool,
    pub offset: usize,
    /// At most this many (0 = all).
    pub limit: usize,
}

/// The order of a list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Most recently awarded first.
    #[default]
    Date,
    /// Oldest first.
    DateAscending,
    /// By name, accents and case ignored.
    Name,
    /// By issuer name, then most recent first.
    Issuer,
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
        Self::from_entries(stored.iter().map(PortfolioEntry::from_stored).collect())
    }

    pub fn from_entries(mut entries: Vec<PortfolioEntry>) -> Self {
        entries.sort_by(|a, b| b.sort_key.cmp(&a.sort_key).then_with(|| a.id.cmp(&b.id)));
        Self { entries }
    }

    /// Every entry, most recently awarded first.
    pub fn entries(&self) -> &[PortfolioEntry] {
        &self.entries
    }

    /// The credentials matching `q`, among `only` these (a collection's members) when given.
    pub fn query_in(&self, q: &Query, only: Option<&std::collections::HashSet<String>>) -> Page {
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
            (q.include_quarantined || q.only_quarantined || !e.quarantined)
                && (!q.only_quarantined || e.quarantined)
                && only.is_none_or(|ids| ids.contains(&e.id))
                && q.achievement_type
                    .as_deref()
                    .is_none_or(|t| e.achievement_type.as_deref() == Some(t))
                && q.year.is_none_or(|y| e.year() == Some(y))
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
        let mut all: Vec<&PortfolioEntry> = matching.collect();
        match q.sort {
            Sort::Date => {}
            Sort::DateAscending => all.reverse(),
            Sort::Name => all.sort_by_cached_key(|e| (fold(e.name.as_deref().unwrap_or("")), e.id.clone())),
            Sort::Issuer => all.sort_by_cached_key(|e| {
                (
                    fold(e.issuer_name.as_deref().or(e.issuer.as_deref()).unwrap_or("")),
                    std::cmp::Reverse(e.sort_key.clone()),
                    e.id.clone(),
                )
            }),
        }
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
