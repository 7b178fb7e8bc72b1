//! "Verified means signed", one attack at a time: the edits the issue found on the old code (an end date or a
//! status written as an IRI, an invented subject with relative ids), duplicate keys in every format, a proof's own
//! dates, a JWT whose claims contradict its credential, and what the portfolio shows: the credential's own picture
//! (not the file's), and who vouches for the issuer's name.

use std::sync::atomic::AtomicBool;

use serde_json::{json, Value};
use wallet_core::importer::{ImportOptions, ItemOutcome, Source};
use wallet_core::keys::SecretKey;
use wallet_core::net::{MemoryCache, Net, NetPolicy};
use wallet_core::picture::PictureSource;
use wallet_core::portfolio::Query;
use wallet_core::sign::{self, ProofOptions};
use wallet_core::verify::{verify_bytes, CheckId, IssuerIdentity, Options, Outcome, Report, Verdict};

use crate::support::{at, did_key_vm, new_wallet, ob3_credential, sign_di};

fn block<F: std::future::Future>(f: F) -> F::Output {
    futures_executor::block_on(f)
}

fn verify_at(bytes: &[u8], now: &str) -> Vec<Report> {
    block(verify_bytes(
        bytes,
        &Net::offline(),
        &MemoryCache::new(),
        &Options::at(at(now)),
    ))
}

fn verify(doc: &Value) -> Vec<Report> {
    verify_at(&serde_json::to_vec(doc).unwrap(), "2025-01-01T00:00:00Z")
}

