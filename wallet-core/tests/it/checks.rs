//! Single checks shown failing on their own: a credential whose only fault is its JSON Schema, with a valid proof.

use serde_json::{json, Value};
use wallet_core::keys::SecretKey;
use wallet_core::net::{MemoryCache, Net};
use wallet_core::verify::{verify_bytes, CheckId, Options, Outcome, Report, Verdict};

use crate::support::{at, did_key_vm, ob3_credential, sign_di};

const ACHIEVEMENT_SCHEMA: &str =
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json";

fn verify_offline(doc: &Value) -> Vec<Report> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(verify_bytes(
        &serde_json::to_vec(doc).unwrap(),
        &Net::offline(),
        &MemoryCache::new(),
        &Options::at(at("2025-01-01T00:00:00Z")),
    ))
}

/// What is broken, how, and words the schema check's reason must hold.
type Break = (&'static str, fn(&mut Value), &'static [&'static str]);

fn failed(r: &Report) -> Vec<CheckId> {
    r.checks
        .iter()
        .filter(|c| c.outcome == Outcome::Failed)
        .map(|c| c.id)
        .collect()
}

fn check(r: &Report, id: CheckId) -> (Outcome, String) {
    let c = r.checks.iter().find(|c| c.id == id).unwrap();
    (c.outcome, c.reason.clone().unwrap_or_default())
}

/// An OB 3.0 credential (did:key issuer) that asks for the bundled 1EdTech achievement-credential schema.
fn with_schema(key: &SecretKey) -> (Value, String) {
    let (did, vm) = did_key_vm(key);
    let mut c = ob3_credential("urn:uuid:schema-alone", &did, "Soudure");
    c["@context"]
        .as_array_mut()
        .unwrap()
        .push(json!("https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"));
    c["credentialSchema"] = json!([{"id": ACHIEVEMENT_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}]);
    (c, vm)
}

#[test]
fn the_schema_check_alone_makes_a_validly_signed_credential_invalid() {
    let key = SecretKey::from_seed(&[41; 32]);
    let (good, vm) = with_schema(&key);
    // The control: the same credential, whole, is valid and matches the schema it names.
    let reports = verify_offline(&sign_di(&good, &key, &vm));
    let r = &reports[0];
    assert_eq!(r.verdict, Verdict::Valid, "{r:#?}");
    let (outcome, why) = check(r, CheckId::Schema);
    assert_eq!(outcome, Outcome::Passed, "{why}");
    assert!(why.contains(ACHIEVEMENT_SCHEMA), "{why}");

    // Each break keeps the JSON-LD (and so the signature over it) intact but violates the schema: the issuer
    // signed it so, the proof holds, and only `schema` fails.
    let breaks: [Break; 3] = [
        (
            "an achievement without its required criteria",
            |c| {
                c["credentialSubject"]["achievement"]
                    .as_object_mut()
                    .unwrap()
                    .remove("criteria");
            },
            &[
                "/credentialSubject/achievement",
                "\"criteria\" is a required property",
            ],
        ),
        (
            "an achievement name that is a number, not a string",
            |c| c["credentialSubject"]["achievement"]["name"] = json!(42),
            &["/credentialSubject/achievement/name", "42"],
        ),
        (
            "a credential type without OpenBadgeCredential or AchievementCredential",
            |c| c["type"] = json!(["VerifiableCredential"]),
            &["/type"],
        ),
    ];
    for (what, break_it, words) in breaks {
        let mut bad = good.clone();
        break_it(&mut bad);
        let reports = verify_offline(&sign_di(&bad, &key, &vm));
        let r = &reports[0];
        assert_eq!(
            check(r, CheckId::Proof).0,
            Outcome::Passed,
            "{what}: the signature must hold: {r:#?}"
        );
        assert_eq!(failed(r), vec![CheckId::Schema], "{what}: {r:#?}");
        assert_eq!(r.verdict, Verdict::Invalid, "{what}");
        assert_eq!(r.deciding_check().map(|c| c.id), Some(CheckId::Schema), "{what}");
        let why = check(r, CheckId::Schema).1;
        assert!(why.contains("does not match the schema"), "{what}: {why}");
        assert!(why.contains(ACHIEVEMENT_SCHEMA), "{what}: {why}");
        for w in words {
            assert!(why.contains(w), "{what}: {why} lacks {w}");
        }
    }
}
