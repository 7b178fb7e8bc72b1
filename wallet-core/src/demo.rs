//! The demo portfolio offered on the first-run screen: a dozen varied credentials (Open Badges 3.0 as Data
//! Integrity and as VC-JWT, VC 1.1 with Ed25519Signature2020, a CLR 2.0 transcript with the badges it holds,
//! alignments to two competency frameworks, an endorsement, pathways, an expired one) from three clearly named demo
//! issuers (did:key, so "key only": no domain vouches for them). They are real, signed credentials: signed once by
//! [`generate`] (`cargo run -p wallet-core --example demo-portfolio`), committed under `wallet-core/demo/`, embedded
//! here, and verified on import like any other; a test checks the files are exactly what `generate` signs. Stored
//! with channel `demo`: labelled "demo" everywhere and removed in one call ([`crate::Wallet::remove_demo`]).

use serde_json::{json, Value};
use time::OffsetDateTime;

use crate::keys::SecretKey;
use crate::sign::{self, ProofOptions, SignError};

/// The channel demo credentials are stored with.
pub const CHANNEL: &str = "demo";

/// The subject every demo credential names (no learner's DID: the demo is nobody's).
pub const LEARNER: &str = "did:example:apprenant-demo";

/// The demo files, as committed (name, bytes).
pub const FILES: &[(&str, &[u8])] = &[
    ("01-soins-1.json", include_bytes!("../demo/01-soins-1.json")),
    ("02-soins-2.json", include_bytes!("../demo/02-soins-2.json")),
    (
        "03-stage-chsld.json",
        include_bytes!("../demo/03-stage-chsld.json"),
    ),
    ("04-dec-soins.json", include_bytes!("../demo/04-dec-soins.json")),
    ("05-anglais-b2.jwt", include_bytes!("../demo/05-anglais-b2.jwt")),
    ("06-francais-c1.jwt", include_bytes!("../demo/06-francais-c1.jwt")),
    (
        "07-premiers-soins.json",
        include_bytes!("../demo/07-premiers-soins.json"),
    ),
    ("08-leadership.json", include_bytes!("../demo/08-leadership.json")),
    ("09-benevolat.json", include_bytes!("../demo/09-benevolat.json")),
    ("10-python.json", include_bytes!("../demo/10-python.json")),
    ("11-releve-clr.json", include_bytes!("../demo/11-releve-clr.json")),
    (
        "12-urgence-revoque.json",
        include_bytes!("../demo/12-urgence-revoque.json"),
    ),
    (
        "13-secourisme-ob2.png",
        include_bytes!("../demo/13-secourisme-ob2.png"),
    ),
];

/// Where the demo issuers "publish" what a verifier fetches: a host under `.invalid`, a name that never resolves
/// (RFC 6761), so nothing is ever looked up for it. [`crate::Wallet::add_demo`] puts these documents in the wallet's
/// cache of fetched documents, as if fetched, and removing the demo removes them.
pub const HOST: &str = "https://demo.carnet.invalid";

/// The documents published at [`HOST`] (URL, file under `demo/hosted/`, bytes): the cégep's status list (one
/// credential revoked), the OB 2.0 issuer's profile, key, badge class and revocation list.
pub const HOSTED: &[(&str, &str, &[u8])] = &[
    (
        "https://demo.carnet.invalid/statut/liste-1",
        "statut-liste-1.json",
        include_bytes!("../demo/hosted/statut-liste-1.json"),
    ),
    (
        "https://demo.carnet.invalid/ob2/emetteur.json",
        "ob2-emetteur.json",
        include_bytes!("../demo/hosted/ob2-emetteur.json"),
    ),
    (
        "https://demo.carnet.invalid/ob2/cle.json",
        "ob2-cle.json",
        include_bytes!("../demo/hosted/ob2-cle.json"),
    ),
    (
        "https://demo.carnet.invalid/ob2/badge-secourisme.json",
        "ob2-badge-secourisme.json",
        include_bytes!("../demo/hosted/ob2-badge-secourisme.json"),
    ),
    (
        "https://demo.carnet.invalid/ob2/revocations.json",
        "ob2-revocations.json",
        include_bytes!("../demo/hosted/ob2-revocations.json"),
    ),
];

/// A demo issuer: its name says it is one.
struct Issuer {
    key: SecretKey,
    did: String,
    name: &'static str,
}

