//! What the portfolio knows about a credential, read from its signed reading (`verify::Report::document`: for
//! JSON-LD the signed RDF read back through Carnet's vocabulary, for a JWT its signed payload, for Open Badges 2.0
//! the verified assertion): the short [`Summary`] stored beside it for lists, the timeline, skills and issuers, and
//! the full [`Details`] the details view shows, computed again from the signed bytes when asked. One reader for
//! both, so the details can never disagree with what the lists used.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Longest text kept for one field (a 15-year portfolio stays small; the raw bytes keep everything).
const MAX_TEXT: usize = 20_000;
/// At most this many items of one list (alignments, results, evidence…).
const MAX_ITEMS: usize = 200;

/// A competency or framework item an achievement is aligned to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alignment {
    pub name: Option<String>,
    /// The framework it belongs to (`targetFramework`).
    pub framework: Option<String>,
    pub code: Option<String>,
    /// Where the framework describes it (shown as a link with its target, never fetched).
    pub url: Option<String>,
    pub description: Option<String>,
    /// `CFItem`, `ceasn:Competency`…
    pub target_type: Option<String>,
}

/// What the lists, the timeline, skills and issuers need of one credential.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub alignments: Vec<Alignment>,
    pub achievement_id: Option<String>,
    /// `Certificate`, `Badge`, `Degree`… (Open Badges `achievementType`).
    pub achievement_type: Option<String>,
    pub field_of_study: Option<String>,
    pub specialization: Option<String>,
    /// Ids of achievements this one is related to (a pathway, when the data says so).
    pub related: Vec<String>,
    /// When it was awarded, as stated (`awardedDate`, OB 2.0 `issuedOn`), else its start date.
    pub awarded: Option<String>,
    /// How many endorsements it carries.
    pub endorsements: usize,
}

/// A result the learner obtained, with what it measures.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultFact {
    /// The result description's name ("Final score"), when the achievement describes it.
    pub name: Option<String>,
    pub value: Option<String>,
    /// The rubric level achieved, by name.
    pub level: Option<String>,
    pub status: Option<String>,
    /// `Percent`, `GradePointAverage`, `RubricCriterionLevel`…
    pub result_type: Option<String>,
    /// The scale, when described: required, minimum and maximum values.
    pub required_value: Option<String>,
    pub value_min: Option<String>,
    pub value_max: Option<String>,
}

/// Evidence of the work behind a credential.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub name: Option<String>,
    pub description: Option<String>,
    /// Markdown narrative (shown as safe Markdown).
    pub narrative: Option<String>,
    /// Where the evidence is (shown as a link with its target, never fetched).
    pub url: Option<String>,
    pub genre: Option<String>,
    pub audience: Option<String>,
}

/// An endorsement the credential carries, as signed inside it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndorsementFact {
    pub id: Option<String>,
    pub name: Option<String>,
    pub endorser: Option<String>,
    pub endorser_name: Option<String>,
    pub comment: Option<String>,
}

/// Everything the details view shows of a credential, besides its verification.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Details {
    pub summary: Summary,
    pub achievement_name: Option<String>,
    /// Markdown criteria, and where they are published.
    pub criteria_narrative: Option<String>,
    pub criteria_url: Option<String>,
    pub human_code: Option<String>,
    pub credits_available: Option<String>,
    pub credits_earned: Option<String>,
    pub license_number: Option<String>,
    pub term: Option<String>,
    pub role: Option<String>,
    pub activity_start: Option<String>,
    pub activity_end: Option<String>,
    pub results: Vec<ResultFact>,
    pub evidence: Vec<Evidence>,
    pub endorsements: Vec<EndorsementFact>,
    /// The subject's own name as the issuer wrote it, when it gives one (`name` on the subject or its profile).
    pub recipient_name: Option<String>,
}

fn cap(s: &str) -> String {
    if s.chars().count() <= MAX_TEXT {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(MAX_TEXT).collect();
    out.push('…');
    out
}

/// The first text of a value: a string, a number or boolean as text, the first of an array, or an object's `id`.
fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(cap(s)),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Array(items) => items.iter().find_map(|i| text(Some(i))),
        Value::Object(o) => o.get("id").and_then(Value::as_str).map(cap),
        Value::Null => None,
    }
}

/// A value's items (one or an array), bounded.
fn items(v: Option<&Value>) -> Vec<&Value> {
    match v {
        Some(Value::Array(a)) => a.iter().take(MAX_ITEMS).collect(),
        Some(Value::Null) | None => Vec::new(),
        Some(one) => vec![one],
    }
}

fn texts(v: Option<&Value>) -> Vec<String> {
    items(v).into_iter().filter_map(|i| text(Some(i))).collect()
}

