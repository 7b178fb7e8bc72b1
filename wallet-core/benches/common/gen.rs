//! Generates signed Open Badges 3.0 credentials of realistic size as files, the way issuers publish them: baked PNG,
//! baked SVG, JSON-LD with an eddsa-rdfc-2022 or Ed25519Signature2020 proof, and VC-JWT (EdDSA from a few did:key
//! issuers, RS256 from an RSA did:jwk issuer). Shared by the import benchmark
//! and `examples/gen_badges.rs`.

// Each user (benchmarks, examples) takes the writer it needs.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use wallet_core::keys::SecretKey;
use wallet_core::sign::{self, ProofOptions};

pub struct Issuer {
    key: SecretKey,
    did: String,
    name: String,
    /// The issuer's picture, shown on its badges: a small PNG as a data: URI.
    image: String,
}

pub fn issuers(n: usize) -> Vec<Issuer> {
    (0..n)
        .map(|i| {
            let key = SecretKey::from_seed(&[i as u8 + 100; 32]);
            let did = wallet_core::did::did_key(&key.public_key()).expect("did:key");
            Issuer {
                key,
                did,
                name: format!("Établissement {i}"),
                image: picture(i),
            }
        })
        .collect()
}

/// A 12×12 badge picture (a coloured disc on white, a different colour per issuer) as a PNG data: URI of a few
/// hundred bytes, as issuers embed them.
fn picture(seed: usize) -> String {
    use base64::Engine;
    let colour = [
        (40 + 53 * seed) as u8,
        (90 + 37 * seed) as u8,
        (200 + 11 * seed) as u8,
    ];
    let mut pixels = Vec::with_capacity(12 * 12 * 3);
    for y in 0..12i32 {
        for x in 0..12i32 {
            let inside = (x - 6) * (x - 6) + (y - 6) * (y - 6) < 30;
            pixels.extend_from_slice(if inside { &colour } else { &[255, 255, 255] });
        }
    }
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, 12, 12);
        enc.set_color(png::ColorType::Rgb);
        enc.set_compression(png::Compression::Fast);
        let mut w = enc.write_header().expect("header");
        w.write_image_data(&pixels).expect("data");
    }
    format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(out)
    )
}

/// The issuer of RS256 VC-JWTs: an RSA-2048 key generated from a fixed seed (the same key every run), named by
/// its did:jwk.
pub struct RsaIssuer {
    key: rsa::RsaPrivateKey,
    did: String,
    image: String,
}

pub fn rsa_issuer() -> RsaIssuer {
    use base64::Engine;
    use rand_chacha::rand_core::SeedableRng;
    use rsa::PublicKeyParts;
    let mut rng = rand_chacha::ChaCha20Rng::from_seed([7; 32]);
    let key = rsa::RsaPrivateKey::new(&mut rng, 2048).expect("RSA key");
    let b64 = |b: Vec<u8>| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    // did:jwk: the public JWK, members in lexicographic order (JCS), base64url.
    let jwk = format!(
        "{{\"e\":\"{}\",\"kty\":\"RSA\",\"n\":\"{}\"}}",
        b64(key.e().to_bytes_be()),
        b64(key.n().to_bytes_be())
    );
    RsaIssuer {
        key,
        did: format!("did:jwk:{}", b64(jwk.into_bytes())),
        image: picture(99),
    }
}

const FIELDS: &[(&str, &str, &str)] = &[
    ("santé", "Soins infirmiers", "SI"),
    ("gestion", "Gestion de projet", "GP"),
    ("informatique", "Développement logiciel", "DL"),
    ("langues", "Communication en anglais", "CA"),
    ("industrie", "Maintenance industrielle", "MI"),
];

