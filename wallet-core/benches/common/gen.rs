//! Generates signed Open Badges 3.0 credentials as files, the way issuers publish them: baked PNG, baked SVG,
//! JSON-LD with an eddsa-rdfc-2022 proof, and VC-JWT, from a few did:key issuers. Shared by the import benchmark
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
            }
        })
        .collect()
}

fn credential(issuer: &Issuer, n: usize, subject: &str) -> Value {
    let day = 1 + n % 28;
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": format!("urn:uuid:00000000-0000-4000-8000-{n:012}"),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": format!("Compétence {n}"),
        "issuer": {"id": issuer.did, "type": ["Profile"], "name": issuer.name},
        "validFrom": format!("2023-{:02}-{day:02}T00:00:00Z", 1 + n % 12),
        "credentialSubject": {
            "id": subject,
            "type": ["AchievementSubject"],
            "achievement": {
                "id": format!("https://example.org/achievements/{}", n % 500),
                "type": ["Achievement"],
                "name": format!("Compétence {n}"),
                "description": format!("Démontre la compétence numéro {n} en santé, gestion ou informatique."),
                "criteria": {"narrative": "Évaluation réussie."},
                "tag": ["santé", "gestion"],
                "alignment": [{"type": ["Alignment"], "targetName": format!("Cadre {}", n % 40), "targetUrl": "https://example.org/framework"}]
            }
        }
    })
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

/// Writes the benchmark corpus: `count` distinct signed badges, a fifth each of eddsa-rdfc-2022 VC 2.0 JSON-LD
/// (`*-di.json`), Ed25519Signature2020 VC 1.1 JSON-LD (`*-ed2020.json`), EdDSA VC-JWT (`*.jwt`), baked PNG and
/// baked SVG (both eddsa-rdfc-2022). Deterministic: the same files for the same count.
pub fn write_corpus(dir: &Path, count: usize, subject: &str) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).expect("output folder");
    let issuers = issuers(10);
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
            2 => (
                format!("{n:05}.jwt"),
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

/// Writes `count` distinct signed badges into `dir` (a mix: 1/4 PNG, 1/4 SVG, 1/4 JSON-LD, 1/4 JWT); their paths.
pub fn write_badges(dir: &Path, count: usize, subject: &str) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).expect("output folder");
    let issuers = issuers(10);
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let created = OffsetDateTime::parse("2024-01-01T00:00:00Z", &Rfc3339).expect("date");
    let mut paths = Vec::with_capacity(count);
    for n in 0..count {
        let issuer = &issuers[n % issuers.len()];
        let vm = format!("{}#{}", issuer.did, issuer.did.trim_start_matches("did:key:"));
        let doc = credential(issuer, n, subject);
        let (name, bytes) = if n % 4 == 3 {
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
