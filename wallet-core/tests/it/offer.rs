//! Receiving credentials through the `Wallet` API against the real peer issuer (../shared/interop/oid4vci on
//! 127.0.0.1): the consent summary without the token endpoint; every format, by value and by reference, with and
//! without a transaction code, in OpenID4VCI 1.0 and draft 13, each credential stored, valid and issued to the
//! profile's DID; draft 13 chosen from metadata; a stale nonce retried once; VC-API exchanges from every link form;
//! the binding check and all-or-nothing storage; and the address policy, proven without connecting anywhere but
//! 127.0.0.1.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use serde_json::json;
use wallet_core::net::{Lookup, LookupFuture, NetPolicy};
use wallet_core::offer::{Dialect, InspectOptions, Protocol, TxInputMode};
use wallet_core::Wallet;

use crate::peer_issuer::{edit_json, jwt_payload, shape_of, subject_of, Answer, Issuer, Proxy, Request};
use crate::support::new_wallet;

const FORMATS: [&str; 3] = ["jwt_vc_json", "ldp_vc", "jwt_vc_json-ld"];

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn local() -> NetPolicy {
    NetPolicy {
        allow_local_issuers: true,
        ..NetPolicy::default()
    }
}

fn wallet() -> (tempfile::TempDir, Wallet, String) {
    let tmp = tempfile::tempdir().unwrap();
    let w = new_wallet(&tmp.path().join("w"));
    let p = w.create_profile("Élise").unwrap();
    (tmp, w, p.did_key)
}

fn options(dialect: Option<Dialect>) -> InspectOptions {
    InspectOptions {
        language: Some("fr-CA".into()),
        dialect,
        ..InspectOptions::default()
    }
}

/// Accepts `link` and checks every stored credential: valid, issued to `did`, stored as "offer from <issuer>".
/// Returns the stored bytes.
fn accept(
    rt: &tokio::runtime::Runtime,
    w: &Wallet,
    link: &str,
    tx: Option<&str>,
    dialect: Option<Dialect>,
    did: &str,
) -> Vec<Vec<u8>> {
    let pending = rt
        .block_on(w.inspect_offer(link, &options(dialect), &local()))
        .unwrap();
    let result = rt.block_on(w.accept_offer(&pending, tx, &local())).unwrap();
    assert!(!result.items.is_empty());
    let all = w.credentials().unwrap();
    result
        .items
        .iter()
        .map(|item| {
            let id = item.credential_id.clone().unwrap();
            assert_eq!(item.verdict.map(|v| v.as_str()), Some("valid"), "{item:?}");
            let detail = w.credential(&id).unwrap();
            assert_eq!(detail.entry.verdict.map(|v| v.as_str()), Some("valid"));
            assert_eq!(
                subject_of(&detail.raw),
                did,
                "bound to the profile that proved possession"
            );
            let summary = all.iter().find(|c| c.id == id).unwrap();
            assert_eq!(summary.source, format!("offer from {}", pending.summary.issuer));
            detail.raw
        })
        .collect()
}