/// An Open Badges 3.0 credential of realistic size (~2.5 KB signed): issuer profile, description, achievement with
/// criteria narrative, picture (data: URI), tags, two alignments, a result description and the learner's result.
fn credential_of(issuer_id: &str, issuer_name: &str, image: &str, n: usize, subject: &str) -> Value {
    let day = 1 + n % 28;
    let (field, title, code) = FIELDS[n % FIELDS.len()];
    let grade = ["A", "B", "C"][n % 3];
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": format!("urn:uuid:00000000-0000-4000-8000-{n:012}"),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": format!("Compétence {n} — {title}"),
        "description": format!("{issuer_name} atteste que le titulaire a démontré la compétence {n} ({title}) lors d'une évaluation encadrée."),
        "issuer": {
            "id": issuer_id,
            "type": ["Profile"],
            "name": issuer_name,
            "url": "https://etablissement.example.org",
            "email": "badges@etablissement.example.org",
            "description": "Établissement de formation professionnelle et continue."
        },
        "validFrom": format!("2023-{:02}-{day:02}T00:00:00Z", 1 + n % 12),
        "credentialSubject": {
            "id": subject,
            "type": ["AchievementSubject"],
            "achievement": {
                "id": format!("https://example.org/achievements/{}", n % 500),
                "type": ["Achievement"],
                "achievementType": "Competency",
                "name": format!("Compétence {n} — {title}"),
                "description": format!("Démontre la compétence numéro {n} en {field} : analyser une situation professionnelle, choisir une méthode adaptée, la mettre en œuvre et en rendre compte."),
                "criteria": {"narrative": format!("# Critères\n1. Réussir l'évaluation écrite de {title} (note minimale C).\n2. Réaliser une mise en situation observée par deux évaluateurs.\n3. Remettre un rapport de pratique réflexive de deux pages.")},
                "image": {"id": image, "type": "Image", "caption": format!("Badge {title}")},
                "tag": [field, title, "formation continue"],
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetName": format!("{title}, niveau {}", 1 + n % 4),
                        "targetUrl": format!("https://example.org/frameworks/{code}/{}", n % 40),
                        "targetDescription": format!("Référentiel {title}, bloc {}", n % 40),
                        "targetFramework": format!("Cadre {}", n % 40),
                        "targetCode": format!("{code}-{}", n % 40)
                    },
                    {
                        "type": ["Alignment"],
                        "targetName": "Cadre européen des certifications, niveau 5",
                        "targetUrl": "https://europa.eu/europass/eqf/5",
                        "targetFramework": "EQF",
                        "targetCode": "EQF-5"
                    }
                ],
                "resultDescription": [{
                    "id": format!("https://example.org/achievements/{}/grade", n % 500),
                    "type": ["ResultDescription"],
                    "name": "Note finale",
                    "resultType": "LetterGrade",
                    "allowedValue": ["A", "B", "C", "D", "E"],
                    "requiredValue": "C"
                }]
            },
            "result": [{
                "type": ["Result"],
                "resultDescription": format!("https://example.org/achievements/{}/grade", n % 500),
                "value": grade
            }]
        }
    })
}

fn credential(issuer: &Issuer, n: usize, subject: &str) -> Value {
    credential_of(&issuer.did, &issuer.name, &issuer.image, n, subject)
}

/// A compact RS256 VC-JWT of the same badge (payload: the credential, with `iss`, `sub`, `jti`, `nbf` as
/// `sign::vc_jwt` writes them), its key named by `kid` = the did:jwk's `#0`.
fn rs256_jwt(issuer: &RsaIssuer, n: usize, subject: &str) -> Vec<u8> {
    let doc = credential_of(&issuer.did, "Université RSA", &issuer.image, n, subject);
    let header = json!({"alg": "RS256", "typ": "JWT", "kid": format!("{}#0", issuer.did)});
    let claims = sign::vc_jwt_claims(&doc).expect("claims");
    sign::rs256_jws(&header, &claims, &issuer.key)
        .expect("RS256")
        .into_bytes()
}

/// The same badge as a VC 1.1 credential, for an `Ed25519Signature2020` proof.
fn credential_v11(issuer: &Issuer, n: usize, subject: &str) -> Value {
    let mut doc = credential(issuer, n, subject);
    doc["@context"] = json!([
        "https://www.w3.org/2018/credentials/v1",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        "https://w3id.org/security/suites/ed25519-2020/v1"
    ]);
    let from = doc["validFrom"].take();
    let map = doc.as_object_mut().expect("object");
    map.remove("validFrom");
    map.insert("issuanceDate".into(), from);
    doc
}

