//! Fixtures of the 1EdTech validator and specification that no other test reads, each with its exact verdict and the
//! check (and words) that decide it; and CLR 2.0 records, whose every inner credential is held to its own verdict
//! and parent — offline, then with the issuers' documents served by a real HTTP server on 127.0.0.1.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use wallet_core::net::{MemoryCache, Net, NetPolicy};
use wallet_core::verify::{overall, verify_bytes, CheckId, Options, Outcome, Report, Verdict};

use crate::http;
use crate::support::{at, shared};

fn validator(corpus: &str) -> PathBuf {
    shared().join("standards/examples").join(corpus)
}

fn verify(path: &Path, net: &Net) -> Vec<Report> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(verify_bytes(
        &bytes,
        net,
        &MemoryCache::new(),
        &Options::at(at("2026-11-27T00:00:00Z")),
    ))
}

/// `(check, outcome, words its reason must hold)`.
type Expected = (CheckId, Outcome, &'static [&'static str]);

fn assert_check(what: &str, r: &Report, (id, outcome, words): &Expected) {
    let c = r
        .checks
        .iter()
        .find(|c| c.id == *id)
        .unwrap_or_else(|| panic!("{what}: no {id:?} check: {r:#?}"));
    let why = c.reason.as_deref().unwrap_or("");
    assert_eq!(c.outcome, *outcome, "{what}: {id:?}: {why}");
    for w in *words {
        assert!(why.contains(w), "{what}: the {id:?} reason lacks {w:?}: {why}");
    }
    // A check that applies but could not run is a warning; one that failed is not.
    if *outcome == Outcome::Failed {
        assert!(!c.warning, "{what}: {id:?}");
    }
}

#[test]
fn the_remaining_validator_fixtures_get_their_verdict_and_its_reason() {
    // (file, verdict, kind, the deciding check, further checks)
    let cases: &[(&str, Verdict, &str, Expected, &[Expected])] = &[
        // A selective-disclosure Data Integrity proof (ecdsa-sd-2023 derived proof): a suite Carnet does not
        // implement is "could not check", named, never "invalid".
        (
            "ob-v3p0/validator-tests/sd/derivedcredential.json",
            Verdict::Indeterminate,
            "credential",
            (
                CheckId::Proof,
                Outcome::Skipped,
                &["ecdsa-sd-2023", "not supported"],
            ),
            &[],
        ),
        // No proof at all: nothing vouches for it (the peer corpus's neg-unsigned-credential reads the same). Its
        // subject also lacks the achievement an Open Badge requires.
        (
            "ob-v3p0/validator-tests/simple-noproof.json",
            Verdict::Invalid,
            "credential",
            (
                CheckId::Schema,
                Outcome::Failed,
                &["credentialSubject.achievement"],
            ),
            &[(CheckId::Proof, Outcome::Failed, &["no proof", "not signed"])],
        ),
        // An RS256 VC-JWT with neither kid nor jwk: its key is on the issuer's profile, not fetched offline.
        (
            "ob-v3p0/validator-tests/simple.jwt",
            Verdict::Indeterminate,
            "credential",
            (
                CheckId::Proof,
                Outcome::Skipped,
                &["offline", "https://example.edu/issuers/565049"],
            ),
            &[],
        ),
        // Velocity Network's did:velocity (a blockchain registry) is not a DID method Carnet resolves.
        (
            "ob-v3p0/validator-tests/velocity.jwt",
            Verdict::Indeterminate,
            "credential",
            (
                CheckId::Proof,
                Outcome::Skipped,
                &["did:velocity", "not supported"],
            ),
            &[],
        ),
        // Named for its schema, status and refresh errors (the 1EdTech validator calls it invalid): a VC 1.1
        // endorsement against the bundled endorsement schema, which requires validFrom; and its Ed25519Signature2020
        // does not verify over the bundled contexts (Digital Bazaar's suite, given the same contexts, agrees), so the
        // status list and refresh service are never fetched on its behalf.
        (
            "ob-v3p0/validator-tests/endorsement-err-schema-status-refresh.json",
            Verdict::Invalid,
            "endorsement",
            (
                CheckId::Schema,
                Outcome::Failed,
                &[
                    "ob_v3p0_endorsementcredential_schema.json",
                    "\"validFrom\" is a required property",
                ],
            ),
            &[
                (CheckId::Proof, Outcome::Failed, &["does not verify"]),
                (CheckId::Status, Outcome::Skipped, &["proof did not verify"]),
            ],
        ),
    ];
    for (file, verdict, kind, deciding, more) in cases {
        let reports = verify(&validator(file), &Net::offline());
        assert_eq!(reports.len(), 1, "{file}: {reports:#?}");
        let r = &reports[0];
        assert_eq!((r.verdict, r.kind), (*verdict, *kind), "{file}: {r:#?}");
        assert_eq!(
            r.deciding_check().map(|c| c.id),
            Some(deciding.0),
            "{file}: {r:#?}"
        );
        assert_check(file, r, deciding);
        for e in *more {
            assert_check(file, r, e);
        }
    }
}

