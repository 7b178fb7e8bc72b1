//! Verification against real files: the peer corpus (its manifest drives the loop), the OB 3.0 spec examples, the
//! 1EdTech validator fixtures, the wild corpus, and issuers' web servers played by a real HTTP server on 127.0.0.1.

use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use wallet_core::net::{MemoryCache, Net, NetPolicy};
use wallet_core::verify::{overall, verify_bytes, CheckId, Options, Outcome, Report, Verdict};

use crate::http;
use crate::support::{
    at, did_key_vm, ob3_credential, peer_offline_verdict, shared, sign_di, PEER_OFFLINE_DIFFERENCES,
};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn block<F: Future>(rt: &tokio::runtime::Runtime, f: F) -> F::Output {
    rt.block_on(f)
}

async fn verify(path: &Path, net: &Net, cache: &MemoryCache, opts: &Options) -> Vec<Report> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    verify_bytes(&bytes, net, cache, opts).await
}

fn outcome(r: &Report, id: CheckId) -> (Outcome, String) {
    let c = r
        .checks
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no {id:?} check in {r:#?}"));
    (c.outcome, c.reason.clone().unwrap_or_default())
}

/// Every check that did not pass says why.
fn assert_reasons(name: &str, reports: &[Report]) {
    assert!(!reports.is_empty(), "{name}: no report");
    for r in reports {
        for c in &r.checks {
            if c.outcome != Outcome::Passed {
                assert!(
                    c.reason.as_deref().is_some_and(|s| !s.is_empty()),
                    "{name}: {:?} has no reason",
                    c.id
                );
            }
        }
    }
}

/// A Net that sends `https://host/…` to the local server (test routes) and allows loopback http.
fn routed(routes: &[(&str, &str)]) -> Net {
    Net::new(NetPolicy {
        allow_loopback_http: true,
        test_routes: routes
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect(),
        ..NetPolicy::default()
    })
    .unwrap()
}

/// The peer corpus is judged after its credentials' 2024-06-30 expiry dates: its manifest's `fixed_time` is also
/// their `validFrom`, at which the expired negatives are still valid.
const PEER_NOW: &str = "2025-01-01T00:00:00Z";

#[test]
fn peer_corpus_gets_its_expected_classes_offline() {
    let dir = shared().join("fixtures/peer-corpus");
    let manifest: Value = serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    let rt = runtime();
    let net = Net::offline();
    let cache = MemoryCache::new();
    let mut failures = Vec::new();
    let mut differ = 0;
    let cases = manifest["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 45);
    for case in cases {
        let file = case["file"].as_str().unwrap();
        let expect = case["expect"].as_str().unwrap();
        let mut opts = Options::at(at(PEER_NOW));
        opts.challenge = case["challenge"].as_str().map(str::to_owned);
        opts.domain = case["domain"].as_str().map(str::to_owned);
        let reports = block(&rt, verify(&dir.join(file), &net, &cache, &opts));
        assert_reasons(file, &reports);
        let got = overall(&reports);
        // Exactly the manifest's class (an `error` is not an `indeterminate`), or a difference listed with its reason.
        let want = peer_offline_verdict(file, expect);
        if got != want {
            failures.push(format!(
                "{file}: manifest {expect}, expected {want:?}, got {got:?}: {:#?}",
                reports
            ));
        }
        if want.as_str() != expect {
            differ += 1;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Every listed difference is a case of this corpus (a stale entry would excuse nothing, silently).
    assert_eq!(differ, PEER_OFFLINE_DIFFERENCES.len());
    assert!(cache.is_empty(), "offline verification cached nothing");
}

#[test]
fn ob2_signed_needs_its_issuer_documents_then_holds_offline_from_the_cache() {
    let side = shared().join("fixtures/peer-corpus/ob2-sidecar");
    let rt = runtime();
    let mut routes = http::Routes::new();
    for f in ["key.json", "issuer.json", "badgeclass.json"] {
        routes.insert(format!("/ob2/{f}"), (200, std::fs::read(side.join(f)).unwrap()));
    }
    let server = block(&rt, http::serve(routes));
    let net = routed(&[("https://badges.public-example.org/", &format!("{}/", server.base))]);
    let cache = MemoryCache::new();
    let opts = Options::at(at(PEER_NOW));
    for file in ["ob2-signed-baked.png", "ob2-signed-baked.svg"] {
        let path = shared().join("fixtures/peer-corpus").join(file);
        let reports = block(&rt, verify(&path, &net, &cache, &opts));
        assert_eq!(overall(&reports), Verdict::Valid, "{file} online: {reports:#?}");
        assert_eq!(outcome(&reports[0], CheckId::IssuerBinding).0, Outcome::Passed);
        assert_eq!(reports[0].format, "ob2-signed");
        // Offline afterwards: the cached documents, with their date.
        let offline = block(&rt, verify(&path, &Net::offline(), &cache, &opts));
        assert_eq!(
            overall(&offline),
            Verdict::Valid,
            "{file} offline from cache: {offline:#?}"
        );
        assert!(
            outcome(&offline[0], CheckId::Proof).1.contains("as of"),
            "{offline:#?}"
        );
    }
    assert!(server.hits.lock().unwrap().contains(&"/ob2/key.json".to_owned()));
    // Uncached and offline: could not check, never valid.
    let fresh = MemoryCache::new();
    let path = shared().join("fixtures/peer-corpus/ob2-signed-baked.png");
    let reports = block(&rt, verify(&path, &Net::offline(), &fresh, &opts));
    assert_eq!(overall(&reports), Verdict::Indeterminate);
}

#[test]
fn ob2_hosted_is_checked_at_its_issuer_and_410_means_revoked() {
    let side = shared().join("fixtures/peer-corpus/ob2-sidecar");
    let assertion = "/ob2/assertions/b2bb511e-adb5-4af8-b566-dd41ba3b5e1b.json";
    let rt = runtime();
    let opts = Options::at(at(PEER_NOW));
    let path = shared().join("fixtures/peer-corpus/ob2-hosted-baked.png");
    for (status, expect) in [(200, Verdict::Valid), (410, Verdict::Invalid)] {
        let mut routes = http::Routes::new();
        routes.insert(
            assertion.into(),
            (status, std::fs::read(side.join("hosted-assertion.json")).unwrap()),
        );
        for f in ["issuer.json", "badgeclass.json"] {
            routes.insert(format!("/ob2/{f}"), (200, std::fs::read(side.join(f)).unwrap()));
        }
        let server = block(&rt, http::serve(routes));
        let net = routed(&[("https://badges.public-example.org/", &format!("{}/", server.base))]);
        let reports = block(&rt, verify(&path, &net, &MemoryCache::new(), &opts));
        assert_eq!(overall(&reports), expect, "HTTP {status}: {reports:#?}");
        if status == 410 {
            assert!(outcome(&reports[0], CheckId::Status).1.contains("410"));
        }
    }
}

fn spec_examples() -> Vec<PathBuf> {
    let dir = shared().join("standards/examples/ob-v3p0/spec-rendered-v1.0.14");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

/// The documents the spec examples' issuers would publish: each issuer's profile listing the keys its examples
/// use (a multibase key from the verification method, or the JWT's `jwk`).
fn issuer_documents() -> HashMap<String, Value> {
    let mut docs: HashMap<String, Value> = HashMap::new();
    for path in spec_examples() {
        let text = std::fs::read_to_string(&path).unwrap();
        let (issuer, method) = if path.extension().is_some_and(|e| e == "jwt") {
            let mut parts = text.trim().split('.');
            let header: Value =
                serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts.next().unwrap()).unwrap()).unwrap();
            let payload: Value =
                serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts.next().unwrap()).unwrap()).unwrap();
            let issuer = payload["issuer"]["id"].as_str().unwrap().to_owned();
            (
                issuer.clone(),
                json!({"id": format!("{issuer}#jwt"), "type": "JsonWebKey", "controller": issuer, "publicKeyJwk": header["jwk"]}),
            )
        } else {
            let doc: Value = serde_json::from_str(&text).unwrap();
            let issuer = doc["issuer"]["id"].as_str().unwrap().to_owned();
            let vm = doc["proof"][0]["verificationMethod"].as_str().unwrap().to_owned();
            let key = vm.split('#').nth(1).unwrap().to_owned();
            (
                issuer.clone(),
                json!({"id": vm, "type": "Multikey", "controller": issuer, "publicKeyMultibase": key}),
            )
        };
        let doc = docs
            .entry(issuer.clone())
            .or_insert_with(|| json!({"id": issuer, "type": "Profile", "verificationMethod": []}));
        doc["verificationMethod"].as_array_mut().unwrap().push(method);
    }
    docs
}

#[test]
fn spec_examples_all_sixteen_proofs_verify_and_binding_needs_the_issuer() {
    let files = spec_examples();
    assert_eq!(files.len(), 16);
    let rt = runtime();
    let now = at("2026-11-27T00:00:00Z");
    let opts = Options::at(now);
    // Offline, uncached: the signature verifies with the key the credential itself carries, but that proves
    // nothing about the issuer: indeterminate, never valid.
    for path in &files {
        let reports = block(&rt, verify(path, &Net::offline(), &MemoryCache::new(), &opts));
        let name = path.file_name().unwrap().to_string_lossy();
        assert_eq!(
            outcome(&reports[0], CheckId::Proof).0,
            Outcome::Passed,
            "{name}: {reports:#?}"
        );
        let (binding, why) = outcome(&reports[0], CheckId::IssuerBinding);
        assert_eq!(binding, Outcome::Skipped, "{name}");
        assert!(why.contains("issuer not bound"), "{name}: {why}");
        assert_eq!(reports[0].verdict, Verdict::Indeterminate, "{name}");
    }
    // Online: the issuers' documents (served by a real HTTP server) list the keys: bound, valid, cached.
    let mut routes = http::Routes::new();
    let mut hosts = Vec::new();
    for (issuer, doc) in issuer_documents() {
        let url = url::Url::parse(&issuer).unwrap();
        let host = url.host_str().unwrap().to_owned();
        routes.insert(
            format!("/{host}{}", url.path()),
            (200, serde_json::to_vec(&doc).unwrap()),
        );
        hosts.push(host);
    }
    let server = block(&rt, http::serve(routes));
    let prefixes: Vec<(String, String)> = hosts
        .iter()
        .map(|h| (format!("https://{h}/"), format!("{}/{h}/", server.base)))
        .collect();
    let net = routed(
        &prefixes
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect::<Vec<_>>(),
    );
    let cache = MemoryCache::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy();
        let reports = block(&rt, verify(path, &net, &cache, &opts));
        assert_eq!(
            outcome(&reports[0], CheckId::IssuerBinding).0,
            Outcome::Passed,
            "{name}: {reports:#?}"
        );
        assert_eq!(reports[0].verdict, Verdict::Valid, "{name}: {reports:#?}");
    }
    // Offline again: bound from the cache, and the report says as of when.
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy();
        let reports = block(&rt, verify(path, &Net::offline(), &cache, &opts));
        assert_eq!(reports[0].verdict, Verdict::Valid, "{name}: {reports:#?}");
        assert!(
            outcome(&reports[0], CheckId::IssuerBinding).1.contains("as of"),
            "{name}"
        );
    }
}