#[test]
fn the_consent_summary_comes_from_the_metadata_and_never_touches_the_token_endpoint() {
    let Some(issuer) = Issuer::start() else { return };
    let rt = runtime();
    let (_tmp, w, did) = wallet();
    let offer = issuer.offer(true, &FORMATS);
    let pending = rt
        .block_on(w.inspect_offer(offer["offer_uri"].as_str().unwrap(), &options(None), &local()))
        .unwrap();
    let s = &pending.summary;
    assert_eq!(s.protocol, Protocol::Openid4vci);
    assert_eq!(s.issuer, issuer.url);
    assert_eq!(s.issuer_domain, issuer.url.trim_start_matches("http://"));
    assert!(s.local_issuer);
    assert_eq!(s.issuer_name.as_deref(), Some("OID4VCI Interop Test Issuer"));
    assert_eq!(s.recipient.did, did);
    assert_eq!(s.recipient.profile_name, "Élise");
    assert_eq!(s.dialect, Some(Dialect::V1));
    assert!(!s.by_reference);
    let names: Vec<(&str, &str)> = s
        .credentials
        .iter()
        .map(|c| (c.name.as_deref().unwrap(), c.format.as_deref().unwrap()))
        .collect();
    assert_eq!(
        names,
        [
            ("Open Badge (test)", "jwt_vc_json"),
            ("Open Badge (test)", "ldp_vc"),
            ("Open Badge (test)", "jwt_vc_json-ld")
        ]
    );
    let tx = s.tx_code.as_ref().unwrap();
    assert_eq!((tx.input_mode, tx.length), (TxInputMode::Numeric, Some(6)));
    assert_eq!(
        tx.description.as_deref(),
        Some("Enter the code printed by the test issuer")
    );
    // The summary is plain data: it serializes with nothing secret in it.
    let text = serde_json::to_string(s).unwrap();
    let code = offer["pre_authorized_code"].as_str().unwrap();
    assert!(!text.contains(code) && !format!("{pending:?}").contains(code));
    // Only the two metadata documents were read.
    let requests = issuer.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert!(
        requests.iter().all(|l| l.contains("GET /.well-known/")),
        "{requests:?}"
    );

    // By reference: the offer is fetched, still no token.
    let offer = issuer.offer(false, &["ldp_vc"]);
    let pending = rt
        .block_on(w.inspect_offer(
            offer["offer_uri_by_reference"].as_str().unwrap(),
            &options(None),
            &local(),
        ))
        .unwrap();
    assert!(pending.summary.by_reference && pending.summary.tx_code.is_none());
    assert_eq!(issuer.seen("GET /offers/").len(), 1);
    assert!(issuer.seen("/token").is_empty() && issuer.seen("/nonce").is_empty());
    assert!(w.credentials().unwrap().is_empty());
}

#[test]
fn every_format_by_value_and_by_reference_with_and_without_tx_code_in_both_dialects() {
    let Some(issuer) = Issuer::start() else { return };
    let rt = runtime();
    let (_tmp, w, did) = wallet();
    let mut stored = 0;
    for dialect in [Dialect::V1, Dialect::Draft13] {
        for format in FORMATS {
            for (tx, by_reference) in [(true, false), (false, true), (true, true), (false, false)] {
                let offer = issuer.offer(tx, &[format]);
                let link = offer[if by_reference {
                    "offer_uri_by_reference"
                } else {
                    "offer_uri"
                }]
                .as_str()
                .unwrap();
                let before = issuer.seen("issued").len();
                let raw = accept(&rt, &w, link, offer["tx_code"].as_str(), Some(dialect), &did);
                assert_eq!(raw.len(), 1);
                assert_eq!(shape_of(&raw[0]), if format == "ldp_vc" { "json" } else { "jwt" });
                let issued = issuer.seen("issued");
                let last = issued.last().unwrap();
                assert_eq!(issued.len(), before + 1);
                // The issuer says which dialect it was spoken to in.
                let tag = match dialect {
                    Dialect::V1 => "(v1)",
                    _ => "(draft13)",
                };
                assert!(
                    last.contains(&format!("issued {format} to {did} {tag}")),
                    "{last}"
                );
                stored += 1;
            }
        }
    }
    assert_eq!(w.credentials().unwrap().len(), stored);
    // One offer of all three formats: three credentials in one batch.
    let offer = issuer.offer(true, &FORMATS);
    let raw = accept(
        &rt,
        &w,
        offer["offer_uri"].as_str().unwrap(),
        offer["tx_code"].as_str(),
        None,
        &did,
    );
    assert_eq!(raw.len(), 3);
    assert_eq!(w.credentials().unwrap().len(), stored + 3);
}

/// A proxy in front of a fresh issuer, changing what passes with `on_request` / `on_answer`.
fn proxied(
    on_request: impl Fn(&mut Request) + Send + Sync + 'static,
    on_answer: impl Fn(&Request, &mut Answer) + Send + Sync + 'static,
) -> Option<(Proxy, Issuer)> {
    let proxy = Proxy::start(Arc::new(on_request), Arc::new(on_answer));
    let issuer = Issuer::start_with(Some(&proxy.url))?;
    proxy.forward_to(&issuer.listen);
    Some((proxy, issuer))
}

