//! The portfolio's overviews, computed from the same index as the lists (so they can never disagree with them):
//! the **timeline** (years, then issuers, with pathways between achievements when the signed data relates them),
//! **skills** (alignments grouped by framework, achievement types, tags, fields of study, each with the credentials
//! that evidence it) and **issuers** (each with its identity, key binding, endorsements and award span).
//! Superseded versions and credentials in quarantine are left out — except an authentic one whose only fault is
//! its end date, which stays in the learner's history, marked expired.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::portfolio::{fold, PortfolioEntry};

/// One year of the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineYear {
    /// `None` for credentials with no readable date.
    pub year: Option<i32>,
    pub issuers: Vec<TimelineIssuer>,
}

/// The credentials one issuer awarded in one year, most recent first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineIssuer {
    pub issuer: Option<String>,
    pub issuer_name: Option<String>,
    pub entries: Vec<PortfolioEntry>,
}

/// Two credentials the signed data relates: `from`'s achievement names `to`'s as related, or aligns to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pathway {
    pub from: String,
    pub to: String,
}

/// The timeline: most recent year first, then pathways between the credentials shown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeline {
    pub years: Vec<TimelineYear>,
    pub pathways: Vec<Pathway>,
}

/// A skill (an alignment target) and the credentials that evidence it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skill {
    pub name: String,
    pub code: Option<String>,
    pub url: Option<String>,
    pub description: Option<String>,
    pub target_type: Option<String>,
    /// The credentials aligned to it, most recent first.
    pub credential_ids: Vec<String>,
}

/// The skills of one framework (`None`: alignments that name no framework).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Framework {
    pub name: Option<String>,
    pub skills: Vec<Skill>,
}

/// A value shared by credentials (an achievement type, a tag, a field of study) and the credentials that have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facet {
    pub value: String,
    pub credential_ids: Vec<String>,
}

/// Everything the credentials say the learner knows, gathered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skills {
    pub frameworks: Vec<Framework>,
    pub achievement_types: Vec<Facet>,
    pub tags: Vec<Facet>,
    pub fields_of_study: Vec<Facet>,
    pub specializations: Vec<Facet>,
}

/// An issuer and what Carnet knows of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuerSummary {
    pub issuer: Option<String>,
    /// The name its latest credential gives it.
    pub issuer_name: Option<String>,
    /// Who vouches for that name (a confirmed domain, a key only…), from its latest credential.
    pub identity: Option<crate::verify::IssuerIdentity>,
    /// How many of its credentials had their key bound to the issuer (the `issuer_binding` check passed).
    pub bound: usize,
    /// Endorsements its credentials carry (of the issuer or of its achievements).
    pub endorsements: usize,
    pub first_award: Option<String>,
    pub last_award: Option<String>,
    /// Its credentials, most recent first.
    pub credential_ids: Vec<String>,
}

/// What the portfolio's filters can offer, with counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facets {
    /// (issuer id, its latest name, count), most credentials first.
    pub issuers: Vec<FacetCount>,
    pub achievement_types: Vec<FacetCount>,
    /// Years, most recent first.
    pub years: Vec<FacetCount>,
    pub profiles: Vec<FacetCount>,
}

/// One value a filter can take.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetCount {
    pub value: String,
    /// How to show it, when not the value itself (an issuer's name).
    pub label: Option<String>,
    pub count: usize,
}

/// The filters' values over `entries` (superseded versions left out; quarantined ones only when asked).
pub fn facets(entries: &[PortfolioEntry], include_quarantined: bool) -> Facets {
    let mut issuers: Vec<FacetCount> = Vec::new();
    let mut types: Vec<FacetCount> = Vec::new();
    let mut years: Vec<FacetCount> = Vec::new();
    let mut profiles: Vec<FacetCount> = Vec::new();
    let bump = |list: &mut Vec<FacetCount>, value: &str, label: Option<&String>| match list
        .iter_mut()
        .find(|f| f.value == value)
    {
        Some(f) => f.count += 1,
        None => list.push(FacetCount {
            value: value.to_owned(),
            label: label.cloned(),
            count: 1,
        }),
    };
    for e in entries
        .iter()
        .filter(|e| !e.superseded && (include_quarantined || !e.quarantined))
    {
        if let Some(i) = &e.issuer {
            bump(&mut issuers, i, e.issuer_name.as_ref());
        }
        if let Some(t) = &e.achievement_type {
            bump(&mut types, t, None);
        }
        if let Some(y) = e.awarded.as_ref().and(e.year()) {
            bump(&mut years, &y.to_string(), None);
        }
        if let Some(p) = &e.profile_id {
            bump(&mut profiles, p, None);
        }
    }
    let by_count = |a: &FacetCount, b: &FacetCount| {
        b.count.cmp(&a.count).then_with(|| {
            fold(a.label.as_deref().unwrap_or(&a.value)).cmp(&fold(b.label.as_deref().unwrap_or(&b.value)))
        })
    };
    issuers.sort_by(by_count);
    types.sort_by(by_count);
    profiles.sort_by(by_count);
    years.sort_by(|a, b| b.value.cmp(&a.value));
    Facets {
        issuers,
        achievement_types: types,
        years,
        profiles,
    }
}