fn id(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        o => o.get("id").and_then(Value::as_str).map(str::to_owned),
    }
}

fn subject(doc: &Value) -> Option<&Value> {
    items(doc.get("credentialSubject")).into_iter().next()
}

/// The achievement (OB 3.0) or badge class (OB 2.0, when embedded) the credential is about.
fn achievement(doc: &Value) -> Option<&Value> {
    subject(doc)
        .and_then(|s| s.get("achievement"))
        .filter(|a| a.is_object())
        .or_else(|| doc.get("badge").filter(|b| b.is_object()))
}

fn alignment(a: &Value) -> Alignment {
    Alignment {
        name: text(a.get("targetName").or_else(|| a.get("name"))),
        framework: text(a.get("targetFramework").or_else(|| a.get("frameworkName"))),
        code: text(a.get("targetCode")),
        url: text(a.get("targetUrl").or_else(|| a.get("url"))),
        description: text(a.get("targetDescription").or_else(|| a.get("description"))),
        target_type: text(a.get("targetType")),
    }
}

/// What may carry endorsements: the credential, its achievement, its issuer's profile.
fn endorsed<'a>(doc: &'a Value, ach: Option<&'a Value>) -> impl Iterator<Item = &'a Value> {
    [Some(doc), ach, doc.get("issuer").filter(|i| i.is_object())]
        .into_iter()
        .flatten()
}

/// The short facts of a credential, from its signed reading.
pub fn summary(doc: &Value) -> Summary {
    let ach = achievement(doc);
    let subject = subject(doc);
    let related = ach
        .map(|a| items(a.get("related")).into_iter().filter_map(id).collect())
        .unwrap_or_default();
    let endorsements = endorsed(doc, ach)
        .map(|h| items(h.get("endorsement")).len() + items(h.get("endorsementJwt")).len())
        .sum();
    Summary {
        description: text(ach.and_then(|a| a.get("description"))).or_else(|| text(doc.get("description"))),
        tags: texts(ach.and_then(|a| a.get("tag").or_else(|| a.get("tags")))),
        alignments: items(ach.and_then(|a| a.get("alignment")))
            .into_iter()
            .map(alignment)
            .filter(|a| a.name.is_some() || a.url.is_some())
            .collect(),
        achievement_id: ach
            .and_then(|a| a.get("id"))
            .and_then(Value::as_str)
            .map(str::to_owned),
        achievement_type: text(ach.and_then(|a| a.get("achievementType"))).map(|t| {
            // A vocabulary value may read back as its IRI: keep its last segment ("Certificate").
            t.rsplit(['#', '/']).next().unwrap_or(&t).to_owned()
        }),
        field_of_study: text(ach.and_then(|a| a.get("fieldOfStudy"))),
        specialization: text(ach.and_then(|a| a.get("specialization"))),
        related,
        awarded: text(doc.get("awardedDate"))
            .or_else(|| text(subject.and_then(|s| s.get("awardedDate"))))
            .or_else(|| text(doc.get("issuedOn")))
            .or_else(|| text(doc.get("validFrom")))
            .or_else(|| text(doc.get("issuanceDate"))),
        endorsements,
    }
}

/// The result description a result refers to: by id among the achievement's, else embedded in the result.
fn described<'a>(descriptions: &[&'a Value], r: &'a Value) -> Option<&'a Value> {
    let want = r.get("resultDescription").and_then(|d| text(Some(d)))?;
    descriptions
        .iter()
        .copied()
        .find(|d| d.get("id").and_then(Value::as_str) == Some(want.as_str()))
        .or_else(|| r.get("resultDescription").filter(|d| d.get("name").is_some()))
}