#[test]
fn draft_13_is_chosen_when_the_metadata_shows_no_1_0_feature() {
    // The issuer's metadata without its nonce endpoint and credential_metadata: what a draft-13 issuer publishes.
    let Some((_proxy, issuer)) = proxied(
        |_| {},
        |req, answer| {
            if req.path == "/.well-known/openid-credential-issuer" {
                edit_json(&mut answer.body, |m| {
                    m.as_object_mut().unwrap().remove("nonce_endpoint");
                    for cfg in m["credential_configurations_supported"]
                        .as_object_mut()
                        .unwrap()
                        .values_mut()
                    {
                        cfg.as_object_mut().unwrap().remove("credential_metadata");
                    }
                });
            }
        },
    ) else {
        return;
    };
    let rt = runtime();
    let (_tmp, w, did) = wallet();
    let offer = issuer.offer(true, &FORMATS);
    let pending = rt
        .block_on(w.inspect_offer(offer["offer_uri"].as_str().unwrap(), &options(None), &local()))
        .unwrap();
    assert_eq!(pending.summary.dialect, Some(Dialect::Draft13));
    // Names still come from draft 13's place for them.
    assert_eq!(
        pending.summary.credentials[0].name.as_deref(),
        Some("Open Badge (test)")
    );
    rt.block_on(w.accept_offer(&pending, offer["tx_code"].as_str(), &local()))
        .unwrap();
    let issued = issuer.seen("issued");
    assert_eq!(issued.len(), 3);
    assert!(
        issued
            .iter()
            .all(|l| l.contains(&did) && l.ends_with("(draft13)")),
        "{issued:?}"
    );
    // c_nonce chained: from the token answer, then from each credential answer; no nonce endpoint.
    assert!(issuer.seen("/nonce").is_empty());
}

