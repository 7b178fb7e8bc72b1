//! What the network may and may not do for verification: no non-public address is ever reached (after DNS and on
//! every redirect, proven with an injected lookup and a real server on 127.0.0.1, never by connecting to one), a
//! document speaks only for the origin that served it, a forged OB 2.0 signature costs one fetch (its key), and a
//! hosted OB 2.0 assertion is kept as its issuer serves it.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use serde_json::{json, Value};
use wallet_core::keys::SecretKey;
use wallet_core::net::{Body, Lookup, LookupFuture, MemoryCache, Net, NetError, NetPolicy};
use wallet_core::verify::{verify_bytes, CheckId, Options, Outcome, Report, Verdict};

use crate::http;
use crate::support::{at, ob3_credential, shared, sign_di};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// A lookup from a fixed table, remembering every name asked. Names not in the table do not resolve: a test never
/// reaches the real DNS.
#[derive(Debug, Default)]
struct Table {
    names: HashMap<String, Vec<IpAddr>>,
    asked: Mutex<Vec<String>>,
}

impl Table {
    fn new(entries: &[(&str, &[&str])]) -> Arc<Self> {
        let names = entries
            .iter()
            .map(|(n, ips)| ((*n).to_owned(), ips.iter().map(|i| i.parse().unwrap()).collect()))
            .collect();
        Arc::new(Self {
            names,
            asked: Mutex::new(Vec::new()),
        })
    }

    fn asked(&self) -> Vec<String> {
        self.asked.lock().unwrap().clone()
    }
}

impl Lookup for Table {
    fn lookup(&self, host: &str) -> LookupFuture {
        self.asked.lock().unwrap().push(host.to_owned());
        let found = self.names.get(host).cloned();
        let host = host.to_owned();
        Box::pin(async move {
            found.ok_or_else(|| {
                std::io::Error::new(std::io::ErrorKind::NotFound, format!("{host}: not in the table"))
            })
        })
    }
}

fn policy(lookup: &Arc<Table>, loopback: bool, routes: &[(&str, &str)]) -> NetPolicy {
    NetPolicy {
        allow_loopback_http: loopback,
        test_routes: routes
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect(),
        lookup: Some(lookup.clone() as Arc<dyn Lookup>),
        ..NetPolicy::default()
    }
}