/// Everything the details view shows, from the credential's signed reading.
pub fn details(doc: &Value) -> Details {
    let ach = achievement(doc);
    let subject = subject(doc);
    let criteria = ach.and_then(|a| a.get("criteria"));
    // The achievement's result descriptions, by id, to name the results and their rubric levels.
    let descriptions: Vec<&Value> = items(ach.and_then(|a| a.get("resultDescription")));
    let results = items(subject.and_then(|s| s.get("result")))
        .into_iter()
        .map(|r| {
            let desc = described(&descriptions, r);
            let level = r.get("achievedLevel").and_then(|l| {
                let want = text(Some(l))?;
                let levels = desc
                    .map(|d| items(d.get("rubricCriterionLevel")))
                    .unwrap_or_default();
                levels
                    .into_iter()
                    .find(|lv| lv.get("id").and_then(Value::as_str) == Some(want.as_str()))
                    .and_then(|lv| text(lv.get("name")))
                    .or(Some(want))
            });
            ResultFact {
                name: desc.and_then(|d| text(d.get("name"))),
                value: text(r.get("value")),
                level,
                status: text(r.get("status")),
                result_type: desc.and_then(|d| text(d.get("resultType"))),
                required_value: desc.and_then(|d| text(d.get("requiredValue"))),
                value_min: desc.and_then(|d| text(d.get("valueMin"))),
                value_max: desc.and_then(|d| text(d.get("valueMax"))),
            }
        })
        .collect();
    let evidence = items(doc.get("evidence"))
        .into_iter()
        .map(|e| match e {
            Value::String(url) => Evidence {
                url: Some(cap(url)),
                ..Evidence::default()
            },
            e => Evidence {
                name: text(e.get("name")),
                description: text(e.get("description")),
                narrative: text(e.get("narrative")),
                url: e.get("id").and_then(Value::as_str).map(cap),
                genre: text(e.get("genre")),
                audience: text(e.get("audience")),
            },
        })
        .collect();
    let endorsements = endorsed(doc, ach)
        .flat_map(|h| items(h.get("endorsement")))
        .map(|e| {
            let issuer = e.get("issuer");
            EndorsementFact {
                id: e.get("id").and_then(Value::as_str).map(str::to_owned),
                name: text(e.get("name")),
                endorser: issuer.and_then(id),
                endorser_name: text(issuer.and_then(|i| i.get("name"))),
                comment: text(self::subject(e).and_then(|s| s.get("endorsementComment"))),
            }
        })
        .collect();
    Details {
        summary: summary(doc),
        achievement_name: text(ach.and_then(|a| a.get("name"))),
        criteria_narrative: text(criteria.and_then(|c| c.get("narrative"))),
        criteria_url: criteria.and_then(|c| match c {
            Value::String(s) => Some(cap(s)),
            o => o.get("id").and_then(Value::as_str).map(cap),
        }),
        human_code: text(ach.and_then(|a| a.get("humanCode"))),
        credits_available: text(ach.and_then(|a| a.get("creditsAvailable"))),
        credits_earned: text(subject.and_then(|s| s.get("creditsEarned"))),
        license_number: text(subject.and_then(|s| s.get("licenseNumber"))),
        term: text(subject.and_then(|s| s.get("term"))),
        role: text(subject.and_then(|s| s.get("role"))),
        activity_start: text(subject.and_then(|s| s.get("activityStartDate"))),
        activity_end: text(subject.and_then(|s| s.get("activityEndDate"))),
        results,
        evidence,
        endorsements,
        recipient_name: text(subject.and_then(|s| s.get("name")))
            .or_else(|| text(subject.and_then(|s| s.get("profile")).and_then(|p| p.get("name")))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn results_are_named_by_their_description_and_rubric_level() {
        let doc = json!({
            "awardedDate": "2024-05-01T00:00:00Z",
            "credentialSubject": {
                "result": [{"resultDescription": "urn:rd:1", "achievedLevel": "urn:lvl:2", "value": "B"}],
                "creditsEarned": 3, "licenseNumber": "A-123",
                "achievement": {"id": "urn:a", "name": "Soins I", "achievementType": "https://purl.imsglobal.org/spec/vc/ob/vocab.html#Certificate",
                    "criteria": {"narrative": "# Réussir"},
                    "alignment": [{"targetName": "Soins de base", "targetFramework": "Cadre", "targetCode": "S1"}],
                    "resultDescription": [{"id": "urn:rd:1", "name": "Évaluation", "resultType": "RubricCriterionLevel",
                        "rubricCriterionLevel": [{"id": "urn:lvl:1", "name": "A"}, {"id": "urn:lvl:2", "name": "Bien"}]}]}
            }
        });
        let d = details(&doc);
        assert_eq!(d.results[0].name.as_deref(), Some("Évaluation"));
        assert_eq!(d.results[0].level.as_deref(), Some("Bien"));
        assert_eq!(d.credits_earned.as_deref(), Some("3"));
        assert_eq!(d.criteria_narrative.as_deref(), Some("# Réussir"));
        assert_eq!(d.summary.achievement_type.as_deref(), Some("Certificate"));
        assert_eq!(d.summary.alignments[0].framework.as_deref(), Some("Cadre"));
        assert_eq!(d.summary.awarded.as_deref(), Some("2024-05-01T00:00:00Z"));
    }

    #[test]
    fn long_texts_and_lists_are_bounded() {
        let long = "x".repeat(MAX_TEXT + 10);
        let many: Vec<Value> = (0..MAX_ITEMS + 5)
            .map(|i| json!({"targetName": format!("s{i}")}))
            .collect();
        let doc = json!({"credentialSubject": {"achievement": {"description": long, "alignment": many}}});
        let s = summary(&doc);
        assert_eq!(s.description.unwrap().chars().count(), MAX_TEXT + 1);
        assert_eq!(s.alignments.len(), MAX_ITEMS);
    }
}