#[test]
fn a_stale_nonce_is_retried_once_and_only_once() {
    // The proxy replaces the c_nonce of the next `left` answers from `path` with a stale one.
    let stale: Arc<Mutex<(&'static str, usize)>> = Arc::new(Mutex::new(("/nonce", 1)));
    let s = stale.clone();
    let Some((_proxy, issuer)) = proxied(
        |_| {},
        move |req, answer| {
            let mut g = s.lock().unwrap();
            if req.path == g.0 && g.1 > 0 && answer.status == 200 {
                g.1 -= 1;
                edit_json(&mut answer.body, |v| v["c_nonce"] = json!("stale-nonce"));
            }
        },
    ) else {
        return;
    };
    let rt = runtime();
    let (_tmp, w, did) = wallet();
    // 1.0: the nonce endpoint's first nonce is stale → invalid_nonce → a fresh one from the endpoint.
    let offer = issuer.offer(false, &["ldp_vc"]);
    accept(
        &rt,
        &w,
        offer["offer_uri"].as_str().unwrap(),
        None,
        Some(Dialect::V1),
        &did,
    );
    assert_eq!(issuer.seen("POST /credential -> 400 invalid_nonce").len(), 1);
    assert_eq!(issuer.seen("POST /nonce").len(), 2);

    // Draft 13: the token's c_nonce is stale → invalid_proof with a fresh c_nonce → retried with that one.
    *stale.lock().unwrap() = ("/token", 1);
    let offer = issuer.offer(false, &["jwt_vc_json"]);
    accept(
        &rt,
        &w,
        offer["offer_uri"].as_str().unwrap(),
        None,
        Some(Dialect::Draft13),
        &did,
    );
    assert_eq!(issuer.seen("POST /credential -> 400 invalid_proof").len(), 1);
    assert_eq!(
        issuer.seen("POST /nonce").len(),
        2,
        "draft 13 used the c_nonce it was given"
    );

    // Always stale: one retry, then a plain error, and nothing stored.
    *stale.lock().unwrap() = ("/nonce", 1000);
    let count = w.credentials().unwrap().len();
    let offer = issuer.offer(false, &["jwt_vc_json"]);
    let pending = rt
        .block_on(w.inspect_offer(
            offer["offer_uri"].as_str().unwrap(),
            &options(Some(Dialect::V1)),
            &local(),
        ))
        .unwrap();
    let err = rt.block_on(w.accept_offer(&pending, None, &local())).unwrap_err();
    assert_eq!(err.code(), "offer.stale_nonce", "{err}");
    assert_eq!(issuer.seen("POST /credential -> 400 invalid_nonce").len(), 3);
    assert_eq!(w.credentials().unwrap().len(), count);
}

#[test]
fn vc_api_exchanges_from_every_link_form() {
    let Some(issuer) = Issuer::start() else { return };
    let rt = runtime();
    let (_tmp, w, did) = wallet();
    let first = issuer.start["lcw_deep_link"].as_str().unwrap().to_owned();
    let ex = issuer.exchange();
    let legacy = ex["lcw_deep_link_legacy"].as_str().unwrap().to_owned();
    let bare = issuer.exchange()["exchange_url"].as_str().unwrap().to_owned();
    for link in [&first, &legacy, &bare] {
        // Inspecting an exchange contacts no one.
        let before = issuer.requests().len();
        let pending = rt
            .block_on(w.inspect_offer(link, &options(None), &local()))
            .unwrap();
        assert_eq!(issuer.requests().len(), before);
        assert_eq!(pending.summary.protocol, Protocol::VcApi);
        assert_eq!(pending.summary.issuer, issuer.url);
        let raw = accept(&rt, &w, link, None, None, &did);
        assert_eq!(raw.len(), 1);
        assert_eq!(shape_of(&raw[0]), "json");
    }
    assert_eq!(issuer.seen("VC-API exchange").len(), 3);
    assert_eq!(w.credentials().unwrap().len(), 3);
    // A completed exchange cannot be replayed: the issuer's error in plain words, nothing more stored.
    let err = rt
        .block_on(async {
            let p = w.inspect_offer(&first, &options(None), &local()).await?;
            w.accept_offer(&p, None, &local()).await
        })
        .unwrap_err();
    assert_eq!(err.code(), "offer.issuer_error", "{err}");
    assert!(err.to_string().contains("exchange already completed"), "{err}");
    assert_eq!(w.credentials().unwrap().len(), 3);
}

#[test]
fn a_credential_issued_to_another_did_is_refused_and_nothing_of_the_offer_is_stored() {
    // The proxy re-signs the proof of the second credential request with another key: the real issuer then
    // issues a real, valid credential bound to that other DID. The first credential of the offer is fine.
    let other = wallet_core::keys::SecretKey::from_seed(&[7; 32]);
    let other_did = wallet_core::did::did_key(&other.public_key()).unwrap();
    let other_kid = format!("{other_did}#{}", other_did.trim_start_matches("did:key:"));
    let requests = Arc::new(Mutex::new(0));
    let seen = requests.clone();
    let Some((_proxy, issuer)) = proxied(
        move |req| {
            if req.path != "/credential" {
                return;
            }
            let mut n = seen.lock().unwrap();
            *n += 1;
            if *n != 2 {
                return;
            }
            edit_json(&mut req.body, |b| {
                let jwt = b["proofs"]["jwt"][0].as_str().unwrap().to_owned();
                let p = jwt_payload(&jwt);
                let now = time::OffsetDateTime::from_unix_timestamp(p["iat"].as_i64().unwrap()).unwrap();
                let forged = wallet_core::sign::openid4vci_proof(
                    &other,
                    &other_kid,
                    p["aud"].as_str().unwrap(),
                    p["nonce"].as_str(),
                    now,
                )
                .unwrap();
                b["proofs"]["jwt"] = json!([forged]);
            });
        },
        |_, _| {},
    ) else {
        return;
    };
    let rt = runtime();
    let (_tmp, w, did) = wallet();
    let offer = issuer.offer(true, &["ldp_vc", "jwt_vc_json"]);
    let pending = rt
        .block_on(w.inspect_offer(offer["offer_uri"].as_str().unwrap(), &options(None), &local()))
        .unwrap();
    let err = rt
        .block_on(w.accept_offer(&pending, offer["tx_code"].as_str(), &local()))
        .unwrap_err();
    assert_eq!(err.code(), "offer.not_bound", "{err}");
    assert!(
        err.to_string().contains(&other_did) && err.to_string().contains(&did),
        "{err}"
    );
    // The issuer really issued both: one to the profile, one to the other DID.
    let issued = issuer.seen("issued");
    assert!(
        issued[0].contains(&did) && issued[1].contains(&other_did),
        "{issued:?}"
    );
    // Nothing of the offer was stored, not even the good first credential.
    assert!(w.credentials().unwrap().is_empty());
}

/// A lookup from a fixed table, remembering every name asked; names not in it do not resolve.
#[derive(Debug, Default)]
struct Table {
    names: HashMap<String, Vec<IpAddr>>,
    asked: Mutex<Vec<String>>,
}

impl Lookup for Table {
    fn lookup(&self, host: &str) -> LookupFuture {
        self.asked.lock().unwrap().push(host.to_owned());
        let found = self.names.get(host).cloned();
        Box::pin(async move {
            found.ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "not in the table"))
        })
    }
}