#[test]
fn validator_fixtures_fail_the_check_their_name_states() {
    let dir = shared().join("standards/examples/ob-v3p0/validator-tests");
    let rt = runtime();
    let opts = Options::at(at("2026-11-27T00:00:00Z"));
    let expect: &[(&str, &[CheckId])] = &[
        ("simple-err-context.json", &[CheckId::Format]),
        (
            "simple-err-credential-subject-achievement-result-description-type.json",
            &[CheckId::Proof, CheckId::Schema],
        ),
        (
            "simple-err-credential-subject-identifier-type.json",
            &[CheckId::Proof, CheckId::Schema],
        ),
        (
            "simple-err-credential-subject-profile-type.json",
            &[CheckId::Proof, CheckId::Schema],
        ),
        (
            "simple-err-credential-subject-result-type.json",
            &[CheckId::Proof, CheckId::Schema],
        ),
        (
            "simple-err-credential-subject-type.json",
            &[CheckId::Proof, CheckId::Schema],
        ),
        (
            "simple-err-evidence-type.json",
            &[CheckId::Proof, CheckId::Schema],
        ),
        ("simple-err-expired.json", &[CheckId::Dates]),
        ("simple-err-issued.json", &[CheckId::Dates]),
        (
            "simple-err-issuer-otheridentifier-type.json",
            &[CheckId::Proof, CheckId::Schema],
        ),
        (
            "simple-err-issuer-parentorg-type.json",
            &[CheckId::Proof, CheckId::Schema],
        ),
        ("simple-err-issuer-type.json", &[CheckId::Proof, CheckId::Schema]),
        ("simple-err-issuer.json", &[CheckId::Format]),
        ("simple-err-proof-method-no-scheme.json", &[CheckId::Proof]),
        (
            "simple-err-proof-method-unknown-did-method.json",
            &[CheckId::Proof],
        ),
        ("simple-err-proof-method-unknown-scheme.json", &[CheckId::Proof]),
        ("simple-err-proof-method.json", &[CheckId::Proof]),
        ("simple-err-proof-value.json", &[CheckId::Proof]),
        (
            "simple-err-type.json",
            &[CheckId::Proof, CheckId::Schema, CheckId::Format],
        ),
    ];
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        if name.starts_with("simple-err-") {
            seen += 1;
            assert!(
                expect.iter().any(|(f, _)| *f == name),
                "new fixture {name} has no expectation here"
            );
        }
    }
    assert_eq!(seen, expect.len());
    for (file, checks) in expect {
        let reports = block(
            &rt,
            verify(&dir.join(file), &Net::offline(), &MemoryCache::new(), &opts),
        );
        assert_reasons(file, &reports);
        assert_eq!(reports[0].verdict, Verdict::Invalid, "{file}: {reports:#?}");
        assert!(
            reports[0]
                .checks
                .iter()
                .any(|c| c.outcome == Outcome::Failed && checks.contains(&c.id)),
            "{file}: none of {checks:?} failed: {reports:#?}"
        );
    }
    // The good ones: every signature verifies (the issuer binding needs the network).
    let good = [
        "simple.json",
        "simple.1ob",
        "simple_v1.json",
        "simple-multiple-proofs.json",
        "simple-eddsa-2022.json",
        "simple-context-alias.json",
        "simple-context-version.json",
        "simple-did-web-method.json",
        "endorsement-valid.json",
        "complete.json",
        "simple-json.png",
        "simple-json.svg",
        "simple-jwt.png",
        "simple-jwt.svg",
        "simple-jwt_v1.png",
        "simple-jwt_v1.svg",
    ];
    for file in good {
        let reports = block(
            &rt,
            verify(&dir.join(file), &Net::offline(), &MemoryCache::new(), &opts),
        );
        assert_eq!(
            outcome(&reports[0], CheckId::Proof).0,
            Outcome::Passed,
            "{file}: {reports:#?}"
        );
        assert_ne!(
            reports[0].verdict,
            Verdict::Valid,
            "{file}: an unbound key must not give valid"
        );
    }
    // CLR 2.0: the wrapper and every inner credential get their own report and their signatures verify.
    let clr = shared().join("standards/examples/clr-v2p0/validator-tests");
    for (file, count) in [("simple.json", 2), ("complex.json", 7), ("simple_v1.json", 7)] {
        let reports = block(
            &rt,
            verify(&clr.join(file), &Net::offline(), &MemoryCache::new(), &opts),
        );
        assert_eq!(reports.len(), count, "{file}");
        assert_eq!(reports[0].kind, "clr");
        for r in &reports {
            assert_eq!(
                outcome(r, CheckId::Proof).0,
                Outcome::Passed,
                "{file}#{}: {r:#?}",
                r.index
            );
        }
        assert!(reports[1..].iter().all(|r| r.parent == Some(0)));
    }
}