/// Writes the benchmark corpus: `count` distinct signed badges of realistic size, a fifth each of eddsa-rdfc-2022
/// VC 2.0 JSON-LD (`*-di.json`), Ed25519Signature2020 VC 1.1 JSON-LD (`*-ed2020.json`), VC-JWT (half EdDSA with a
/// did:key, `*-eddsa.jwt`; half RS256 with an RSA-2048 did:jwk, `*-rs256.jwt`), baked PNG and baked SVG (both
/// eddsa-rdfc-2022). Deterministic: the same files for the same count.
pub fn write_corpus(dir: &Path, count: usize, subject: &str) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).expect("output folder");
    let issuers = issuers(10);
    let rsa = rsa_issuer();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let created = OffsetDateTime::parse("2024-01-01T00:00:00Z", &Rfc3339).expect("date");
    let mut paths = Vec::with_capacity(count);
    for n in 0..count {
        let issuer = &issuers[n % issuers.len()];
        let vm = format!("{}#{}", issuer.did, issuer.did.trim_start_matches("did:key:"));
        let opts = ProofOptions {
            verification_method: &vm,
            purpose: "assertionMethod",
            created,
            challenge: None,
            domain: None,
        };
        let doc = credential(issuer, n, subject);
        let di = || {
            let signed = rt
                .block_on(sign::data_integrity(&doc, &issuer.key, &opts))
                .expect("sign");
            serde_json::to_string(&signed).expect("json")
        };
        let (name, bytes) = match n % 5 {
            0 => (format!("{n:05}-di.json"), di().into_bytes()),
            1 => {
                let doc = credential_v11(issuer, n, subject);
                let signed = rt
                    .block_on(sign::ed25519_signature_2020(&doc, &issuer.key, &opts))
                    .expect("sign");
                (
                    format!("{n:05}-ed2020.json"),
                    serde_json::to_string(&signed).expect("json").into_bytes(),
                )
            }
            2 if n % 10 == 7 => (format!("{n:05}-rs256.jwt"), rs256_jwt(&rsa, n, subject)),
            2 => (
                format!("{n:05}-eddsa.jwt"),
                sign::vc_jwt(&doc, &issuer.key, &vm).expect("jwt").into_bytes(),
            ),
            3 => (format!("{n:05}.png"), png_with("openbadgecredential", &di())),
            _ => (format!("{n:05}.svg"), svg_with(&di())),
        };
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write badge");
        paths.push(path);
    }
    paths
}

fn png_with(keyword: &str, text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, 2, 2);
        enc.set_color(png::ColorType::Rgba);
        enc.add_itxt_chunk(keyword.to_owned(), text.to_owned())
            .expect("iTXt");
        let mut w = enc.write_header().expect("header");
        w.write_image_data(&[0x2a; 16]).expect("data");
    }
    out
}

fn svg_with(json: &str) -> Vec<u8> {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\" \
         width=\"10\" height=\"10\"><openbadges:credential><![CDATA[{json}]]></openbadges:credential>\
         <circle cx=\"5\" cy=\"5\" r=\"4\"/></svg>"
    )
    .into_bytes()
}

/// Writes `count` distinct signed badges of realistic size into `dir` (a mix: 1/4 PNG, 1/4 SVG, 1/4 JSON-LD, 1/4
/// VC-JWT, half EdDSA and half RS256); their paths.
pub fn write_badges(dir: &Path, count: usize, subject: &str) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).expect("output folder");
    let issuers = issuers(10);
    let rsa = rsa_issuer();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let created = OffsetDateTime::parse("2024-01-01T00:00:00Z", &Rfc3339).expect("date");
    let mut paths = Vec::with_capacity(count);
    for n in 0..count {
        let issuer = &issuers[n % issuers.len()];
        let vm = format!("{}#{}", issuer.did, issuer.did.trim_start_matches("did:key:"));
        let doc = credential(issuer, n, subject);
        let (name, bytes) = if n % 8 == 7 {
            (format!("{n:05}.jwt"), rs256_jwt(&rsa, n, subject))
        } else if n % 4 == 3 {
            (
                format!("{n:05}.jwt"),
                sign::vc_jwt(&doc, &issuer.key, &vm).expect("jwt").into_bytes(),
            )
        } else {
            let opts = ProofOptions {
                verification_method: &vm,
                purpose: "assertionMethod",
                created,
                challenge: None,
                domain: None,
            };
            let signed = rt
                .block_on(sign::data_integrity(&doc, &issuer.key, &opts))
                .expect("sign");
            let text = serde_json::to_string(&signed).expect("json");
            match n % 4 {
                0 => (format!("{n:05}.png"), png_with("openbadgecredential", &text)),
                1 => (format!("{n:05}.svg"), svg_with(&text)),
                _ => (format!("{n:05}.json"), text.into_bytes()),
            }
        };
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write badge");
        paths.push(path);
    }
    paths
}