/// One report of a CLR: kind, parent, verdict, the check that decides it.
type Inner = (&'static str, Option<usize>, Verdict, Expected);

/// The issuers of the CLR fixtures, as their web pages would list their keys (each key is the one the fixture's
/// own proof names, so only the binding is added).
fn clr_issuers() -> http::Routes {
    let jwt = std::fs::read_to_string(validator("clr-v2p0/validator-tests/simple.jwt")).unwrap();
    let header: Value = {
        use base64::Engine;
        let h = jwt.trim().split('.').next().unwrap();
        serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(h)
                .unwrap(),
        )
        .unwrap()
    };
    let multikey = |issuer: &str, key: &str| json!({"id": format!("{issuer}#{key}"), "type": "Multikey", "controller": issuer, "publicKeyMultibase": key});
    let edu = "https://example.edu/issuers/565049";
    let com = "https://example.com/issuers/876543";
    let mut routes = http::Routes::new();
    routes.insert(
        "/edu/issuers/565049".into(),
        (
            200,
            serde_json::to_vec(&json!({"id": edu, "type": "Profile", "verificationMethod": [
                multikey(edu, "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"),
                {"id": format!("{edu}#jwt"), "type": "JsonWebKey", "controller": edu, "publicKeyJwk": header["jwk"]},
            ]}))
            .unwrap(),
        ),
    );
    routes.insert(
        "/com/issuers/876543".into(),
        (
            200,
            serde_json::to_vec(&json!({"id": com, "type": "Profile", "verificationMethod": [
                multikey(com, "z6MkvREVgsHx7Ppae68vCoByy73ZD4aMSJiPML2cryVL8JAx"),
            ]}))
            .unwrap(),
        ),
    );
    routes
}