/// The issuer of the 1EdTech Bitstring fixtures and its key, as its web page would list it.
fn onedtech_issuer() -> Vec<u8> {
    serde_json::to_vec(&json!({
        "id": "https://1edtech.edu/issuers/565049",
        "type": "Profile",
        "verificationMethod": [{
            "id": "https://1edtech.edu/issuers/565049#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
            "type": "Multikey",
            "controller": "https://1edtech.edu/issuers/565049",
            "publicKeyMultibase": "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
        }]
    }))
    .unwrap()
}

#[test]
fn bitstring_status_list_revoked_index_and_unreachable_list() {
    let dir = shared().join("standards/examples/ob-v3p0/validator-tests/bit-string-list");
    let list_path = "/1EdTech/digital-credentials-public-validator/refs/heads/main/inspector-vc/src/test/resources/ob30/bit-string-list/testlist";
    let rt = runtime();
    let opts = Options::at(at("2026-11-27T00:00:00Z"));
    let mut routes = http::Routes::new();
    routes.insert("/issuers/565049".into(), (200, onedtech_issuer()));
    routes.insert(
        list_path.into(),
        (200, std::fs::read(dir.join("testlist")).unwrap()),
    );
    let server = block(&rt, http::serve(routes));
    let issuer_route = ("https://1edtech.edu/", format!("{}/", server.base));
    let net = routed(
        &[
            issuer_route.clone(),
            ("https://raw.githubusercontent.com/", format!("{}/", server.base)),
        ]
        .iter()
        .map(|(a, b)| (*a, b.as_str()))
        .collect::<Vec<_>>(),
    );
    for file in [
        "credential-status-revoked.json",
        "credential-status-revoked-blank-nodes.json",
    ] {
        let reports = block(&rt, verify(&dir.join(file), &net, &MemoryCache::new(), &opts));
        let (status, why) = outcome(&reports[0], CheckId::Status);
        assert_eq!(status, Outcome::Failed, "{file}: {reports:#?}");
        assert!(why.contains("revoked"), "{why}");
        assert_eq!(reports[0].verdict, Verdict::Invalid);
    }
    assert!(server.hits.lock().unwrap().iter().any(|p| p == list_path));
    // The list's server is down: status not checked (a warning, named), everything else holds.
    let dead = http::dead_base();
    let net = routed(&[
        (issuer_route.0, issuer_route.1.as_str()),
        ("https://raw.githubusercontent.com/", &format!("{dead}/")),
    ]);
    let reports = block(
        &rt,
        verify(
            &dir.join("credential-status-revoked.json"),
            &net,
            &MemoryCache::new(),
            &opts,
        ),
    );
    let (status, why) = outcome(&reports[0], CheckId::Status);
    assert_eq!(status, Outcome::Skipped, "{reports:#?}");
    assert!(why.contains("not checked"), "{why}");
    assert_eq!(reports[0].verdict, Verdict::Valid);
    assert!(
        !reports[0].fully_verified(),
        "valid, but revocation was not checked"
    );
}