impl Issuer {
    fn new(seed: u8, name: &'static str) -> Result<Self, SignError> {
        // Fixed, public seeds: anyone can sign as a demo issuer, which is why no demo issuer is trusted for
        // anything but the demo (its identity is a bare key, and Carnet says so).
        let key = SecretKey::from_seed(&[seed; 32]);
        let did = crate::did::did_key(&key.public_key()).map_err(|e| SignError::Encode(e.to_string()))?;
        Ok(Self { key, did, name })
    }

    fn vm(&self) -> String {
        format!("{}#{}", self.did, self.did.trim_start_matches("did:key:"))
    }

    fn profile(&self) -> Value {
        json!({"id": self.did, "type": ["Profile"], "name": self.name, "description": "Émetteur de démonstration de Carnet — demo issuer, not a real institution."})
    }
}

const OB3: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
const VC2: &str = "https://www.w3.org/ns/credentials/v2";

/// A small picture, signed inside the credential (a coloured disc with initials).
fn picture(initials: &str, colour: &str) -> Value {
    use base64::Engine;
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"120\" height=\"120\" viewBox=\"0 0 120 120\"><circle cx=\"60\" cy=\"60\" r=\"56\" fill=\"{colour}\"/><text x=\"60\" y=\"72\" font-family=\"sans-serif\" font-size=\"34\" text-anchor=\"middle\" fill=\"#fff\">{initials}</text></svg>"
    );
    json!({"id": format!("data:image/svg+xml;base64,{}", base64::engine::general_purpose::STANDARD.encode(svg)), "type": "Image"})
}

fn alignment(name: &str, framework: &str, code: &str, url: &str) -> Value {
    json!({"type": ["Alignment"], "targetName": name, "targetFramework": framework, "targetCode": code, "targetUrl": url, "targetType": "CFItem"})
}

const NURSING: &str = "Compétences infirmières (démo)";
const CEFR: &str = "Cadre européen commun de référence pour les langues (démo)";

#[allow(clippy::too_many_arguments)]
fn ob3(
    issuer: &Issuer,
    id: &str,
    name: &str,
    from: &str,
    achievement: Value,
    subject_extra: Value,
    top_extra: Value,
) -> Value {
    let mut subject = json!({"id": LEARNER, "type": ["AchievementSubject"], "achievement": achievement});
    merge(&mut subject, subject_extra);
    let mut doc = json!({
        "@context": [VC2, OB3],
        "id": id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": name,
        "issuer": issuer.profile(),
        "validFrom": from,
        "awardedDate": from,
        "credentialSubject": subject
    });
    merge(&mut doc, top_extra);
    doc
}

fn merge(into: &mut Value, extra: Value) {
    if let (Value::Object(into), Value::Object(extra)) = (into, extra) {
        for (k, v) in extra {
            into.insert(k, v);
        }
    }
}

fn achievement(id: &str, kind: &str, name: &str, description: &str, criteria: &str, extra: Value) -> Value {
    let mut a = json!({
        "id": id,
        "type": ["Achievement"],
        "achievementType": kind,
        "name": name,
        "description": description,
        "criteria": {"narrative": criteria}
    });
    merge(&mut a, extra);
    a
}

async fn di(doc: &Value, issuer: &Issuer, created: OffsetDateTime) -> Result<Vec<u8>, SignError> {
    let vm = issuer.vm();
    let opts = ProofOptions {
        verification_method: &vm,
        purpose: "assertionMethod",
        created,
        challenge: None,
        domain: None,
    };
    let signed = sign::data_integrity(doc, &issuer.key, &opts).await?;
    serde_json::to_vec_pretty(&signed).map_err(|e| SignError::Encode(e.to_string()))
}

fn at(s: &str) -> Result<OffsetDateTime, SignError> {
    OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .map_err(|e| SignError::Encode(e.to_string()))
}

