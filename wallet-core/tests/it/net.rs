//! What the network may and may not do for verification: no non-public address is ever reached (after DNS and on
//! every redirect), proven with an injected lookup and a real server on 127.0.0.1, never by connecting to one.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use wallet_core::net::{Lookup, LookupFuture, MemoryCache, Net, NetError, NetPolicy};

use crate::http;

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