#[test]
fn valid_with_a_check_that_could_not_run_is_not_fully_verified() {
    // The peer corpus's `-rich` credentials are valid with their status list unreachable: a warning that must
    // travel with the verdict. Checks that do not apply (no status, no endorsements) are not warnings.
    let dir = shared().join("fixtures/peer-corpus");
    let rt = runtime();
    let opts = Options::at(at(PEER_NOW));
    for (file, fully) in [
        ("ob3-vc2-di-rich.json", false),
        ("ob3-vc11-ed25519signature2020-rich.json", false),
        ("ob3-vc2-di-eddsa-rdfc-2022.json", true),
        ("ob3-vc11-vcjwt-eddsa.jwt", true),
        ("ob3-baked-jsonld.svg", true),
    ] {
        let reports = block(
            &rt,
            verify(&dir.join(file), &Net::offline(), &MemoryCache::new(), &opts),
        );
        let r = &reports[0];
        assert_eq!(r.verdict, Verdict::Valid, "{file}: {r:#?}");
        assert_eq!(r.fully_verified(), fully, "{file}: {r:#?}");
        let warned: Vec<CheckId> = r.warnings().map(|c| c.id).collect();
        if fully {
            assert!(warned.is_empty(), "{file}: {warned:?}");
            assert!(
                r.checks
                    .iter()
                    .any(|c| c.outcome == Outcome::Skipped && !c.warning),
                "{file}"
            );
        } else {
            assert_eq!(warned, vec![CheckId::Status], "{file}");
        }
    }
}