/// Signs the demo portfolio (deterministic: the same bytes every time).
pub async fn generate() -> Result<Vec<(String, Vec<u8>)>, SignError> {
    let cegep = Issuer::new(0xd1, "Cégep de démonstration (Carnet)")?;
    let uni = Issuer::new(0xd2, "Université de démonstration (Carnet)")?;
    let order = Issuer::new(0xd3, "Ordre professionnel de démonstration (Carnet)")?;
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();

    let soins1 = ob3(
        &cegep,
        "urn:uuid:6f1e0d5c-0001-4c3a-9d1e-carnetdemo01",
        "Soins infirmiers I",
        "2019-12-15T00:00:00Z",
        achievement(
            "urn:carnet-demo:ach:soins-1",
            "Course",
            "Soins infirmiers I",
            "Premier cours de la formation en soins infirmiers : soins de base, hygiène, sécurité du patient.",
            "## Exigences\n\n- Réussir l'examen final (60 % ou plus)\n- Compléter les *laboratoires* de soins de base\n\nVoir le [plan de cours](https://cegep-demo.example/soins-1).",
            json!({
                "image": picture("S1", "#1f6f8b"),
                "alignment": [alignment("Soins de base", NURSING, "SI-1", "https://cadre-demo.example/si-1")],
                "tag": ["santé", "soins"],
                "creditsAvailable": 3,
                "resultDescription": [{
                    "id": "urn:carnet-demo:rd:soins-1", "type": ["ResultDescription"], "name": "Note finale",
                    "resultType": "Percent", "requiredValue": "60", "valueMin": "0", "valueMax": "100"
                }]
            }),
        ),
        json!({"creditsEarned": 3, "result": [{"type": ["Result"], "resultDescription": "urn:carnet-demo:rd:soins-1", "value": "87"}]}),
        json!({}),
    );
    out.push((
        "01-soins-1.json".into(),
        di(&soins1, &cegep, at("2019-12-15T00:00:00Z")?).await?,
    ));

    let soins2 = ob3(
        &cegep,
        "urn:uuid:6f1e0d5c-0002-4c3a-9d1e-carnetdemo02",
        "Soins infirmiers II",
        "2020-05-20T00:00:00Z",
        achievement(
            "urn:carnet-demo:ach:soins-2",
            "Course",
            "Soins infirmiers II",
            "Soins aux personnes en perte d'autonomie ; évaluation clinique.",
            "Réussir l'évaluation clinique selon la grille.",
            json!({
                "image": picture("S2", "#1f6f8b"),
                "alignment": [alignment("Évaluation clinique", NURSING, "SI-2", "https://cadre-demo.example/si-2")],
                "related": [{"id": "urn:carnet-demo:ach:soins-1", "type": ["Related"]}],
                "tag": ["santé", "soins"],
                "resultDescription": [{
                    "id": "urn:carnet-demo:rd:grille", "type": ["ResultDescription"], "name": "Évaluation clinique",
                    "resultType": "RubricCriterionLevel",
                    "rubricCriterionLevel": [
                        {"id": "urn:carnet-demo:lvl:1", "type": ["RubricCriterionLevel"], "name": "En développement"},
                        {"id": "urn:carnet-demo:lvl:2", "type": ["RubricCriterionLevel"], "name": "Maîtrisé"},
                        {"id": "urn:carnet-demo:lvl:3", "type": ["RubricCriterionLevel"], "name": "Exemplaire"}
                    ]
                }]
            }),
        ),
        json!({"result": [{"type": ["Result"], "resultDescription": "urn:carnet-demo:rd:grille", "achievedLevel": "urn:carnet-demo:lvl:3"}]}),
        json!({}),
    );
    out.push((
        "02-soins-2.json".into(),
        di(&soins2, &cegep, at("2020-05-20T00:00:00Z")?).await?,
    ));

    let stage = ob3(
        &cegep,
        "urn:uuid:6f1e0d5c-0003-4c3a-9d1e-carnetdemo03",
        "Stage clinique en CHSLD",
        "2021-03-01T00:00:00Z",
        achievement(
            "urn:carnet-demo:ach:stage",
            "Assignment",
            "Stage clinique en CHSLD",
            "Stage de trois semaines en centre d'hébergement et de soins de longue durée.",
            "Compléter 105 heures de stage supervisé et le journal de bord.",
            json!({
                "image": picture("ST", "#2e7d32"),
                "alignment": [
                    alignment("Soins de base", NURSING, "SI-1", "https://cadre-demo.example/si-1"),
                    alignment("Évaluation clinique", NURSING, "SI-2", "https://cadre-demo.example/si-2")
                ],
                "related": [{"id": "urn:carnet-demo:ach:soins-2", "type": ["Related"]}]
            }),
        ),
        json!({"activityStartDate": "2021-02-08T00:00:00Z", "activityEndDate": "2021-02-26T00:00:00Z", "role": "Stagiaire"}),
        json!({"evidence": [{
            "id": "https://portfolio-demo.example/stage-chsld",
            "type": ["Evidence"],
            "name": "Journal de bord",
            "narrative": "Trois semaines d'accompagnement des résidents : **soins d'hygiène**, prise des signes vitaux, transmission au personnel infirmier.",
            "genre": "Journal"
        }]}),
    );
    out.push((
        "03-stage-chsld.json".into(),
        di(&stage, &cegep, at("2021-03-01T00:00:00Z")?).await?,
    ));

    // The diploma, endorsed by the (demo) professional order: the endorsement is its own signed credential.
    let endorsement = json!({
        "@context": [VC2, OB3],
        "id": "urn:uuid:6f1e0d5c-0e00-4c3a-9d1e-carnetdemo0e",
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": "Reconnaissance du programme de DEC en soins infirmiers",
        "issuer": order.profile(),
        "validFrom": "2020-01-10T00:00:00Z",
        "credentialSubject": {
            "id": "urn:carnet-demo:ach:dec",
            "type": ["EndorsementSubject"],
            "endorsementComment": "Programme reconnu pour l'accès à la profession (démonstration)."
        }
    });
    let endorsement: Value =
        serde_json::from_slice(&di(&endorsement, &order, at("2020-01-10T00:00:00Z")?).await?)
            .map_err(|e| SignError::Encode(e.to_string()))?;
    let dec = ob3(
        &cegep,
        "urn:uuid:6f1e0d5c-0004-4c3a-9d1e-carnetdemo04",
        "DEC en soins infirmiers",
        "2021-06-18T00:00:00Z",
        achievement(
            "urn:carnet-demo:ach:dec",
            "Diploma",
            "Diplôme d'études collégiales en soins infirmiers",
            "Programme de trois ans menant à l'exercice de la profession infirmière (démonstration).",
            "Réussir tous les cours du programme et l'épreuve synthèse.",
            json!({
                "image": picture("DEC", "#6a1b9a"),
                "fieldOfStudy": "Soins infirmiers",
                "specialization": "Soins de longue durée",
                "humanCode": "180.A0",
                "alignment": [
                    alignment("Soins de base", NURSING, "SI-1", "https://cadre-demo.example/si-1"),
                    alignment("Évaluation clinique", NURSING, "SI-2", "https://cadre-demo.example/si-2"),
                    alignment("Pratique professionnelle", NURSING, "SI-3", "https://cadre-demo.example/si-3")
                ],
                "related": [
                    {"id": "urn:carnet-demo:ach:soins-1", "type": ["Related"]},
                    {"id": "urn:carnet-demo:ach:soins-2", "type": ["Related"]},
                    {"id": "urn:carnet-demo:ach:stage", "type": ["Related"]}
                ],
                "endorsement": [endorsement]
            }),
        ),
        json!({"licenseNumber": "DEMO-180A0-2021"}),
        json!({}),
    );
    out.push((
        "04-dec-soins.json".into(),
        di(&dec, &cegep, at("2021-06-18T00:00:00Z")?).await?,
    ));

    for (file, id, name, level, code, from, colour) in [
        (
            "05-anglais-b2.jwt",
            "urn:uuid:6f1e0d5c-0005-4c3a-9d1e-carnetdemo05",
            "Anglais — niveau B2",
            "Utilisateur indépendant (B2)",
            "B2",
            "2022-04-30T00:00:00Z",
            "#c62828",
        ),
        (
            "06-francais-c1.jwt",
            "urn:uuid:6f1e0d5c-0006-4c3a-9d1e-carnetdemo06",
            "Français écrit — niveau C1",
            "Utilisateur expérimenté (C1)",
            "C1",
            "2022-11-12T00:00:00Z",
            "#283593",
        ),
    ] {
        let doc = ob3(
            &uni,
            id,
            name,
            from,
            achievement(
                &format!("urn:carnet-demo:ach:{code}"),
                "Certificate",
                name,
                "Attestation de compétence langagière (démonstration).",
                "Réussir le test de classement et l'entrevue orale.",
                json!({
                    "image": picture(code, colour),
                    "alignment": [alignment(level, CEFR, code, &format!("https://cecr-demo.example/{code}"))],
                    "tag": ["langues"]
                }),
            ),
            json!({}),
            json!({}),
        );
        let jwt = sign::vc_jwt(&doc, &uni.key, &uni.vm())?;
        out.push((file.into(), jwt.into_bytes()));
    }

    // VC 1.1 with an Ed25519Signature2020 proof, expired since: kept in the history, marked expired.
    let first_aid = json!({
        "@context": ["https://www.w3.org/2018/credentials/v1", OB3, "https://w3id.org/security/suites/ed25519-2020/v1"],
        "id": "urn:uuid:6f1e0d5c-0007-4c3a-9d1e-carnetdemo07",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Premiers soins et RCR",
        "issuer": order.profile(),
        "issuanceDate": "2020-02-01T00:00:00Z",
        "expirationDate": "2023-02-01T00:00:00Z",
        "credentialSubject": {
            "id": LEARNER,
            "type": ["AchievementSubject"],
            "achievement": achievement(
                "urn:carnet-demo:ach:rcr",
                "License",
                "Premiers soins et RCR",
                "Formation en secourisme et réanimation cardiorespiratoire, valide trois ans.",
                "Réussir la pratique sur mannequin et l'examen écrit.",
                json!({"image": picture("RCR", "#ef6c00"), "tag": ["santé", "secourisme"]}),
            )
        }
    });
    let vm = order.vm();
    let signed = sign::ed25519_signature_2020(
        &first_aid,
        &order.key,
        &ProofOptions {
            verification_method: &vm,
            purpose: "assertionMethod",
            created: at("2020-02-01T00:00:00Z")?,
            challenge: None,
            domain: None,
        },
    )
    .await?;
    out.push((
        "07-premiers-soins.json".into(),
        serde_json::to_vec_pretty(&signed).map_err(|e| SignError::Encode(e.to_string()))?,
    ));

    let leadership = ob3(
        &cegep,
        "urn:uuid:6f1e0d5c-0008-4c3a-9d1e-carnetdemo08",
        "Leadership étudiant",
        "2020-11-05T00:00:00Z",
        achievement(
            "urn:carnet-demo:ach:leadership",
            "Badge",
            "Leadership étudiant",
            "Engagement au conseil étudiant pendant une année scolaire.",
            "Siéger au conseil étudiant et animer au moins trois activités.",
            json!({"image": picture("LE", "#00838f"), "tag": ["engagement", "leadership"]}),
        ),
        json!({"role": "Vice-présidente aux affaires étudiantes", "term": "2019-2020"}),
        json!({}),
    );
    out.push((
        "08-leadership.json".into(),
        di(&leadership, &cegep, at("2020-11-05T00:00:00Z")?).await?,
    ));

    let volunteer = ob3(
        &order,
        "urn:uuid:6f1e0d5c-0009-4c3a-9d1e-carnetdemo09",
        "Bénévolat en santé communautaire",
        "2018-08-30T00:00:00Z",
        achievement(
            "urn:carnet-demo:ach:benevolat",
            "Achievement",
            "Bénévolat en santé communautaire",
            "Cent heures de bénévolat auprès d'organismes communautaires.",
            "Cumuler 100 heures attestées par les organismes.",
            json!({"image": picture("BV", "#558b2f"), "tag": ["engagement", "santé"]}),
        ),
        json!({}),
        json!({}),
    );
    out.push((
        "09-benevolat.json".into(),
        di(&volunteer, &order, at("2018-08-30T00:00:00Z")?).await?,
    ));

    let python = ob3(
        &uni,
        "urn:uuid:6f1e0d5c-0010-4c3a-9d1e-carnetdemo10",
        "Introduction à la programmation en Python",
        "2024-01-20T00:00:00Z",
        achievement(
            "urn:carnet-demo:ach:python",
            "MicroCredential",
            "Introduction à la programmation en Python",
            "Microprogramme de formation continue : variables, fonctions, analyse de données simple.",
            "Réussir les quatre travaux pratiques.",
            json!({"image": picture("PY", "#37474f"), "tag": ["numérique"], "creditsAvailable": 1}),
        ),
        json!({"creditsEarned": 1}),
        json!({}),
    );
    out.push((
        "10-python.json".into(),
        di(&python, &uni, at("2024-01-20T00:00:00Z")?).await?,
    ));

    // A CLR 2.0 transcript: the university's record of two courses, each a signed credential of its own.
    let mut inner = Vec::new();
    let mut achievements = Vec::new();
    for (n, (name, grade)) in [("Anatomie et physiologie", "A"), ("Pharmacologie", "B+")]
        .into_iter()
        .enumerate()
    {
        let ach = achievement(
            &format!("urn:carnet-demo:ach:univ-{n}"),
            "Course",
            name,
            &format!("Cours universitaire : {name}."),
            "Réussir le cours.",
            json!({"alignment": [alignment("Pratique professionnelle", NURSING, "SI-3", "https://cadre-demo.example/si-3")]}),
        );
        achievements.push(ach.clone());
        let c = ob3(
            &uni,
            &format!("urn:uuid:6f1e0d5c-011{n}-4c3a-9d1e-carnetdemo1{n}"),
            name,
            "2023-05-01T00:00:00Z",
            ach,
            json!({"result": [{"type": ["Result"], "value": grade}]}),
            json!({"type": ["VerifiableCredential", "OpenBadgeCredential", "AchievementCredential"]}),
        );
        let signed: Value = serde_json::from_slice(&di(&c, &uni, at("2023-05-01T00:00:00Z")?).await?)
            .map_err(|e| SignError::Encode(e.to_string()))?;
        inner.push(signed);
    }
    let clr = json!({
        "@context": [VC2, "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json", OB3],
        "id": "urn:uuid:6f1e0d5c-0011-4c3a-9d1e-carnetdemo11",
        "type": ["VerifiableCredential", "ClrCredential"],
        "name": "Relevé de notes — certificat en sciences infirmières",
        "issuer": uni.profile(),
        "validFrom": "2023-05-02T00:00:00Z",
        "awardedDate": "2023-05-02T00:00:00Z",
        "credentialSubject": {
            "id": LEARNER,
            "type": ["ClrSubject"],
            "verifiableCredential": inner,
            "achievement": achievements
        }
    });
    out.push((
        "11-releve-clr.json".into(),
        di(&clr, &uni, at("2023-05-02T00:00:00Z")?).await?,
    ));

    // Revoked by the cégep: its status list (signed by the cégep, published at the demo host) has its bit set.
    let list_url = format!("{HOST}/statut/liste-1");
    let revoked = ob3(
        &cegep,
        "urn:uuid:6f1e0d5c-0012-4c3a-9d1e-carnetdemo12",
        "Soins d'urgence — module avancé",
        "2021-06-10T00:00:00Z",
        achievement(
            "urn:carnet-demo:ach:urgence",
            "Course",
            "Soins d'urgence — module avancé",
            "Module de perfectionnement en soins d'urgence (attestation retirée par l'émetteur dans la démonstration).",
            "Réussir la simulation clinique en salle d'urgence.",
            json!({"image": picture("SU", "#b71c1c"), "tag": ["santé", "urgence"]}),
        ),
        json!({}),
        json!({"credentialStatus": {
            "id": format!("{list_url}#{REVOKED_INDEX}"),
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": REVOKED_INDEX.to_string(),
            "statusListCredential": list_url
        }}),
    );
    out.push((
        "12-urgence-revoque.json".into(),
        di(&revoked, &cegep, at("2021-06-10T00:00:00Z")?).await?,
    ));
    let mut bits = vec![0u8; 131_072 / 8];
    if let Some(b) = bits.get_mut(REVOKED_INDEX / 8) {
        *b |= 0x80 >> (REVOKED_INDEX % 8);
    }
    let list = json!({
        "@context": [VC2],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": cegep.did,
        "validFrom": "2022-01-15T00:00:00Z",
        "credentialSubject": {
            "id": format!("{list_url}#liste"),
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_list(&bits)?
        }
    });
    out.push((
        "hosted/statut-liste-1.json".into(),
        di(&list, &cegep, at("2022-01-15T00:00:00Z")?).await?,
    ));

    // Open Badges 2.0: a signed assertion (JWS, RS256) baked into a PNG, as issuing platforms of that generation
    // made them; the issuer's profile, key, badge class and revocation list are published at the demo host.
    let ob2 = |path: &str| format!("{HOST}/ob2/{path}");
    let ob2_context = "https://w3id.org/openbadges/v2";
    let rsa = rsa_key()?;
    let public_pem = {
        use rsa::pkcs8::EncodePublicKey;
        rsa::RsaPublicKey::from(&rsa)
            .to_public_key_pem(rsa::pkcs8::LineEnding::LF)
            .map_err(|e| SignError::Encode(e.to_string()))?
    };
    let hosted = [
        (
            "hosted/ob2-emetteur.json",
            json!({
                "@context": ob2_context, "type": "Issuer", "id": ob2("emetteur.json"),
                "name": "Association de secourisme de démonstration (Carnet)",
                "description": "Émetteur de démonstration de Carnet — demo issuer, not a real institution.",
                "url": format!("{HOST}/"), "email": "demo@carnet.invalid",
                "publicKey": ob2("cle.json"), "revocationList": ob2("revocations.json")
            }),
        ),
        (
            "hosted/ob2-cle.json",
            json!({
                "@context": ob2_context, "type": "CryptographicKey", "id": ob2("cle.json"),
                "owner": ob2("emetteur.json"), "publicKeyPem": public_pem
            }),
        ),
        (
            "hosted/ob2-badge-secourisme.json",
            json!({
                "@context": ob2_context, "type": "BadgeClass", "id": ob2("badge-secourisme.json"),
                "name": "Secourisme en milieu de travail",
                "description": "Formation de 16 heures : évaluer une situation, réanimation cardiorespiratoire, premiers soins.",
                "image": picture("SM", "#ef6c00").get("id").cloned().unwrap_or(Value::Null),
                "criteria": {"narrative": "Assister aux deux journées et réussir l'évaluation pratique."},
                "issuer": ob2("emetteur.json"),
                "tags": ["santé", "sécurité"],
                "alignment": [{
                    "targetName": "Soins de base", "targetFramework": NURSING, "targetCode": "SI-1",
                    "targetUrl": "https://cadre-demo.example/si-1"
                }]
            }),
        ),
        (
            "hosted/ob2-revocations.json",
            json!({
                "@context": ob2_context, "type": "RevocationList", "id": ob2("revocations.json"),
                "issuer": ob2("emetteur.json"), "revokedAssertions": []
            }),
        ),
    ];
    let assertion = json!({
        "@context": ob2_context,
        "type": "Assertion",
        "id": "urn:uuid:6f1e0d5c-0013-4c3a-9d1e-carnetdemo13",
        "recipient": {"type": "url", "hashed": false, "identity": LEARNER},
        "badge": ob2("badge-secourisme.json"),
        "verification": {"type": "SignedBadge", "creator": ob2("cle.json")},
        "issuedOn": "2017-10-21T00:00:00Z"
    });
    let jws = sign::rs256_jws(&json!({"alg": "RS256"}), &assertion, &rsa)?;
    out.push((
        "13-secourisme-ob2.png".into(),
        baked_png(&jws, [0xef, 0x6c, 0x00])?,
    ));
    for (name, doc) in hosted {
        out.push((
            name.into(),
            serde_json::to_vec_pretty(&doc).map_err(|e| SignError::Encode(e.to_string()))?,
        ));
    }
    Ok(out)
}