fn refusal(r: Result<wallet_core::net::Fetched, NetError>) -> String {
    match r {
        Err(NetError::Refused { reason, .. }) => reason,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn outcome(r: &Report, id: CheckId) -> (Outcome, String) {
    let c = r
        .checks
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no {id:?} check in {r:#?}"));
    (c.outcome, c.reason.clone().unwrap_or_default())
}

#[test]
fn a_name_that_resolves_to_a_private_address_is_refused_before_any_connection() {
    let rt = runtime();
    let table = Table::new(&[
        ("issuer.test", &["10.0.0.5"]),
        ("metadata.test", &["169.254.169.254"]),
        ("mapped.test", &["::ffff:10.0.0.1"]),
        ("ula.test", &["fd12:3456::1"]),
        ("cgnat.test", &["100.64.1.2", "fe80::1"]),
        ("loopback.test", &["127.0.0.1"]),
    ]);
    let net = Net::new(policy(&table, false, &[])).unwrap();
    let cache = MemoryCache::new();
    for (host, words) in [
        ("issuer.test", "10.0.0.5, a private address"),
        ("metadata.test", "the cloud metadata address"),
        ("mapped.test", "a private address"),
        ("ula.test", "unique local"),
        ("cgnat.test", "carrier-grade NAT"),
        // Loopback is refused without the test setting.
        ("loopback.test", "loopback"),
    ] {
        let url = format!("https://{host}/profile");
        let why = refusal(rt.block_on(net.fetch(&url, &cache)));
        assert!(why.contains(host) && why.contains(words), "{host}: {why}");
        // Refused after resolution (the name itself is fine), by the resolver, which runs before connecting:
        // a connection attempt would have ended as a transport error or a timeout, not a refusal.
        assert_eq!(table.asked().last().map(String::as_str), Some(host));
    }
    assert!(cache.is_empty());
    // Metadata and private-use names are refused by name, without even a lookup.
    let before = table.asked().len();
    for url in [
        "https://metadata.google.internal/computeMetadata/v1/",
        "https://db.corp.internal/x",
    ] {
        let why = refusal(rt.block_on(net.fetch(url, &cache)));
        assert!(why.contains("host name"), "{url}: {why}");
    }
    assert_eq!(table.asked().len(), before);
}

#[test]
fn literal_special_addresses_are_refused_even_with_the_test_setting() {
    let rt = runtime();
    let table = Table::new(&[]);
    let net = Net::new(policy(&table, true, &[])).unwrap();
    let cache = MemoryCache::new();
    for (url, words) in [
        (
            "https://169.254.169.254/latest/meta-data/iam/security-credentials/",
            "cloud metadata",
        ),
        ("https://[::ffff:10.0.0.1]/", "private"),
        ("https://[fd00:ec2::254]/latest/meta-data/", "cloud metadata"),
        ("https://[fe80::1]/", "link-local"),
        ("https://0.0.0.0/", "unspecified"),
        ("http://10.0.0.1/", "only https"),
    ] {
        let why = refusal(rt.block_on(net.fetch(url, &cache)));
        assert!(why.contains(words), "{url}: {why}");
    }
    assert!(table.asked().is_empty(), "literal addresses are never looked up");
}

#[test]
fn a_redirect_to_a_private_address_is_refused_at_that_hop() {
    let rt = runtime();
    let mut routes = http::Routes::new();
    routes.insert("/to-literal".into(), (302, b"https://10.1.2.3/doc".to_vec()));
    routes.insert(
        "/to-mapped".into(),
        (301, b"https://[::ffff:192.168.0.1]/doc".to_vec()),
    );
    routes.insert(
        "/to-name".into(),
        (307, b"https://internal-api.test/doc".to_vec()),
    );
    routes.insert(
        "/to-metadata-name".into(),
        (
            308,
            b"https://metadata.google.internal/computeMetadata/v1/".to_vec(),
        ),
    );
    routes.insert("/hop".into(), (302, b"/doc".to_vec()));
    routes.insert("/doc".into(), (200, b"{\"ok\":true}".to_vec()));
    let server = rt.block_on(http::serve(routes));
    let table = Table::new(&[("internal-api.test", &["10.9.8.7"])]);
    let net = Net::new(policy(&table, true, &[])).unwrap();
    let cache = MemoryCache::new();
    for (path, words) in [
        (
            "/to-literal",
            "redirected to https://10.1.2.3/doc: 10.1.2.3 is a private address",
        ),
        ("/to-mapped", "a private address (192.168.0.0/16)"),
        (
            "/to-name",
            "internal-api.test resolves to 10.9.8.7, a private address",
        ),
        ("/to-metadata-name", "a cloud metadata host name"),
    ] {
        let url = format!("{}{path}", server.base);
        let why = refusal(rt.block_on(net.fetch(&url, &cache)));
        assert!(why.contains(words), "{path}: {why}");
    }
    assert_eq!(table.asked(), vec!["internal-api.test".to_owned()]);
    // The server saw each first request and nothing else: no hop reached a refused address.
    assert_eq!(
        server.hits.lock().unwrap().clone(),
        vec!["/to-literal", "/to-mapped", "/to-name", "/to-metadata-name"]
    );
    // An allowed redirect is followed, and the fetch says where the document finally came from.
    let url = format!("{}/hop", server.base);
    let got = rt.block_on(net.fetch(&url, &cache)).unwrap();
    assert_eq!(got.resource.final_url, Some(format!("{}/doc", server.base)));
    assert!(got.resource.speaks_for(&url));
    assert!(cache.len() == 1);
}

#[test]
fn a_transport_failure_says_why() {
    let rt = runtime();
    let net = Net::new(NetPolicy {
        allow_loopback_http: true,
        ..NetPolicy::default()
    })
    .unwrap();
    let url = format!("{}/key", http::dead_base());
    match rt.block_on(net.fetch(&url, &MemoryCache::new())) {
        Err(NetError::Transport { reason, .. }) => {
            assert!(reason.contains("Connection refused"), "{reason}")
        }
        other => panic!("expected a transport failure, got {other:?}"),
    }
}

#[test]
fn a_post_keeps_the_issuers_error_and_never_follows_a_redirect() {
    let rt = runtime();
    let server = rt.block_on(http::serve(HashMap::from([
        (
            "/token".to_owned(),
            (
                400,
                br#"{"error":"invalid_grant","error_description":"bad code"}"#.to_vec(),
            ),
        ),
        ("/moved".to_owned(), (307, b"/elsewhere".to_vec())),
        ("/elsewhere".to_owned(), (200, b"{}".to_vec())),
    ])));
    let net = Net::for_issuers(NetPolicy {
        allow_local_issuers: true,
        ..NetPolicy::default()
    })
    .unwrap();
    let form = [("grant_type", "x"), ("pre-authorized_code", "secret")];
    let r = rt
        .block_on(net.post(&format!("{}/token", server.base), Body::Form(&form), None))
        .unwrap();
    assert_eq!(r.status, 400);
    let v: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(v["error"], "invalid_grant");
    // A redirect after a POST is refused, said so, and the other address is never asked.
    let body = json!({"credential_configuration_id": "x"});
    for b in [Body::Json(&body), Body::Form(&form), Body::Empty] {
        match rt.block_on(net.post(&format!("{}/moved", server.base), b, Some("token"))) {
            Err(NetError::Refused { reason, .. }) => {
                assert!(
                    reason.starts_with(wallet_core::net::POST_REDIRECT_REFUSED),
                    "{reason}"
                );
                assert!(reason.contains("307"), "{reason}");
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    }
    // A GET follows it (within the policy), and says who answered.
    let got = rt
        .block_on(net.fetch_fresh(&format!("{}/moved", server.base)))
        .unwrap();
    assert_eq!(
        (got.status, got.final_url),
        (200, format!("{}/elsewhere", server.base))
    );
    let hits = server.hits.lock().unwrap().clone();
    assert_eq!(
        hits,
        ["/token", "/moved", "/moved", "/moved", "/moved", "/elsewhere"]
    );
    // The ordinary client, under the same policy, does not reach an issuer on this computer.
    let ordinary = Net::new(NetPolicy {
        allow_local_issuers: true,
        ..NetPolicy::default()
    })
    .unwrap();
    let err = rt
        .block_on(ordinary.post(&format!("{}/token", server.base), Body::Empty, None))
        .unwrap_err();
    assert_eq!(err.code(), "net.refused");
    assert_eq!(server.hits.lock().unwrap().len(), 6);
}

/// A verification environment for the hosts below: `univ.example` (the victim issuer) on one local server,
/// `evil.example` (the attacker) on another.
struct TwoHosts {
    rt: tokio::runtime::Runtime,
    net: Net,
    victim: http::Server,
    attacker: http::Server,
}

fn two_hosts(victim: impl FnOnce(&str) -> http::Routes, attacker: http::Routes) -> TwoHosts {
    let rt = runtime();
    let attacker = rt.block_on(http::serve(attacker));
    let victim = rt.block_on(http::serve(victim(&attacker.base)));
    let table = Table::new(&[]);
    let net = Net::new(policy(
        &table,
        true,
        &[
            ("https://univ.example/", &format!("{}/", victim.base)),
            ("https://evil.example/", &format!("{}/", attacker.base)),
        ],
    ))
    .unwrap();
    TwoHosts {
        rt,
        net,
        victim,
        attacker,
    }
}

const VICTIM: &str = "https://univ.example/issuer";

fn multikey(key: &SecretKey) -> String {
    let did = wallet_core::did::did_key(&key.public_key()).unwrap();
    did.trim_start_matches("did:key:").to_owned()
}

fn compact_jws(header: &Value, payload: &Value, key: &SecretKey) -> String {
    let input = format!(
        "{}.{}",
        B64.encode(serde_json::to_vec(header).unwrap()),
        B64.encode(serde_json::to_vec(payload).unwrap())
    );
    format!("{input}.{}", B64.encode(key.sign(input.as_bytes())))
}

#[test]
fn a_redirect_to_another_host_cannot_speak_for_the_issuer() {
    // The attacker signs with its own key and gets the victim's addresses (issuer profile, DID document) to
    // redirect to documents it wrote, which list its key under the victim's name.
    let attacker_key = SecretKey::from_seed(&[91; 32]);
    let mk = multikey(&attacker_key);
    let vm = format!("{VICTIM}#{mk}");
    let profile = json!({"id": VICTIM, "type": "Profile", "verificationMethod": [
        {"id": vm, "type": "Multikey", "controller": VICTIM, "publicKeyMultibase": mk}]});
    let did = "did:web:univ.example";
    let did_vm = format!("{did}#k1");
    let did_doc = json!({"id": did, "verificationMethod": [
        {"id": did_vm, "type": "Multikey", "controller": did, "publicKeyMultibase": mk}], "assertionMethod": [did_vm]});
    // OB 2.0: the attacker's key document names the victim as owner, and the "victim's" profile lists that key.
    let ob2_issuer = "https://univ.example/ob2/issuer";
    let ob2_key = json!({"id": "https://evil.example/key", "type": "CryptographicKey", "owner": ob2_issuer,
        "publicKeyMultibase": mk});
    let ob2_profile = json!({"id": ob2_issuer, "type": "Issuer", "name": "Université",
        "publicKey": "https://evil.example/key"});
    // OB 2.0 hosted: the assertion's address redirects to the attacker's copy, which claims that address as its id
    // and names the victim's real badge class (whose issuer allows the victim's origin).
    let hosted_id = "https://univ.example/assertions/1";
    let hosted_issuer =
        json!({"id": "https://univ.example/hosted/issuer", "type": "Issuer", "name": "Université"});
    let hosted_badge = json!({"id": "https://univ.example/hosted/badge", "type": "BadgeClass", "name": "Vrai",
        "issuer": "https://univ.example/hosted/issuer"});
    let hosted = json!({"@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": hosted_id,
        "recipient": {"type": "email", "hashed": false, "identity": "mallory@example.org"},
        "badge": "https://univ.example/hosted/badge", "verification": {"type": "HostedBadge"},
        "issuedOn": "2024-01-01T00:00:00Z"});
    let mut attacker = http::Routes::new();
    for (path, doc) in [
        ("/profile", &profile),
        ("/did.json", &did_doc),
        ("/key", &ob2_key),
        ("/ob2-profile", &ob2_profile),
        ("/assertion", &hosted),
    ] {
        attacker.insert(path.into(), (200, serde_json::to_vec(doc).unwrap()));
    }
    let env = two_hosts(
        |evil| {
            let mut r = http::Routes::new();
            for (path, to) in [
                ("/issuer", "/profile"),
                ("/.well-known/did.json", "/did.json"),
                ("/ob2/issuer", "/ob2-profile"),
                ("/assertions/1", "/assertion"),
            ] {
                r.insert(path.into(), (302, format!("{evil}{to}").into_bytes()));
            }
            r.insert(
                "/hosted/badge".into(),
                (200, serde_json::to_vec(&hosted_badge).unwrap()),
            );
            r.insert(
                "/hosted/issuer".into(),
                (200, serde_json::to_vec(&hosted_issuer).unwrap()),
            );
            r
        },
        attacker,
    );
    // A Data Integrity credential whose key the issuer's profile must confirm (resolve, then bind_via_issuer).
    let di = sign_di(&ob3_credential("urn:uuid:di", VICTIM, "Faux"), &attacker_key, &vm);
    // A JWT without kid or jwk: the key is the one the issuer's profile publishes (proof::jws_key).
    let mut payload = ob3_credential("urn:uuid:jwt", VICTIM, "Faux");
    payload["iss"] = json!(VICTIM);
    let jwt = compact_jws(&json!({"alg": "EdDSA", "typ": "JWT"}), &payload, &attacker_key);
    // did:web, whose DID document is on the victim's host.
    let web = sign_di(
        &ob3_credential("urn:uuid:web", did, "Faux"),
        &attacker_key,
        &did_vm,
    );
    // OB 2.0 signed, with the badge class inline and the issuer's profile on the victim's host.
    let assertion = json!({"@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": "urn:uuid:ob2",
        "recipient": {"type": "email", "hashed": false, "identity": "x@example.org"},
        "badge": {"type": "BadgeClass", "name": "Faux", "issuer": ob2_issuer},
        "verification": {"type": "SignedBadge", "creator": "https://evil.example/key"},
        "issuedOn": "2024-01-01T00:00:00Z"});
    let ob2 = compact_jws(&json!({"alg": "EdDSA"}), &assertion, &attacker_key);
    let opts = Options::at(at("2025-01-01T00:00:00Z"));
    let cache = MemoryCache::new();
    for (name, bytes) in [
        ("data integrity", serde_json::to_vec(&di).unwrap()),
        ("jwt without kid", jwt.into_bytes()),
        ("did:web", serde_json::to_vec(&web).unwrap()),
        ("ob2 signed", ob2.into_bytes()),
        ("ob2 hosted", serde_json::to_vec(&hosted).unwrap()),
    ] {
        let reports = env.rt.block_on(verify_bytes(&bytes, &env.net, &cache, &opts));
        let r = &reports[0];
        assert_ne!(r.verdict, Verdict::Valid, "{name}: {r:#?}");
        assert_ne!(
            outcome(r, CheckId::IssuerBinding).0,
            Outcome::Passed,
            "{name}: {r:#?}"
        );
        let all: String = r
            .checks
            .iter()
            .map(|c| c.summary())
            .collect::<Vec<_>>()
            .join("\n");
        assert!(all.contains("another origin"), "{name}: {all}");
        // Offline afterwards, the cached copy remembers where it came from: still not the issuer's word.
        let offline = env
            .rt
            .block_on(verify_bytes(&bytes, &Net::offline(), &cache, &opts));
        assert_ne!(offline[0].verdict, Verdict::Valid, "{name} offline: {offline:#?}");
    }
    // The redirects were followed to the attacker (reqwest did fetch them): what changed is whose word they are.
    assert!(!env.attacker.hits.lock().unwrap().is_empty());
    assert!(!env.victim.hits.lock().unwrap().is_empty());
}

#[test]
fn a_redirect_within_the_issuers_origin_still_speaks_for_it() {
    let key = SecretKey::from_seed(&[92; 32]);
    let mk = multikey(&key);
    let vm = format!("{VICTIM}#{mk}");
    let profile = json!({"id": VICTIM, "type": "Profile", "verificationMethod": [
        {"id": vm, "type": "Multikey", "controller": VICTIM, "publicKeyMultibase": mk}]});
    let env = two_hosts(
        |_| {
            let mut r = http::Routes::new();
            r.insert("/issuer".into(), (301, b"/issuer/".to_vec()));
            r.insert("/issuer/".into(), (200, serde_json::to_vec(&profile).unwrap()));
            r
        },
        http::Routes::new(),
    );
    let di = sign_di(&ob3_credential("urn:uuid:same", VICTIM, "Vrai"), &key, &vm);
    let opts = Options::at(at("2025-01-01T00:00:00Z"));
    let reports = env.rt.block_on(verify_bytes(
        &serde_json::to_vec(&di).unwrap(),
        &env.net,
        &MemoryCache::new(),
        &opts,
    ));
    assert_eq!(reports[0].verdict, Verdict::Valid, "{reports:#?}");
    assert!(env.attacker.hits.lock().unwrap().is_empty());
}

#[test]
fn a_signed_status_list_counts_wherever_it_was_served_from() {
    // A status list credential carries its issuer's proof, checked against the issuer's key: a redirect to
    // another origin (a CDN, a moved repository) does not make it less the issuer's.
    let dir = shared().join("standards/examples/ob-v3p0/validator-tests/bit-string-list");
    let list_path = "/1EdTech/digital-credentials-public-validator/refs/heads/main/inspector-vc/src/test/resources/ob30/bit-string-list/testlist";
    let issuer = json!({"id": "https://1edtech.edu/issuers/565049", "type": "Profile", "verificationMethod": [{
        "id": "https://1edtech.edu/issuers/565049#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
        "type": "Multikey", "controller": "https://1edtech.edu/issuers/565049",
        "publicKeyMultibase": "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"}]});
    let rt = runtime();
    let mut cdn = http::Routes::new();
    cdn.insert(
        "/testlist".into(),
        (200, std::fs::read(dir.join("testlist")).unwrap()),
    );
    let cdn = rt.block_on(http::serve(cdn));
    let mut routes = http::Routes::new();
    routes.insert(
        "/issuers/565049".into(),
        (200, serde_json::to_vec(&issuer).unwrap()),
    );
    routes.insert(
        list_path.into(),
        (302, format!("{}/testlist", cdn.base).into_bytes()),
    );
    let server = rt.block_on(http::serve(routes));
    let table = Table::new(&[]);
    let net = Net::new(policy(
        &table,
        true,
        &[
            ("https://1edtech.edu/", &format!("{}/", server.base)),
            ("https://raw.githubusercontent.com/", &format!("{}/", server.base)),
        ],
    ))
    .unwrap();
    let bytes = std::fs::read(dir.join("credential-status-revoked.json")).unwrap();
    let opts = Options::at(at("2026-11-27T00:00:00Z"));
    let reports = rt.block_on(verify_bytes(&bytes, &net, &MemoryCache::new(), &opts));
    let (status, why) = outcome(&reports[0], CheckId::Status);
    assert_eq!(
        (status, reports[0].verdict),
        (Outcome::Failed, Verdict::Invalid),
        "{reports:#?}"
    );
    assert!(why.contains("revoked"), "{why}");
    assert_eq!(*cdn.hits.lock().unwrap(), vec!["/testlist"]);
}

/// The peer corpus's OB 2.0 issuer: key, profile and badge class, served under `/ob2/`.
fn ob2_issuer_routes() -> http::Routes {
    let side = shared().join("fixtures/peer-corpus/ob2-sidecar");
    let mut routes = http::Routes::new();
    for f in ["key.json", "issuer.json", "badgeclass.json"] {
        routes.insert(format!("/ob2/{f}"), (200, std::fs::read(side.join(f)).unwrap()));
    }
    routes
}

#[test]
fn a_forged_ob2_signature_fetches_only_its_key() {
    let jws = std::fs::read_to_string(shared().join("fixtures/peer-corpus/ob2-sidecar/signed-assertion.jws"))
        .unwrap();
    let parts: Vec<&str> = jws.trim().split('.').collect();
    let mut payload: Value = serde_json::from_slice(&B64.decode(parts[1]).unwrap()).unwrap();
    payload["recipient"]["identity"] =
        json!("sha256$00000000000000000000000000000000000000000000000000000000000000");
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        B64.encode(serde_json::to_vec(&payload).unwrap()),
        parts[2]
    );
    let mut keyless = payload.clone();
    keyless["verification"] = json!({"type": "SignedBadge"});
    let unnamed = format!(
        "{}.{}.{}",
        parts[0],
        B64.encode(serde_json::to_vec(&keyless).unwrap()),
        parts[2]
    );
    let opts = Options::at(at("2025-01-01T00:00:00Z"));
    for (name, text, verdict, hits) in [
        ("forged", forged, Verdict::Invalid, vec!["/ob2/key.json"]),
        ("no key named", unnamed, Verdict::Indeterminate, vec![]),
        // Once the signature holds: the badge class, then the issuer's profile (which names no revocation list).
        (
            "genuine",
            jws.trim().to_owned(),
            Verdict::Valid,
            vec!["/ob2/key.json", "/ob2/badgeclass.json", "/ob2/issuer.json"],
        ),
    ] {
        let rt = runtime();
        let server = rt.block_on(http::serve(ob2_issuer_routes()));
        let net = Net::new(NetPolicy {
            allow_loopback_http: true,
            test_routes: vec![(
                "https://badges.public-example.org/".into(),
                format!("{}/", server.base),
            )],
            ..NetPolicy::default()
        })
        .unwrap();
        let reports = rt.block_on(verify_bytes(text.as_bytes(), &net, &MemoryCache::new(), &opts));
        assert_eq!(reports[0].verdict, verdict, "{name}: {reports:#?}");
        assert_eq!(*server.hits.lock().unwrap(), hits, "{name}");
    }
}

#[test]
fn a_hosted_assertion_is_kept_as_its_issuer_serves_it() {
    let side = shared().join("fixtures/peer-corpus/ob2-sidecar");
    let served = std::fs::read(side.join("hosted-assertion.json")).unwrap();
    let path = "/ob2/assertions/b2bb511e-adb5-4af8-b566-dd41ba3b5e1b.json";
    let mut routes = ob2_issuer_routes();
    routes.insert(path.into(), (200, served.clone()));
    let rt = runtime();
    let server = rt.block_on(http::serve(routes));
    let policy = NetPolicy {
        allow_loopback_http: true,
        test_routes: vec![(
            "https://badges.public-example.org/".into(),
            format!("{}/", server.base),
        )],
        ..NetPolicy::default()
    };
    let net = Net::new(policy.clone()).unwrap();
    // The learner's copy names someone else as recipient and carries a narrative the issuer never wrote.
    let mut local: Value = serde_json::from_slice(&served).unwrap();
    local["recipient"] = json!({"type": "email", "hashed": false, "identity": "mallory@example.org"});
    local["narrative"] = json!("Awarded with the highest distinction.");
    let local_bytes = serde_json::to_vec_pretty(&local).unwrap();
    let opts = Options::at(at("2025-01-01T00:00:00Z"));
    let reports = rt.block_on(verify_bytes(&local_bytes, &net, &MemoryCache::new(), &opts));
    let r = &reports[0];
    assert_eq!(r.verdict, Verdict::Valid, "{r:#?}");
    assert_eq!(
        r.raw.as_deref(),
        Some(served.as_slice()),
        "the bytes kept are the issuer's"
    );
    assert_eq!(
        r.document,
        Some(serde_json::from_slice::<Value>(&served).unwrap())
    );
    assert!(
        outcome(r, CheckId::Format).1.contains("local copy differs"),
        "{r:#?}"
    );
    assert_ne!(
        r.credential.as_ref().unwrap().subject.as_deref(),
        Some("mallory@example.org")
    );
    // A baked badge that holds only the URL: the bytes kept are the issuer's copy, not the URL.
    let baked = std::fs::read(shared().join("fixtures/peer-corpus/ob2-hosted-baked.png")).unwrap();
    let reports = rt.block_on(verify_bytes(&baked, &net, &MemoryCache::new(), &opts));
    assert_eq!(reports[0].verdict, Verdict::Valid, "{reports:#?}");
    assert_eq!(reports[0].raw.as_deref(), Some(served.as_slice()));
    // And the wallet stores the issuer's copy.
    let tmp = tempfile::tempdir().unwrap();
    let w = crate::support::new_wallet(&tmp.path().join("w"));
    let summary = w
        .import(
            &[wallet_core::importer::Source::Bytes {
                name: "local.json".into(),
                bytes: local_bytes,
            }],
            &wallet_core::importer::ImportOptions {
                net: policy,
                now: Some(at("2025-01-01T00:00:00Z")),
                ..wallet_core::importer::ImportOptions::default()
            },
            &mut |_| {},
            &std::sync::atomic::AtomicBool::new(false),
        )
        .unwrap();
    let id = summary.items[0]
        .credential_id
        .clone()
        .unwrap_or_else(|| panic!("{summary:#?}"));
    assert_eq!(w.credential_bytes(&id).unwrap(), served);
}