#[test]
fn untrustworthy_status_lists_are_named() {
    // DCC fixtures whose lists are expired, not yet valid, tampered, or not status lists at all.
    let wild = shared().join("fixtures/wild/dcc-vc-test-fixtures");
    let prefix =
        "https://digitalcredentials.github.io/vc-test-fixtures/statusLists/didkey-ed25519Signature2020/";
    let rt = runtime();
    let opts = Options::at(at("2026-11-27T00:00:00Z"));
    let mut routes = http::Routes::new();
    for list in ["expired", "notYetValid", "tampered", "missingBitStringType"] {
        routes.insert(
            format!("/{list}"),
            (
                200,
                std::fs::read(wild.join(format!("statusLists/{list}.json"))).unwrap(),
            ),
        );
    }
    let server = block(&rt, http::serve(routes));
    let net = routed(&[(prefix, &format!("{}/", server.base))]);
    for (file, words) in [
        ("v2_ed25519_didKey_legacy-expiredStatus-noExpiry.json", "expired"),
        (
            "v2_ed25519_didKey_legacy-notYetValidStatus-noExpiry.json",
            "not valid before",
        ),
        ("v2_ed25519_didKey_legacy-tamperedStatus-noExpiry.json", "altered"),
        (
            "v2_ed25519_didKey_legacy-missingTypeStatus-noExpiry.json",
            "not a BitstringStatusListCredential",
        ),
    ] {
        let reports = block(&rt, verify(&wild.join(file), &net, &MemoryCache::new(), &opts));
        let (status, why) = outcome(&reports[0], CheckId::Status);
        assert_eq!(status, Outcome::Failed, "{file}: {reports:#?}");
        assert!(why.contains(words), "{file}: {why}");
    }
}