/// The index of the revoked demo credential in the cégep's status list.
const REVOKED_INDEX: usize = 3;

/// `u` + base64url(GZIP(bits)), the BitstringStatusList encoding (GZIP with no file time: the same bytes each time).
fn encoded_list(bits: &[u8]) -> Result<String, SignError> {
    use base64::Engine;
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(bits).map_err(|e| SignError::Encode(e.to_string()))?;
    let bytes = gz.finish().map_err(|e| SignError::Encode(e.to_string()))?;
    Ok(format!(
        "u{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    ))
}

/// The OB 2.0 demo issuer's RSA key. Public on purpose, like the demo issuers' seeds: anyone may sign as a demo
/// issuer, which is why nothing about a demo issuer is trusted beyond the demo.
const DEMO_RSA_KEY: &str = "-----BEGIN PRIVATE KEY-----\nMIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQCuFu4WYj7Lwe+k\nPjpLJsZKdmib1Kihn1QnASn5P52sqzAxU/JwEMfwmbR01fru0jPjya52ebXA17dh\nRV71lhk27BdGA4I5M8Tnj2XMTujRoTWnkBZo8PTot/dsCJ/V83lGNNFpgjDk4GG4\njymaIKgrhDGh4aoMwMknEkVLGTCzmAWbqRSg7pcHgcAXbr6tJcAkaYqTC18Rf9lx\nznDPKtNf6kKmBdY/4ITAVStzmZ9ri/Jnvq/MA2SbxGY+bj0f6aSx0HujcnjUyDGh\nUExeArgTZeYMmRTAAt1I58psEdNqB/tWXRJ4FW+HZVs0rKoBozqYE5/p221DOApC\nmo/Y+xu/AgMBAAECggEAJrH0E8ecm5+sy34FaQTiWFS/Zbu8C8ilZNIOaVdpjaKz\nYJN/NMeWGXWgtcOGNiVE4WHHxI/DBW0tVpKby8ykKCAMAETxYhOOtcWa4/G6MDY7\n/dW6FXNRjJSvizTTijPHBgLhdSk6AvWY4vP3VEnj92A3w/qr2I/VZjjabBnaSGCp\nKB/KU9ZeRVe9wMGJeunIQH5kyC70qdgPGV4OdHOhEfZa2ZLf8lBxYyDQbagc+NRV\nTqKIadc52kNWw/njOFNdd1Wkkjy6dPpXe5cAbZVifpZsOgcni1Sbjb0hpHXIBHL+\ny1mxmKO94GPxZhwJR/KvSaKZqlnyXhtmve2lJpd+8QKBgQDXhvBMe/Wkeb7BHU/0\n+GN8QJ9fxlsK0NtFYCUp9bgL7u8HDikgOeg2vjujsgHvne73M6/+CpDSMVl47cLP\ngHhySkKYJpmzUpHq/cdMMyQbK8PK8uC2CTvH5ObJbtv1RiVslGs28cQXfsmDMF9q\nH7ITeqrbqNy5k4FcS22pncC7WQKBgQDOx/Wq7Oq17buhfgr+14P66vdT0xue8gWW\nc5kloCxeWy6j019YxcPwhbCoGgPlbCACp7/ozu7gxPkVFFgkSGxVIs2PjnfbQLel\nu5XdTtjG6DbxbLchNtGlxbQBb4WKKu6S7yLsy0Wl60xuRffQzD0e9HbADfeJYohk\ncqSun4dk1wKBgDl9E9HC6tXRZ5FJSU+VhavZ7Oj2Fsi+xw4tRBx6H3qHZBikrVGc\nQJWBjpTuYVfR77Deh54ioVh/s1bvTJxer0IFDthYy3yqlKNyx9tKdOIOfW4/9LJ5\nqgl6xBiMyn0VFdxthl+kg2Kk/glRONIs3CoX+UUYOLADaWj98aVhn8wZAoGARfQZ\npRBvOsrJLhHw8FPCf3Fb6IzDjFr+Du7egX8VY3pfZebNG8AT0Fu57rSWWtfgYGWV\no9HVuE6KoVn3k5a4p3iVqBofbBoRxsyWH39cELZgV/5aWa8s73LZuZ6bw6lQen7S\nBt+hmUbn3WpoMsfVaZJ0VfajpmOiFrE+CyFG8ZMCgYBDuuVJRY50i1j1qhNDnXzi\nP7Oyq5IBTuvrkyTT/c7j8U39aM57q1oNEVHP+5P5KmnKqnPZYb6pBtn9ToBcUt2z\nfSTwuSECkcBMgY9fIk7HcvLnyQKQLGE/kMlo8CG1V+1BIEmltTERvUGYvqeDhoIC\nI5MT5xsBDEZz1bpVQz2z5w==\n-----END PRIVATE KEY-----";

fn rsa_key() -> Result<rsa::RsaPrivateKey, SignError> {
    use rsa::pkcs8::DecodePrivateKey;
    rsa::RsaPrivateKey::from_pkcs8_pem(DEMO_RSA_KEY).map_err(|e| SignError::Encode(e.to_string()))
}

/// A 96 × 96 PNG (a coloured disc) with `jws` baked in an iTXt chunk with keyword `openbadges`.
fn baked_png(jws: &str, colour: [u8; 3]) -> Result<Vec<u8>, SignError> {
    const SIDE: u32 = 96;
    let mut pixels = Vec::with_capacity((SIDE * SIDE * 4) as usize);
    let centre = (SIDE as f32 - 1.0) / 2.0;
    for y in 0..SIDE {
        for x in 0..SIDE {
            let (dx, dy) = (x as f32 - centre, y as f32 - centre);
            let inside = dx * dx + dy * dy <= (centre - 1.0) * (centre - 1.0);
            let [r, g, b] = colour;
            pixels.extend_from_slice(&if inside { [r, g, b, 255] } else { [0, 0, 0, 0] });
        }
    }
    let err = |e: png::EncodingError| SignError::Encode(e.to_string());
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, SIDE, SIDE);
        enc.set_color(png::ColorType::Rgba);
        enc.set_depth(png::BitDepth::Eight);
        enc.add_itxt_chunk("openbadges".to_owned(), jws.to_owned())
            .map_err(err)?;
        let mut w = enc.write_header().map_err(err)?;
        w.write_image_data(&pixels).map_err(err)?;
    }
    Ok(out)
}