fn check(r: &Report, id: CheckId) -> (Outcome, String) {
    let c = r
        .checks
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no {id:?} in {r:#?}"));
    (c.outcome, c.reason.clone().unwrap_or_default())
}

fn issuer() -> (SecretKey, String, String) {
    let key = SecretKey::from_seed(&[7; 32]);
    let (did, vm) = did_key_vm(&key);
    (key, did, vm)
}

/// A signed OB 3.0 credential from the test issuer, with `extra` merged in before signing.
fn signed(extra: Value) -> Value {
    let (key, did, vm) = issuer();
    let mut doc = ob3_credential(
        "urn:uuid:11111111-2222-3333-4444-555555555555",
        &did,
        "Soins infirmiers I",
    );
    for (k, v) in extra.as_object().unwrap() {
        doc[k] = v.clone();
    }
    sign_di(&doc, &key, &vm)
}

fn rename_key(doc: &mut Value, from: &str, to: &str, value: Value) {
    let map = doc.as_object_mut().unwrap();
    map.remove(from).unwrap();
    map.insert(to.to_owned(), value);
}

#[test]
fn an_expired_credential_with_its_end_date_written_as_an_iri_stays_expired() {
    let doc = signed(json!({"validUntil": "2024-06-30T00:00:00Z"}));
    assert_eq!(verify(&doc)[0].verdict, Verdict::Invalid, "expired as signed");
    // The same quad, written with the full IRI and an explicit datatype: JSON-LD itself sees no change.
    let mut edited = doc.clone();
    rename_key(
        &mut edited,
        "validUntil",
        "https://www.w3.org/2018/credentials#validUntil",
        json!({"@value": "2024-06-30T00:00:00Z", "@type": "http://www.w3.org/2001/XMLSchema#dateTime"}),
    );
    let strip = |d: &Value| {
        let mut d = d.clone();
        d.as_object_mut().unwrap().remove("proof");
        d
    };
    assert_eq!(
        block(wallet_core::ld::canonical_nquads_unsafe(&strip(&doc))).unwrap(),
        block(wallet_core::ld::canonical_nquads_unsafe(&strip(&edited))).unwrap(),
        "the edit keeps the signed RDF"
    );
    let r = &verify(&edited)[0];
    assert_eq!(r.verdict, Verdict::Invalid);
    let (outcome, why) = check(r, CheckId::Proof);
    assert_eq!(outcome, Outcome::Failed);
    assert!(
        why.contains("the document contains data the signature does not cover"),
        "{why}"
    );
    assert!(why.contains("written as an IRI"), "{why}");

    // Renamed through an alias its own inline context defines (a term, so safe mode accepts it): Carnet reads the
    // signed end date anyway.
    let mut aliased = doc.clone();
    aliased["@context"].as_array_mut().unwrap().push(json!({
        "ends": {"@id": "https://www.w3.org/2018/credentials#validUntil",
                 "@type": "http://www.w3.org/2001/XMLSchema#dateTime"}}));
    rename_key(&mut aliased, "validUntil", "ends", json!("2024-06-30T00:00:00Z"));
    let r = &verify(&aliased)[0];
    assert_eq!(check(r, CheckId::Proof).0, Outcome::Passed, "{r:#?}");
    let (outcome, why) = check(r, CheckId::Dates);
    assert_eq!((outcome, r.verdict), (Outcome::Failed, Verdict::Invalid));
    assert!(why.contains("expired: validUntil was 2024-06-30"), "{why}");
    assert_eq!(
        r.credential.as_ref().unwrap().valid_until.as_deref(),
        Some("2024-06-30T00:00:00Z")
    );
}

#[test]
fn a_status_written_under_another_name_is_still_checked() {
    let status = json!({"id": "https://status.example.edu/1#42", "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation", "statusListIndex": "42",
        "statusListCredential": "https://status.example.edu/1"});
    let doc = signed(json!({ "credentialStatus": status }));
    let base = &verify(&doc)[0];
    let (outcome, why) = check(base, CheckId::Status);
    assert_eq!(outcome, Outcome::Skipped);
    assert!(
        base.checks.iter().any(|c| c.id == CheckId::Status && c.warning),
        "{why}"
    );

    let mut iri = doc.clone();
    rename_key(
        &mut iri,
        "credentialStatus",
        "https://www.w3.org/2018/credentials#credentialStatus",
        status.clone(),
    );
    assert_eq!(verify(&iri)[0].verdict, Verdict::Invalid);

    let mut aliased = doc.clone();
    aliased["@context"]
        .as_array_mut()
        .unwrap()
        .push(json!({"revocation": {"@id": "https://www.w3.org/2018/credentials#credentialStatus", "@type": "@id"}}));
    rename_key(&mut aliased, "credentialStatus", "revocation", status);
    let r = &verify(&aliased)[0];
    assert_eq!(check(r, CheckId::Proof).0, Outcome::Passed);
    // Not "fully verified": the revocation list must still be consulted, exactly as for the original.
    assert_eq!(check(r, CheckId::Status), check(base, CheckId::Status));
    assert!(!r.fully_verified());
}

#[test]
fn an_invented_subject_with_relative_ids_is_refused_and_never_stored() {
    let doc = signed(json!({}));
    let mut edited = doc.clone();
    let real = edited["credentialSubject"].take();
    edited["credentialSubject"] = json!([{
        "id": "student", "type": ["AchievementSubject"],
        "achievement": {"id": "md", "type": ["Achievement"], "name": "Doctor of Medicine",
            "description": "Four years of medical school.", "criteria": {"id": "criteria"},
            "image": {"id": "md.png", "type": "Image"}}
    }, real]);
    let r = &verify(&edited)[0];
    assert_eq!(r.verdict, Verdict::Invalid);
    let (_, why) = check(r, CheckId::Proof);
    assert!(why.contains("is not an absolute IRI"), "{why}");

    let tmp = tempfile::tempdir().unwrap();
    let w = new_wallet(&tmp.path().join("w"));
    let file = tmp.path().join("md.json");
    std::fs::write(&file, serde_json::to_vec(&edited).unwrap()).unwrap();
    let opts = ImportOptions {
        net: NetPolicy::offline(),
        now: Some(at("2025-01-01T00:00:00Z")),
        ..ImportOptions::default()
    };
    let s = w
        .import(&[Source::Path(file)], &opts, &mut |_| {}, &AtomicBool::new(false))
        .unwrap();
    assert_eq!(s.items[0].outcome, ItemOutcome::Invalid, "{s:#?}");
    assert_eq!(w.portfolio(&Query::default()).unwrap().total, 0);
}

#[test]
fn duplicate_keys_are_refused_in_every_format() {
    let doc = signed(json!({}));
    let text = serde_json::to_string(&doc).unwrap();
    let dup_json = format!("{{\"name\": \"Doctor of Medicine\",{}", &text[1..]);
    let r = &verify_at(dup_json.as_bytes(), "2025-01-01T00:00:00Z")[0];
    assert_eq!(r.verdict, Verdict::Error);
    assert!(check(r, CheckId::Format).1.contains("\"name\" twice"), "{r:#?}");

    // A JWT payload and header.
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    use base64::Engine;
    let (key, _, vm) = issuer();
    let jwt = sign::vc_jwt(&ob3_credential("urn:x", "did:example:i", "n"), &key, &vm).unwrap();
    let parts: Vec<&str> = jwt.split('.').collect();
    let payload = String::from_utf8(B64.decode(parts[1]).unwrap()).unwrap();
    let dup_payload = format!("{{\"iss\":\"did:example:other\",{}", &payload[1..]);
    let forged = format!("{}.{}.{}", parts[0], B64.encode(dup_payload), parts[2]);
    let r = &verify_at(forged.as_bytes(), "2025-01-01T00:00:00Z")[0];
    assert_eq!(r.verdict, Verdict::Error);
    assert!(check(r, CheckId::Format).1.contains("\"iss\" twice"), "{r:#?}");
    let header = String::from_utf8(B64.decode(parts[0]).unwrap()).unwrap();
    let dup_header = format!("{{\"alg\":\"none\",{}", &header[1..]);
    let forged = format!("{}.{}.{}", B64.encode(dup_header), parts[1], parts[2]);
    let r = &verify_at(forged.as_bytes(), "2025-01-01T00:00:00Z")[0];
    assert_eq!(r.verdict, Verdict::Error);
    assert!(check(r, CheckId::Format).1.contains("\"alg\" twice"), "{r:#?}");

    // Baked in a PNG.
    let png = png_with("openbadgecredential", &dup_json);
    let r = &verify_at(&png, "2025-01-01T00:00:00Z")[0];
    assert_eq!(r.verdict, Verdict::Error);
    assert!(check(r, CheckId::Format).1.contains("twice"), "{r:#?}");
}

#[test]
fn a_proofs_own_dates_are_checked() {
    let (key, did, vm) = issuer();
    let doc = ob3_credential("urn:uuid:1", &did, "n");
    let sign_at = |created: &str| {
        let opts = ProofOptions {
            verification_method: &vm,
            purpose: "assertionMethod",
            created: at(created),
            challenge: None,
            domain: None,
        };
        block(sign::data_integrity(&doc, &key, &opts)).unwrap()
    };
    assert_eq!(
        verify(&sign_at("2024-01-01T00:00:00Z"))[0].verdict,
        Verdict::Valid
    );
    let future = &verify(&sign_at("2030-01-01T00:00:00Z"))[0];
    assert_eq!(future.verdict, Verdict::Invalid);
    assert!(
        check(future, CheckId::Proof).1.contains("in the future"),
        "{future:#?}"
    );
    // `expires` is part of the signed proof configuration: sign one with it, judged after it.
    let mut unsigned = doc.clone();
    unsigned.as_object_mut().unwrap().remove("proof");
    let config = json!({"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
        "created": "2024-01-01T00:00:00Z", "expires": "2024-12-01T00:00:00Z",
        "verificationMethod": vm, "proofPurpose": "assertionMethod"});
    let input = block(wallet_core::verify::data_integrity_signing_input(
        &unsigned, &config,
    ))
    .unwrap();
    let sig = key.sign(&input);
    let mut proof = config.clone();
    proof["proofValue"] = json!(multibase::encode(multibase::Base::Base58Btc, sig));
    unsigned["proof"] = proof;
    let expired = &verify(&unsigned)[0];
    assert!(
        check(expired, CheckId::Proof)
            .1
            .contains("the proof expired on 2024-12-01"),
        "{expired:#?}"
    );
    let before = &verify_at(&serde_json::to_vec(&unsigned).unwrap(), "2024-06-01T00:00:00Z")[0];
    assert_eq!(before.verdict, Verdict::Valid, "{before:#?}");
}

#[test]
fn a_jwt_whose_claims_contradict_its_credential_is_invalid() {
    let (key, did, vm) = issuer();
    let mut cred = ob3_credential("urn:uuid:2", &did, "n");
    cred["@context"] = json!([
        "https://www.w3.org/2018/credentials/v1",
        "https://purl.imsglobal.org/spec/ob/v3p0/context.json"
    ]);
    cred.as_object_mut().unwrap().remove("validFrom");
    cred["issuanceDate"] = json!("2024-01-01T00:00:00Z");
    cred["expirationDate"] = json!("2024-06-30T00:00:00Z");
    let jwt = sign::vc_jwt(&cred, &key, &vm).unwrap();
    let r = &verify_at(jwt.as_bytes(), "2024-03-01T00:00:00Z")[0];
    assert_eq!(r.verdict, Verdict::Valid, "{r:#?}");
    // The same credential with an exp claim later than its expirationDate: which one would an employer see?
    let header = json!({"alg": "EdDSA", "kid": vm, "typ": "JWT"});
    let payload = json!({"iss": did, "jti": "urn:uuid:2", "sub": "did:example:l", "nbf": 1704067200,
        "exp": 4102444800i64, "vc": cred});
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    use base64::Engine;
    let input = format!(
        "{}.{}",
        B64.encode(serde_json::to_vec(&header).unwrap()),
        B64.encode(serde_json::to_vec(&payload).unwrap())
    );
    let jwt = format!("{input}.{}", B64.encode(key.sign(input.as_bytes())));
    let r = &verify_at(jwt.as_bytes(), "2024-03-01T00:00:00Z")[0];
    assert_eq!(r.verdict, Verdict::Invalid, "{r:#?}");
    assert!(check(r, CheckId::Proof)
        .1
        .contains("exp 2100-01-01T00:00:00Z is not the credential's expirationDate"));
}

fn png_with(keyword: &str, text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, 2, 2);
        enc.set_color(png::ColorType::Rgba);
        enc.add_itxt_chunk(keyword.to_owned(), text.to_owned()).unwrap();
        let mut w = enc.write_header().unwrap();
        w.write_image_data(&[0x2a; 16]).unwrap();
    }
    out
}