fn offer_naming(issuer: &str) -> String {
    let offer = json!({
        "credential_issuer": issuer,
        "credential_configuration_ids": ["OpenBadgeCredential_ldp_vc"],
        "grants": {"urn:ietf:params:oauth:grant-type:pre-authorized_code": {"pre-authorized_code": "abc"}}
    });
    format!(
        "openid-credential-offer://?credential_offer={}",
        url::form_urlencoded::byte_serialize(offer.to_string().as_bytes()).collect::<String>()
    )
}

#[test]
fn issuers_on_private_networks_or_plain_http_are_refused_and_local_ones_need_the_setting() {
    let rt = runtime();
    let (_tmp, w, _) = wallet();
    // A name that resolves to a LAN address (through the test lookup: no DNS, no connection).
    let table = Arc::new(Table {
        names: [(
            "issuer.college.example".to_owned(),
            vec!["192.168.1.10".parse().unwrap()],
        )]
        .into(),
        ..Table::default()
    });
    let policy = NetPolicy {
        allow_local_issuers: true,
        lookup: Some(table.clone() as Arc<dyn Lookup>),
        ..NetPolicy::default()
    };
    for (issuer, code, words) in [
        ("https://192.168.1.10", "offer.refused", "private address"),
        ("https://10.0.0.7/college", "offer.refused", "private address"),
        ("https://[fd00::1]", "offer.refused", "unique local"),
        ("https://169.254.169.254", "offer.refused", "metadata"),
        ("https://intranet", "offer.refused", "single-label"),
        ("http://93.184.215.14", "offer.refused", "only https"),
        ("http://issuer.example.org", "offer.refused", "only https"),
        (
            "https://issuer.college.example",
            "offer.refused",
            "192.168.1.10, a private address",
        ),
    ] {
        let err = rt
            .block_on(w.inspect_offer(&offer_naming(issuer), &options(None), &policy))
            .unwrap_err();
        assert_eq!(err.code(), code, "{issuer}: {err}");
        assert!(err.to_string().contains(words), "{issuer}: {err}");
    }
    // Only the name was looked up (in the table), once; nothing else was asked or reached.
    assert_eq!(*table.asked.lock().unwrap(), ["issuer.college.example"]);
    // An exchange on the LAN is refused too, before anything is sent.
    let err = rt
        .block_on(w.inspect_offer("https://192.168.1.10/exchanges/1", &options(None), &policy))
        .unwrap_err();
    assert_eq!(err.code(), "offer.refused");

    // A real issuer on 127.0.0.1: refused without the setting, by value, by reference and as an exchange, with no
    // request reaching it.
    let Some(issuer) = Issuer::start() else { return };
    let offer = issuer.offer(false, &["ldp_vc"]);
    let ex = issuer.exchange();
    for link in [
        offer["offer_uri"].as_str().unwrap(),
        offer["offer_uri_by_reference"].as_str().unwrap(),
        ex["lcw_deep_link"].as_str().unwrap(),
        &offer_naming(&format!(
            "http://localhost:{}",
            issuer.url.rsplit(':').next().unwrap()
        )),
    ] {
        let err = rt
            .block_on(w.inspect_offer(link, &options(None), &NetPolicy::default()))
            .unwrap_err();
        assert_eq!(err.code(), "offer.local_issuer_not_allowed", "{err}");
    }
    // Nothing reached it but the test's own control requests.
    assert_eq!(issuer.requests(), Vec::<String>::new());
    assert!(w.credentials().unwrap().is_empty());
    // And the test setting for loopback is not needed: the learner's setting is enough.
    let pending = rt
        .block_on(w.inspect_offer(offer["offer_uri"].as_str().unwrap(), &options(None), &local()))
        .unwrap();
    assert!(pending.summary.local_issuer);
}