/// Where Carnet's verdict differs from the wild corpus's reading, and why (see the closing note).
const WILD_DISAGREEMENTS: &[(&str, Verdict)] = &[
    // Status lists handed over on their own are an issuer's register, not a learner's credential.
    (
        "dcc-vc-test-fixtures/statusLists/e5WK8CbZ1GjycuPombrj.json",
        Verdict::Error,
    ),
    // Its status list is remote (the reading: indeterminate), but the credential lacks validFrom (an OB 3.0
    // credential on VC 2.0 must have it; it injects `issuanceDate` through an inline context): invalid.
    (
        "dcc-vc-test-fixtures/v2_di_didKey_twoOIDF-revoked-notExpired-badSchema.json",
        Verdict::Invalid,
    ),
    // did:web cannot be resolved offline: could not check, not "invalid".
    (
        "dcc-vc-test-fixtures/v2_ed25519_didWeb_badDidWeb.json",
        Verdict::Indeterminate,
    ),
    // The presentation is fine, but the credential inside says issuer did:example:123 while its JWT's iss is a
    // did:key (the reading calls the same credential alone, openbadgecredential_sample.signed.json, invalid).
    ("waltid-identity/openbadge_vc_type.jwt", Verdict::Invalid),
    // The reading says `error` (a dead link by design), but offline the hosted assertion's address is simply not
    // fetched: Carnet read the badge (an OB 1.0 hosted URL) and could not check it, which is `indeterminate`, not
    // "unreadable input".
    (
        "mozilla-openbadges-backpack/404-baked.png",
        Verdict::Indeterminate,
    ),
    // Its key is a did:web (the reading: indeterminate), but no key could make it valid: it uses `displayType`, a
    // term none of its contexts define, so JSON-LD safe mode refuses it before any key is fetched (Digital
    // Bazaar's verifier in safe mode fails it too); it has also expired.
    (
        "learningeconomy-learncard/boost-ed25519signature2020-didweb-network-learncard.json",
        Verdict::Invalid,
    ),
];