#[test]
fn clr_records_and_each_inner_credential_get_their_verdict_and_parent() {
    const NOT_BOUND: Expected = (CheckId::IssuerBinding, Outcome::Skipped, &["issuer not bound"]);
    const JWK_NOT_BOUND: Expected = (
        CheckId::IssuerBinding,
        Outcome::Skipped,
        &["issuer not bound", "jwk header"],
    );
    const URN_NOT_BOUND: Expected = (
        CheckId::IssuerBinding,
        Outcome::Skipped,
        &["urn:uuid:4ca4a241-fc3b-4d92-978e-f56fa96ae795 is not a web address"],
    );
    // Signed with a did:key that is provably not the urn:uuid issuer's.
    const OTHER_KEY: Expected = (
        CheckId::IssuerBinding,
        Outcome::Failed,
        &[
            "did:key:z6Mks4vZNz8Jwyb85odUeZrissHSY7JeJcXkNTDCcXLhYAZ4",
            "names urn:uuid:4ca4a241-fc3b-4d92-978e-f56fa96ae795",
        ],
    );
    // Its credentialSchema type JsonSchemaValidator2020 is no term of the VC 1.1 context: the signed RDF cannot be
    // built, so nothing the signature covers can be shown.
    const UNREADABLE_LD: Expected = (
        CheckId::Proof,
        Outcome::Failed,
        &["the signed data cannot be read", "Invalid `@type` value"],
    );
    use Verdict::{Indeterminate, Invalid};
    let clr = |v, c| ("clr", None, v, c);
    let inner = |v, c| ("credential", Some(0), v, c);
    let cases: &[(&str, &[Inner])] = &[
        (
            "clr-v2p0/validator-tests/simple.json",
            &[clr(Indeterminate, NOT_BOUND), inner(Indeterminate, NOT_BOUND)],
        ),
        // A CLR as a VC-JWT: its inner credential, itself a JWT, gets its own report too.
        (
            "clr-v2p0/validator-tests/simple.jwt",
            &[
                clr(Indeterminate, JWK_NOT_BOUND),
                inner(Indeterminate, JWK_NOT_BOUND),
            ],
        ),
        (
            "clr-v2p0/validator-tests/complex.json",
            &[
                clr(Invalid, OTHER_KEY),
                inner(Invalid, OTHER_KEY),
                inner(Invalid, OTHER_KEY),
                inner(Invalid, OTHER_KEY),
                inner(Invalid, OTHER_KEY),
                inner(Invalid, OTHER_KEY),
                inner(Invalid, OTHER_KEY),
            ],
        ),
        (
            "clr-v2p0/validator-tests/simple_v1.json",
            &[
                clr(Indeterminate, URN_NOT_BOUND),
                inner(Indeterminate, URN_NOT_BOUND),
                inner(Invalid, OTHER_KEY),
                inner(Invalid, OTHER_KEY),
                inner(Invalid, OTHER_KEY),
                inner(Invalid, OTHER_KEY),
                inner(Invalid, OTHER_KEY),
            ],
        ),
        (
            "clr-v2p0/validator-tests/simple-noproof.json",
            &[
                clr(
                    Invalid,
                    (
                        CheckId::Schema,
                        Outcome::Failed,
                        &[
                            "clr_v2p0_clrcredential_schema.json",
                            "\"validFrom\" is a required property",
                        ],
                    ),
                ),
                inner(Invalid, UNREADABLE_LD),
            ],
        ),
        (
            "clr-v2p0/validator-tests/simple_old_safesigned.json",
            &[
                clr(
                    Indeterminate,
                    (
                        CheckId::Proof,
                        Outcome::Skipped,
                        &["unknown context URL https://dc.imsglobal.org/draft/clr/v2p0/context"],
                    ),
                ),
                inner(Invalid, UNREADABLE_LD),
            ],
        ),
        // The CLR implementation guide's test vector.
        (
            "clr-v2p0/impl-guide-test-vector/signed-credential.json",
            &[clr(Indeterminate, NOT_BOUND), inner(Indeterminate, NOT_BOUND)],
        ),
    ];
    // Every validator CLR fixture is here.
    let listed = std::fs::read_dir(validator("clr-v2p0/validator-tests"))
        .unwrap()
        .count();
    assert_eq!(
        cases
            .iter()
            .filter(|(f, _)| f.contains("validator-tests"))
            .count(),
        listed
    );
    for (file, expected) in cases {
        let reports = verify(&validator(file), &Net::offline());
        assert_eq!(reports.len(), expected.len(), "{file}: {reports:#?}");
        for (i, (r, (kind, parent, verdict, deciding))) in reports.iter().zip(expected.iter()).enumerate() {
            let what = format!("{file}#{i}");
            assert_eq!(r.index, i, "{what}");
            assert_eq!(
                (r.kind, r.parent, r.verdict),
                (*kind, *parent, *verdict),
                "{what}: {r:#?}"
            );
            assert_eq!(
                r.deciding_check().map(|c| c.id),
                Some(deciding.0),
                "{what}: {r:#?}"
            );
            assert_check(&what, r, deciding);
        }
        let worst = expected.iter().map(|e| e.2).max().unwrap();
        assert_eq!(overall(&reports), worst, "{file}");
    }
    // With the issuers' documents served, the records whose keys they list, and every credential inside, are valid.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = rt.block_on(http::serve(clr_issuers()));
    let net = Net::new(NetPolicy {
        allow_loopback_http: true,
        test_routes: vec![
            ("https://example.edu/".into(), format!("{}/edu/", server.base)),
            ("https://example.com/".into(), format!("{}/com/", server.base)),
        ],
        ..NetPolicy::default()
    })
    .unwrap();
    for (file, count) in [
        ("clr-v2p0/validator-tests/simple.json", 2),
        ("clr-v2p0/validator-tests/simple.jwt", 2),
        ("clr-v2p0/impl-guide-test-vector/signed-credential.json", 2),
    ] {
        let reports = verify(&validator(file), &net);
        assert_eq!(reports.len(), count, "{file}");
        for r in &reports {
            assert_eq!(r.verdict, Verdict::Valid, "{file}#{}: {r:#?}", r.index);
            assert_eq!(r.parent, (r.index > 0).then_some(0), "{file}#{}", r.index);
            assert_check(
                file,
                r,
                &(
                    CheckId::IssuerBinding,
                    Outcome::Passed,
                    &["the key belongs to the issuer"],
                ),
            );
        }
    }
}