/// In the overviews: what verified, and what is authentic but expired (part of the learner's history, marked).
fn shown(e: &&PortfolioEntry) -> bool {
    !e.superseded && (!e.quarantined || e.expired)
}

/// The timeline of `entries` (most recent first, as the index keeps them).
pub fn timeline(entries: &[PortfolioEntry]) -> Timeline {
    let mut years: Vec<TimelineYear> = Vec::new();
    for e in entries.iter().filter(shown) {
        let year = e.awarded.as_ref().and(e.year());
        if years.last().is_none_or(|y| y.year != year) {
            // Entries come sorted by date: a new year starts a new group (undated ones sort by add date, so they
            // are gathered below).
            if let Some(existing) = years.iter().position(|y| y.year == year) {
                let y = years.remove(existing);
                years.push(y);
            } else {
                years.push(TimelineYear {
                    year,
                    issuers: Vec::new(),
                });
            }
        }
        let Some(current) = years.last_mut() else {
            continue;
        };
        match current.issuers.iter_mut().find(|g| g.issuer == e.issuer) {
            Some(g) => g.entries.push(e.clone()),
            None => current.issuers.push(TimelineIssuer {
                issuer: e.issuer.clone(),
                issuer_name: e.issuer_name.clone(),
                entries: vec![e.clone()],
            }),
        }
    }
    // Dated years newest first, then the undated.
    years.sort_by(|a, b| match (a.year, b.year) {
        (Some(x), Some(y)) => y.cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    Timeline {
        years,
        pathways: pathways(entries),
    }
}

/// Pathways: a credential whose achievement names another held achievement as `related`, or aligns to it (an
/// alignment whose target is that achievement's id).
fn pathways(entries: &[PortfolioEntry]) -> Vec<Pathway> {
    let mut by_achievement: HashMap<&str, Vec<&str>> = HashMap::new();
    for e in entries.iter().filter(shown) {
        if let Some(a) = e.facts.achievement_id.as_deref() {
            by_achievement.entry(a).or_default().push(e.id.as_str());
        }
    }
    let mut out = Vec::new();
    for e in entries.iter().filter(shown) {
        let targets = e
            .facts
            .related
            .iter()
            .map(String::as_str)
            .chain(e.facts.alignments.iter().filter_map(|a| a.url.as_deref()));
        for t in targets {
            if Some(t) == e.facts.achievement_id.as_deref() {
                continue;
            }
            for to in by_achievement.get(t).into_iter().flatten() {
                let p = Pathway {
                    from: e.id.clone(),
                    to: (*to).to_owned(),
                };
                if p.from != p.to && !out.contains(&p) {
                    out.push(p);
                }
            }
        }
    }
    out
}

fn facet(map: BTreeMap<String, (String, Vec<String>)>) -> Vec<Facet> {
    let mut out: Vec<Facet> = map
        .into_values()
        .map(|(value, credential_ids)| Facet {
            value,
            credential_ids,
        })
        .collect();
    out.sort_by(|a, b| {
        b.credential_ids
            .len()
            .cmp(&a.credential_ids.len())
            .then_with(|| fold(&a.value).cmp(&fold(&b.value)))
    });
    out
}

fn add(map: &mut BTreeMap<String, (String, Vec<String>)>, value: &str, id: &str) {
    let value = value.trim();
    if value.is_empty() {
        return;
    }
    let slot = map
        .entry(fold(value))
        .or_insert_with(|| (value.to_owned(), Vec::new()));
    if !slot.1.iter().any(|i| i == id) {
        slot.1.push(id.to_owned());
    }
}

/// Skills gathered across `entries`; `search` (accents and case ignored) keeps the skills, frameworks and values
/// whose words match.
pub fn skills(entries: &[PortfolioEntry], search: Option<&str>) -> Skills {
    let words: Vec<String> = search
        .map(fold)
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let matches = |parts: &[Option<&str>]| {
        let hay = fold(&parts.iter().flatten().copied().collect::<Vec<_>>().join("\n"));
        words.iter().all(|w| hay.contains(w.as_str()))
    };
    // framework (folded) → (name, skill key → skill)
    let mut frameworks: BTreeMap<String, (Option<String>, BTreeMap<String, Skill>)> = BTreeMap::new();
    let (mut types, mut tags, mut fields, mut specs) =
        (BTreeMap::new(), BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    for e in entries.iter().filter(shown) {
        let f = &e.facts;
        for a in &f.alignments {
            let Some(name) = a
                .name
                .clone()
                .or_else(|| a.code.clone())
                .or_else(|| a.url.clone())
            else {
                continue;
            };
            if !matches(&[
                Some(&name),
                a.framework.as_deref(),
                a.code.as_deref(),
                a.description.as_deref(),
            ]) {
                continue;
            }
            let fw = frameworks
                .entry(a.framework.as_deref().map(fold).unwrap_or_default())
                .or_insert_with(|| (a.framework.clone(), BTreeMap::new()));
            // The same skill is the same target: its url when it has one, else its code and name.
            let key = a
                .url
                .clone()
                .unwrap_or_else(|| format!("{}\n{}", a.code.as_deref().unwrap_or(""), fold(&name)));
            let skill = fw.1.entry(key).or_insert_with(|| Skill {
                name: name.clone(),
                code: a.code.clone(),
                url: a.url.clone(),
                description: a.description.clone(),
                target_type: a.target_type.clone(),
                credential_ids: Vec::new(),
            });
            if !skill.credential_ids.contains(&e.id) {
                skill.credential_ids.push(e.id.clone());
            }
        }
        for (map, values) in [
            (&mut types, f.achievement_type.iter().collect::<Vec<_>>()),
            (&mut tags, f.tags.iter().collect()),
            (&mut fields, f.field_of_study.iter().collect()),
            (&mut specs, f.specialization.iter().collect()),
        ] {
            for v in values.into_iter().filter(|v| matches(&[Some(v.as_str())])) {
                add(map, v, &e.id);
            }
        }
    }
    let mut frameworks: Vec<Framework> = frameworks
        .into_values()
        .map(|(name, skills)| {
            let mut skills: Vec<Skill> = skills.into_values().collect();
            skills.sort_by(|a, b| {
                b.credential_ids
                    .len()
                    .cmp(&a.credential_ids.len())
                    .then_with(|| fold(&a.name).cmp(&fold(&b.name)))
            });
            Framework { name, skills }
        })
        .collect();
    // Named frameworks by name; alignments without one last.
    frameworks.sort_by_key(|f| (f.name.is_none(), f.name.as_deref().map(fold)));
    Skills {
        frameworks,
        achievement_types: facet(types),
        tags: facet(tags),
        fields_of_study: facet(fields),
        specializations: facet(specs),
    }
}

/// Issuers of `entries`, the one with the most recent award first.
pub fn issuers(entries: &[PortfolioEntry]) -> Vec<IssuerSummary> {
    let mut out: Vec<IssuerSummary> = Vec::new();
    let mut index: HashMap<Option<String>, usize> = HashMap::new();
    for e in entries.iter().filter(shown) {
        let i = *index.entry(e.issuer.clone()).or_insert_with(|| {
            out.push(IssuerSummary {
                issuer: e.issuer.clone(),
                issuer_name: e.issuer_name.clone(),
                identity: e.issuer_identity.clone(),
                bound: 0,
                endorsements: 0,
                first_award: None,
                last_award: None,
                credential_ids: Vec::new(),
            });
            out.len() - 1
        });
        let Some(s) = out.get_mut(i) else { continue };
        s.credential_ids.push(e.id.clone());
        s.endorsements += e.facts.endorsements;
        if e.issuer_bound {
            s.bound += 1;
        }
        if let Some(a) = &e.awarded {
            // Entries come most recent first.
            if s.last_award.is_none() {
                s.last_award = Some(a.clone());
            }
            s.first_award = Some(a.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::{CredentialMeta, StoredCredential};
    use crate::facts::{Alignment, Summary};

    fn entry(id: &str, issuer: &str, awarded: &str, facts: Summary) -> PortfolioEntry {
        let meta = CredentialMeta {
            channel: "file".into(),
            format: "json-ld".into(),
            kind: "credential".into(),
            ob_version: None,
            info: crate::verify::CredentialInfo {
                name: Some(format!("Badge {id}")),
                issuer: Some(issuer.into()),
                issuer_name: Some(format!("École {issuer}")),
                ..Default::default()
            },
            description: None,
            tags: vec![],
            alignments: vec![],
            awarded: Some(awarded.into()),
            verdict: crate::verify::Verdict::Valid,
            checks: vec![],
            verified_at: time::OffsetDateTime::UNIX_EPOCH,
            quarantined: false,
            superseded_by: None,
            image: None,
            image_source: None,
            issuer_identity: None,
            facts: Some(facts),
        };
        PortfolioEntry::from_stored(&StoredCredential {
            id: id.into(),
            raw: vec![],
            profile_id: None,
            added_at: time::OffsetDateTime::UNIX_EPOCH,
            source: "test".into(),
            meta: Some(meta),
        })
    }

    fn align(name: &str, framework: &str, url: Option<&str>) -> Alignment {
        Alignment {
            name: Some(name.into()),
            framework: Some(framework.into()),
            url: url.map(str::to_owned),
            ..Default::default()
        }
    }

    fn sample() -> Vec<PortfolioEntry> {
        let index = crate::portfolio::Index::from_entries(vec![
            entry(
                "a",
                "did:web:cegep.example",
                "2021-06-01T00:00:00Z",
                Summary {
                    achievement_id: Some("urn:ach:soins1".into()),
                    achievement_type: Some("Course".into()),
                    alignments: vec![align("Soins de base", "Compétences infirmières", None)],
                    tags: vec!["santé".into()],
                    ..Default::default()
                },
            ),
            entry(
                "b",
                "did:web:cegep.example",
                "2023-05-01T00:00:00Z",
                Summary {
                    achievement_id: Some("urn:ach:dec".into()),
                    achievement_type: Some("Diploma".into()),
                    related: vec!["urn:ach:soins1".into()],
                    alignments: vec![
                        align("soins de BASE", "compétences infirmieres", None),
                        align("Anglais B2", "CECR", Some("https://cecr.example/b2")),
                    ],
                    tags: vec!["Santé".into()],
                    endorsements: 2,
                    ..Default::default()
                },
            ),
            entry(
                "c",
                "https://uni.example/issuer",
                "2023-01-15T00:00:00Z",
                Summary {
                    alignments: vec![align("English B2", "CECR", Some("https://cecr.example/b2"))],
                    ..Default::default()
                },
            ),
        ]);
        index.entries().to_vec()
    }

    #[test]
    fn the_timeline_groups_by_year_then_issuer_and_draws_pathways() {
        let t = timeline(&sample());
        let years: Vec<_> = t.years.iter().map(|y| y.year).collect();
        assert_eq!(years, vec![Some(2023), Some(2021)]);
        assert_eq!(t.years[0].issuers.len(), 2);
        assert_eq!(t.years[0].issuers[0].entries[0].id, "b");
        assert_eq!(
            t.pathways,
            vec![Pathway {
                from: "b".into(),
                to: "a".into()
            }]
        );
    }

    #[test]
    fn skills_merge_the_same_target_across_credentials_and_can_be_searched() {
        let s = skills(&sample(), None);
        let names: Vec<_> = s
            .frameworks
            .iter()
            .map(|f| f.name.clone().unwrap_or_default())
            .collect();
        // Named as the most recent credential names it.
        assert_eq!(names, vec!["CECR", "compétences infirmieres"]);
        // Same url → one skill evidenced twice, whatever each credential calls it.
        assert_eq!(s.frameworks[0].skills.len(), 1);
        assert_eq!(s.frameworks[0].skills[0].credential_ids, vec!["b", "c"]);
        // Same name and framework up to case and accents → one skill.
        assert_eq!(s.frameworks[1].skills[0].credential_ids, vec!["b", "a"]);
        assert_eq!(s.tags[0].credential_ids.len(), 2);
        let only = skills(&sample(), Some("anglais"));
        assert_eq!(only.frameworks.len(), 1);
        assert!(only.tags.is_empty());
    }

    #[test]
    fn issuers_gather_their_credentials_endorsements_and_award_span() {
        let mut entries = sample();
        for e in &mut entries {
            e.issuer_bound = e.id != "a";
        }
        let all = issuers(&entries);
        assert_eq!(all.len(), 2);
        let cegep = &all[0];
        assert_eq!(cegep.credential_ids, vec!["b", "a"]);
        assert_eq!(cegep.first_award.as_deref(), Some("2021-06-01T00:00:00Z"));
        assert_eq!(cegep.last_award.as_deref(), Some("2023-05-01T00:00:00Z"));
        assert_eq!(cegep.endorsements, 2);
        assert_eq!(cegep.bound, 1);
    }
}