#[test]
fn the_picture_shown_is_the_credentials_own_unless_it_names_none() {
    let tmp = tempfile::tempdir().unwrap();
    let w = new_wallet(&tmp.path().join("w"));
    let dir = tmp.path().join("in");
    std::fs::create_dir(&dir).unwrap();
    // A credential that carries its own picture, baked into some other picture.
    let own = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==";
    let (key, did, vm) = issuer();
    let mut with_own = ob3_credential("urn:uuid:own", &did, "Own picture");
    with_own["credentialSubject"]["achievement"]["image"] = json!({"id": own, "type": "Image"});
    let with_own = sign_di(&with_own, &key, &vm);
    std::fs::write(
        dir.join("own.png"),
        png_with("openbadgecredential", &with_own.to_string()),
    )
    .unwrap();
    // One that names none: the file's picture, marked as such.
    let none = sign_di(&ob3_credential("urn:uuid:none", &did, "No picture"), &key, &vm);
    let baked = png_with("openbadgecredential", &none.to_string());
    std::fs::write(dir.join("none.png"), &baked).unwrap();
    // One that names a picture on the web, imported offline: no picture rather than the file's.
    let mut web = ob3_credential("urn:uuid:web", &did, "Web picture");
    web["credentialSubject"]["achievement"]["image"] =
        json!({"id": "https://example.edu/b.png", "type": "Image"});
    let web = sign_di(&web, &key, &vm);
    std::fs::write(
        dir.join("web.png"),
        png_with("openbadgecredential", &web.to_string()),
    )
    .unwrap();

    let opts = ImportOptions {
        net: NetPolicy::offline(),
        now: Some(at("2025-01-01T00:00:00Z")),
        ..ImportOptions::default()
    };
    let s = w
        .import(&[Source::Path(dir)], &opts, &mut |_| {}, &AtomicBool::new(false))
        .unwrap();
    assert_eq!(s.imported, 3, "{s:#?}");
    let page = w.portfolio(&Query::default()).unwrap();
    let by_name = |n: &str| {
        page.entries
            .iter()
            .find(|e| e.name.as_deref() == Some(n))
            .unwrap()
    };
    let e = by_name("Own picture");
    assert_eq!(e.image_source, Some(PictureSource::Credential));
    assert_eq!(w.credential_image(&e.id).unwrap().as_deref(), Some(own));
    let e = by_name("No picture");
    assert_eq!(e.image_source, Some(PictureSource::File));
    assert!(w
        .credential_image(&e.id)
        .unwrap()
        .unwrap()
        .starts_with("data:image/png;base64,"));
    let e = by_name("Web picture");
    assert_eq!((e.has_image, e.image_source), (false, None));
    assert_eq!(w.credential_image(&e.id).unwrap(), None);
}