#[test]
fn a_credential_that_does_not_verify_or_metadata_for_another_issuer_is_refused() {
    // One credential of the offer altered on its way (its name changed: the signature no longer holds), and, when
    // asked, the metadata naming another issuer.
    let mismatch = Arc::new(Mutex::new(false));
    let m = mismatch.clone();
    let Some((_proxy, issuer)) = proxied(
        |_| {},
        move |req, answer| {
            if req.path == "/.well-known/openid-credential-issuer" && *m.lock().unwrap() {
                edit_json(&mut answer.body, |v| {
                    v["credential_issuer"] = json!("https://college.example")
                });
            }
            if req.path == "/credential" && answer.status == 200 {
                edit_json(&mut answer.body, |v| {
                    if let Some(c) = v["credentials"][0]["credential"].as_object_mut() {
                        c.insert("name".into(), json!("Diplôme falsifié"));
                    }
                });
            }
        },
    ) else {
        return;
    };
    let rt = runtime();
    let (_tmp, w, _did) = wallet();
    // jwt_vc_json passes untouched, then the ldp_vc is altered: the whole offer is refused.
    let offer = issuer.offer(false, &["jwt_vc_json", "ldp_vc"]);
    let pending = rt
        .block_on(w.inspect_offer(offer["offer_uri"].as_str().unwrap(), &options(None), &local()))
        .unwrap();
    let err = rt.block_on(w.accept_offer(&pending, None, &local())).unwrap_err();
    assert_eq!(err.code(), "offer.does_not_verify", "{err}");
    assert!(
        err.to_string().contains("Diplôme falsifié") && err.to_string().contains("invalid"),
        "{err}"
    );
    assert_eq!(issuer.seen("issued").len(), 2);
    assert!(w.credentials().unwrap().is_empty());

    *mismatch.lock().unwrap() = true;
    let offer = issuer.offer(false, &["ldp_vc"]);
    let err = rt
        .block_on(w.inspect_offer(offer["offer_uri"].as_str().unwrap(), &options(None), &local()))
        .unwrap_err();
    assert_eq!(err.code(), "offer.metadata_mismatch", "{err}");
    assert!(err.to_string().contains("https://college.example"), "{err}");
    // Refused at inspection: no token was asked for this offer.
    assert_eq!(issuer.seen("POST /token").len(), 1);
}

/// Inspecting may run on an async runtime's worker threads. (Accepting verifies, and verification's futures are not
/// `Send`: like every other use case that verifies, the app runs it on a blocking thread, as `with_wallet` does.)
#[test]
fn inspecting_an_offer_can_move_between_threads() {
    fn send<T: Send>(_: &T) {}
    let (_tmp, w, _) = wallet();
    let policy = NetPolicy::offline();
    let options = InspectOptions::default();
    let inspect = w.inspect_offer("https://college.example/exchanges/1", &options, &policy);
    send(&inspect);
    let pending = runtime().block_on(inspect).unwrap();
    assert_eq!(pending.summary.issuer_domain, "college.example");
}