#[test]
fn wild_corpus_every_file_gets_a_verdict_and_agrees_with_the_reading() {
    let dir = shared().join("fixtures/wild");
    let manifest: Value = serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    let rt = runtime();
    let opts = Options::at(at("2026-11-27T00:00:00Z"));
    let cases = manifest["cases"].as_array().unwrap();
    let (mut agree, mut strict) = (0, 0);
    let mut problems = Vec::new();
    for case in cases {
        let file = case["file"].as_str().unwrap();
        let expect = case["expect"].as_str().unwrap();
        let path = dir.join(file);
        let reports = block(&rt, async {
            tokio::time::timeout(
                std::time::Duration::from_secs(30),
                verify(&path, &Net::offline(), &MemoryCache::new(), &opts),
            )
            .await
            .unwrap_or_else(|_| panic!("{file} hung"))
        });
        assert_reasons(file, &reports);
        let got = overall(&reports);
        // The reading's classes, per its manifest: `indeterminate` = "needs network: did:web, hosted OB, remote
        // status list…". Carnet says `valid` when proof, binding and dates hold, with the check that needed the
        // network as a warning (the issue's verdict rule, and the peer corpus's `valid`); "valid, not fully
        // checked" is the reading's `indeterminate`. A plain `valid` must be fully verified.
        let partly = got == Verdict::Valid && reports.iter().any(|r| !r.fully_verified());
        let class = if partly { "indeterminate" } else { got.as_str() };
        if got.as_str() == expect {
            strict += 1;
        }
        // Exact classes: an `error` (unreadable) is never absorbed by `indeterminate` (could not check).
        if class == expect {
            agree += 1;
        } else {
            match WILD_DISAGREEMENTS.iter().find(|(f, _)| *f == file) {
                Some((_, documented)) if *documented == got => {}
                _ => problems.push(format!("{file}: reading {expect}, Carnet {got:?} (undocumented)")),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(
        agree + WILD_DISAGREEMENTS.len(),
        cases.len(),
        "a documented disagreement now agrees: update the list"
    );
    eprintln!(
        "wild corpus: {agree}/{} agree with the reading ({strict} on the verdict alone, counting \"valid, not fully \
         checked\" as valid)",
        cases.len()
    );
    assert!(
        agree * 10 >= cases.len() * 9,
        "under 90 %: {agree}/{}",
        cases.len()
    );
}

#[test]
fn fuzzing_finds_stay_fixed() {
    // Inputs cargo-fuzz once crashed on (wallet-core/fuzz/regressions): each must give reports, not a panic.
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let rt = runtime();
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let reports = block(
            &rt,
            verify(
                &path,
                &Net::offline(),
                &MemoryCache::new(),
                &Options::at(at(PEER_NOW)),
            ),
        );
        assert!(!reports.is_empty(), "{}", path.display());
        n += 1;
    }
    assert!(n >= 1);
}

#[test]
fn a_jwt_without_kid_or_jwk_uses_the_key_its_issuer_publishes() {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    let key = wallet_core::keys::SecretKey::from_seed(&[5; 32]);
    let did = wallet_core::did::did_key(&key.public_key()).unwrap();
    let multikey = did.trim_start_matches("did:key:").to_owned();
    let issuer = "https://college.example/issuer";
    let credential = ob3_credential("urn:uuid:nokid", issuer, "Sans kid");
    let mut payload = credential.clone();
    payload["iss"] = json!(issuer);
    let input = format!(
        "{}.{}",
        B64.encode(serde_json::to_vec(&json!({"alg": "EdDSA", "typ": "JWT"})).unwrap()),
        B64.encode(serde_json::to_vec(&payload).unwrap())
    );
    let jwt = format!("{input}.{}", B64.encode(key.sign(input.as_bytes())));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("nokid.jwt");
    std::fs::write(&file, &jwt).unwrap();
    let rt = runtime();
    let opts = Options::at(at("2025-01-01T00:00:00Z"));
    // Offline: the key cannot be had — could not check, not "invalid".
    let reports = block(&rt, verify(&file, &Net::offline(), &MemoryCache::new(), &opts));
    assert_eq!(reports[0].verdict, Verdict::Indeterminate, "{reports:#?}");
    // The issuer's profile lists one key: it verifies and binds.
    let profile = json!({"id": issuer, "type": "Profile", "verificationMethod": [
        {"id": format!("{issuer}#key-1"), "type": "Multikey", "controller": issuer, "publicKeyMultibase": multikey}]});
    let mut routes = http::Routes::new();
    routes.insert("/issuer".into(), (200, serde_json::to_vec(&profile).unwrap()));
    let server = block(&rt, http::serve(routes));
    let net = routed(&[("https://college.example/", &format!("{}/", server.base))]);
    let reports = block(&rt, verify(&file, &net, &MemoryCache::new(), &opts));
    assert_eq!(reports[0].verdict, Verdict::Valid, "{reports:#?}");
}

#[test]
fn a_key_document_cannot_name_someone_else_as_the_issuer() {
    // An attacker signs with its own key and publishes a document that claims the victim as the key's controller.
    let key = wallet_core::keys::SecretKey::from_seed(&[66; 32]);
    let did = wallet_core::did::did_key(&key.public_key()).unwrap();
    let multikey = did.trim_start_matches("did:key:").to_owned();
    let victim = "https://univ.example/issuer";
    let rt = runtime();
    let opts = Options::at(at("2025-01-01T00:00:00Z"));
    for (vm, doc_path, doc) in [
        (
            "did:web:evil.example#k".to_owned(),
            "/.well-known/did.json",
            json!({"id": "did:web:evil.example", "verificationMethod": [
                {"id": "did:web:evil.example#k", "type": "Multikey", "controller": victim, "publicKeyMultibase": multikey}]}),
        ),
        (
            "https://evil.example/keys#k".to_owned(),
            "/keys",
            json!({"id": victim, "verificationMethod": [
                {"id": "https://evil.example/keys#k", "type": "Multikey", "controller": victim, "publicKeyMultibase": multikey}]}),
        ),
    ] {
        let credential = ob3_credential("urn:uuid:forged", victim, "Faux diplôme");
        let signed = sign_di(&credential, &key, &vm);
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("forged.json");
        std::fs::write(&file, serde_json::to_vec(&signed).unwrap()).unwrap();
        let mut routes = http::Routes::new();
        routes.insert(doc_path.into(), (200, serde_json::to_vec(&doc).unwrap()));
        let server = block(&rt, http::serve(routes));
        let net = routed(&[("https://evil.example/", &format!("{}/", server.base))]);
        let reports = block(&rt, verify(&file, &net, &MemoryCache::new(), &opts));
        assert_ne!(reports[0].verdict, Verdict::Valid, "{vm}: {reports:#?}");
        assert_ne!(
            outcome(&reports[0], CheckId::IssuerBinding).0,
            Outcome::Passed,
            "{vm}"
        );
    }
}

#[test]
fn a_did_web_key_must_be_allowed_to_sign_credentials() {
    let key = wallet_core::keys::SecretKey::from_seed(&[77; 32]);
    let did = wallet_core::did::did_key(&key.public_key()).unwrap();
    let multikey = did.trim_start_matches("did:key:").to_owned();
    let issuer = "did:web:college.example";
    let vm = format!("{issuer}#k1");
    let credential = ob3_credential("urn:uuid:didweb", issuer, "Badge did:web");
    let rt = runtime();
    let signed = sign_di(&credential, &key, &vm);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("didweb.json");
    std::fs::write(&file, serde_json::to_vec(&signed).unwrap()).unwrap();
    let opts = Options::at(at("2025-01-01T00:00:00Z"));
    for (relationship, expect) in [
        ("assertionMethod", Verdict::Valid),
        ("authentication", Verdict::Invalid),
    ] {
        let doc = json!({"id": issuer,
            "verificationMethod": [{"id": vm, "type": "Multikey", "controller": issuer, "publicKeyMultibase": multikey}],
            relationship: [vm]});
        let mut routes = http::Routes::new();
        routes.insert(
            "/.well-known/did.json".into(),
            (200, serde_json::to_vec(&doc).unwrap()),
        );
        let server = block(&rt, http::serve(routes));
        let net = routed(&[("https://college.example/", &format!("{}/", server.base))]);
        let reports = block(&rt, verify(&file, &net, &MemoryCache::new(), &opts));
        assert_eq!(reports[0].verdict, expect, "{relationship}: {reports:#?}");
    }
}

#[test]
fn endorsements_hold_expire_do_not_hold_or_could_not_be_checked() {
    use wallet_core::keys::SecretKey;
    let rt = runtime();
    let college = SecretKey::from_seed(&[31; 32]);
    let endorser = SecretKey::from_seed(&[32; 32]);
    let intruder = SecretKey::from_seed(&[33; 32]);
    let (college_did, college_vm) = did_key_vm(&college);
    let (endorser_did, endorser_vm) = did_key_vm(&endorser);
    let (_, intruder_vm) = did_key_vm(&intruder);
    let endorsement = |id: &str, issuer: &str, valid_until: Option<&str>| {
        let mut e = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "id": id, "type": ["VerifiableCredential", "EndorsementCredential"], "name": "Appui de l'Ordre",
            "issuer": {"id": issuer, "type": ["Profile"], "name": "Ordre"}, "validFrom": "2024-01-01T00:00:00Z",
            "credentialSubject": {"id": "urn:a", "type": ["EndorsementSubject"], "endorsementComment": "Reconnu"}
        });
        if let Some(u) = valid_until {
            e["validUntil"] = json!(u);
        }
        e
    };
    let good = sign_di(
        &endorsement("urn:e:good", &endorser_did, None),
        &endorser,
        &endorser_vm,
    );
    let expired = sign_di(
        &endorsement("urn:e:expired", &endorser_did, Some("2024-06-01T00:00:00Z")),
        &endorser,
        &endorser_vm,
    );
    // Names the endorser as its issuer but is signed by someone else.
    let forged = sign_di(
        &endorsement("urn:e:forged", &endorser_did, None),
        &intruder,
        &intruder_vm,
    );
    let mut tampered = sign_di(
        &endorsement("urn:e:tampered", &endorser_did, None),
        &endorser,
        &endorser_vm,
    );
    tampered["credentialSubject"]["endorsementComment"] = json!("Reconnu avec distinction");
    // A did:web endorser cannot be resolved offline.
    let web = sign_di(
        &endorsement("urn:e:web", "did:web:ordre.example", None),
        &endorser,
        "did:web:ordre.example#k1",
    );
    let opts = Options::at(at("2025-01-01T00:00:00Z"));
    let check = |endorsements: Vec<Value>| {
        let mut c = ob3_credential("urn:uuid:endorsed", &college_did, "Badge appuyé");
        c["endorsement"] = json!(endorsements);
        let signed = sign_di(&c, &college, &college_vm);
        let reports = block(
            &rt,
            verify_bytes(
                &serde_json::to_vec(&signed).unwrap(),
                &Net::offline(),
                &MemoryCache::new(),
                &opts,
            ),
        );
        let r = reports[0].clone();
        let (outcome, why) = outcome(&r, CheckId::Endorsements);
        let warning = r
            .checks
            .iter()
            .any(|c| c.id == CheckId::Endorsements && c.warning);
        (r.verdict, outcome, warning, why)
    };
    let (v, o, w, why) = check(vec![good.clone()]);
    assert_eq!((v, o, w), (Verdict::Valid, Outcome::Passed, false), "{why}");
    // Expired: authentic, it was current when made; the credential it endorses is not the worse for it.
    let (v, o, w, why) = check(vec![good.clone(), expired]);
    assert_eq!((v, o, w), (Verdict::Valid, Outcome::Passed, false), "{why}");
    assert!(
        why.contains("2 of 2") && why.contains("no longer current") && why.contains("urn:e:expired"),
        "{why}"
    );
    for (bad, name, words) in [
        (forged, "urn:e:forged", "issuer_binding"),
        (tampered, "urn:e:tampered", "proof"),
    ] {
        let (v, o, w, why) = check(vec![good.clone(), bad]);
        assert_eq!((v, o, w), (Verdict::Invalid, Outcome::Failed, false), "{why}");
        assert!(
            why.contains("1 of 2 endorsements do not hold") && why.contains(name) && why.contains(words),
            "{why}"
        );
    }
    // Could not be checked: valid, but not fully verified.
    let (v, o, w, why) = check(vec![good, web]);
    assert_eq!((v, o, w), (Verdict::Valid, Outcome::Skipped, true), "{why}");
    assert!(
        why.contains("1 of 2 endorsements verified; 1 could not be checked: urn:e:web"),
        "{why}"
    );
}