#[test]
fn a_picture_named_on_the_web_is_fetched_once_and_kept() {
    let picture = {
        let mut out = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut out, 1, 1);
            enc.set_color(png::ColorType::Grayscale);
            enc.write_header().unwrap().write_image_data(&[0]).unwrap();
        }
        out
    };
    let mut routes = crate::http::Routes::new();
    routes.insert("/badges/b.png".into(), (200, picture.clone()));
    routes.insert(
        "/badges/page.html".into(),
        (200, b"<html><script>x</script></html>".to_vec()),
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = rt.block_on(crate::http::serve(routes));
    let (key, did, vm) = issuer();
    let tmp = tempfile::tempdir().unwrap();
    let w = new_wallet(&tmp.path().join("w"));
    let dir = tmp.path().join("in");
    std::fs::create_dir(&dir).unwrap();
    for (name, url) in [
        ("png", "https://example.edu/badges/b.png"),
        ("html", "https://example.edu/badges/page.html"),
    ] {
        let mut c = ob3_credential(&format!("urn:uuid:{name}"), &did, name);
        c["credentialSubject"]["achievement"]["image"] = json!({"id": url, "type": "Image"});
        std::fs::write(
            dir.join(format!("{name}.json")),
            sign_di(&c, &key, &vm).to_string(),
        )
        .unwrap();
    }
    let opts = ImportOptions {
        net: NetPolicy {
            allow_loopback_http: true,
            test_routes: vec![("https://example.edu/".into(), format!("{}/", server.base))],
            ..NetPolicy::default()
        },
        now: Some(at("2025-01-01T00:00:00Z")),
        ..ImportOptions::default()
    };
    let s = w
        .import(&[Source::Path(dir)], &opts, &mut |_| {}, &AtomicBool::new(false))
        .unwrap();
    assert_eq!(s.imported, 2, "{s:#?}");
    drop(rt);
    let page = w.portfolio(&Query::default()).unwrap();
    let png = page
        .entries
        .iter()
        .find(|e| e.name.as_deref() == Some("png"))
        .unwrap();
    assert_eq!(png.image_source, Some(PictureSource::Issuer));
    use base64::Engine;
    let expected = format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(&picture)
    );
    assert_eq!(w.credential_image(&png.id).unwrap(), Some(expected));
    // A page that is not an image is never shown as one.
    let html = page
        .entries
        .iter()
        .find(|e| e.name.as_deref() == Some("html"))
        .unwrap();
    assert_eq!((html.has_image, html.image_source), (false, None));
}

#[test]
fn who_vouches_for_the_issuer_is_shown_beside_its_name() {
    let did_key = &verify(&signed(json!({})))[0];
    assert_eq!(
        did_key.issuer_identity,
        Some(IssuerIdentity::KeyOnly {
            method: "did:key".into()
        })
    );
    assert_eq!(
        IssuerIdentity::of("did:web:registrar.example.edu:issuers:1", true),
        IssuerIdentity::Domain {
            domain: "registrar.example.edu".into(),
            confirmed: true
        }
    );
    assert_eq!(
        IssuerIdentity::of("did:web:localhost%3A8443", false),
        IssuerIdentity::Domain {
            domain: "localhost".into(),
            confirmed: false
        }
    );
    assert_eq!(
        IssuerIdentity::of("https://www.cegep.example/issuers/565049", true),
        IssuerIdentity::Domain {
            domain: "www.cegep.example".into(),
            confirmed: true
        }
    );
    assert_eq!(
        IssuerIdentity::of("urn:uuid:1", true),
        IssuerIdentity::Unverified {
            id: "urn:uuid:1".into()
        }
    );
    // An https issuer whose key only the credential asserts: named, not confirmed (offline, its document unread).
    let spec = crate::support::shared()
        .join("standards/examples/ob-v3p0/spec-rendered-v1.0.14/example-36-complete-openbadgecredential.signed.json");
    let r = &verify_at(&std::fs::read(spec).unwrap(), "2025-01-01T00:00:00Z")[0];
    assert_eq!(
        r.issuer_identity,
        Some(IssuerIdentity::Domain {
            domain: "1edtech.edu".into(),
            confirmed: false
        })
    );
}
