//! The one way Carnet's engine uses the network: https to public addresses only (checked after DNS resolution and
//! on every redirect), with timeouts and size caps, an offline switch, and a cache of what was fetched with its
//! date and the address it was finally served from, so a later offline check can still say "as of …" and a
//! document is credited only to the origin that served it.
//!
//! GETs ([`Net::fetch`], [`Net::fetch_fresh`]) follow up to [`MAX_REDIRECTS`] redirects, each hop checked like the
//! first address. POSTs ([`Net::post`], for the issuance protocols: a JSON or form body, an optional bearer token)
//! never follow a redirect: a 3xx answer is [`NetError::Refused`] ([`POST_REDIRECT_REFUSED`]), since following it would resend the data
//! (a code, a token, a signed presentation) to an address the learner never saw. Every other answer comes back with
//! its status and body ([`Response`]), so a protocol's own error (OAuth's `{"error": …}`) can be read.
//!
//! An issuer on this computer (`http://127.0.0.1:…`, `localhost`, `[::1]`) is reached only through a client made
//! with [`Net::for_issuers`] under a policy whose [`NetPolicy::allow_local_issuers`] is set (the learner's
//! `--allow-localhost`, the app's setting); private network addresses stay refused even then.

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use time::OffsetDateTime;

/// Default cap on one fetched document (issuer profiles, key documents, status lists are small).
pub const DEFAULT_MAX_BYTES: usize = 2 * 1024 * 1024;
/// Default time allowed for one request, connection included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Redirects followed at most, each checked like the first address.
pub const MAX_REDIRECTS: usize = 5;
/// How the [`NetError::Refused`] reason for a POST answered with a redirect begins: Carnet never follows one, since
/// it would send the same data (a code, a token, a signed presentation) to another address.
pub const POST_REDIRECT_REFUSED: &str = "a request that sends data was answered with a redirect";

/// Why a document could not be had.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NetError {
    /// Network use is switched off and nothing is cached for this URL.
    #[error("offline and {url} was never fetched")]
    Offline { url: String },
    /// The URL, a redirect, or every address its host resolves to is not one Carnet will fetch: not https (plain
    /// http only to loopback with the test setting), or not a public address (loopback, private, link-local,
    /// shared, cloud metadata, multicast and other special-use ranges, however written).
    #[error("refusing to fetch {url}: {reason}")]
    Refused { url: String, reason: String },
    /// The server answered with an error status.
    #[error("{url} answered HTTP {status}")]
    Status { url: String, status: u16 },
    /// The response was larger than allowed.
    #[error("{url} sent more than {limit} bytes")]
    TooLarge { url: String, limit: usize },
    /// Connection, TLS, timeout or protocol failure.
    #[error("could not fetch {url}: {reason}")]
    Transport { url: String, reason: String },
}

impl NetError {
    /// Stable code for interfaces.
    pub fn code(&self) -> &'static str {
        match self {
            NetError::Offline { .. } => "net.offline",
            NetError::Refused { .. } => "net.refused",
            NetError::Status { .. } => "net.status",
            NetError::TooLarge { .. } => "net.too_large",
            NetError::Transport { .. } => "net.transport",
        }
    }
}

/// A fetched document as kept in a cache.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CachedResource {
    /// HTTP status: 200, or 410 (gone — meaningful for OB 2.0 hosted assertions).
    pub status: u16,
    pub body: Vec<u8>,
    #[serde(with = "time::serde::rfc3339")]
    pub fetched_at: OffsetDateTime,
    /// The address that finally served the body, after redirects (test routes undone). `None` for a copy cached
    /// before Carnet kept it: such a copy speaks for no address (see [`CachedResource::speaks_for`]).
    #[serde(default)]
    pub final_url: Option<String>,
}

impl CachedResource {
    /// May this document speak for `url` (be taken as what `url`'s owner publishes)? Only when it was served from
    /// `url`'s own origin — scheme, host and port — whether directly or after redirects within that origin. A
    /// redirect to another origin (an open redirect on the issuer's host, a moved or hijacked address) makes the
    /// document someone else's.
    pub fn speaks_for(&self, url: &str) -> bool {
        self.final_url
            .as_deref()
            .is_some_and(|served| same_origin(served, url))
    }
}

/// Same scheme, host and port (the web's unit of authority). False for anything that is not an absolute URL.
pub fn same_origin(a: &str, b: &str) -> bool {
    match (url::Url::parse(a), url::Url::parse(b)) {
        (Ok(a), Ok(b)) => a.origin().is_tuple() && a.origin() == b.origin(),
        _ => false,
    }
}

/// A fetched document and whether it came from the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    pub resource: CachedResource,
    /// True when the network was not used (offline) or failed and the cached copy was used instead.
    pub from_cache: bool,
}

/// Where fetched documents are remembered. The wallet keeps its copy in the encrypted store; the CLI's
/// `verify` without a wallet keeps them in memory.
pub trait FetchCache: Send + Sync {
    fn get(&self, url: &str) -> Option<CachedResource>;
    fn put(&self, url: &str, resource: &CachedResource);
}

/// A cache in memory, for one run.
#[derive(Debug, Default)]
pub struct MemoryCache {
    map: Mutex<HashMap<String, CachedResource>>,
}

impl MemoryCache {
    pub fn new() -> Self {
        Self::default()
    }

    /// How many URLs are cached.
    pub fn len(&self) -> usize {
        self.map.lock().map(|m| m.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl FetchCache for MemoryCache {
    fn get(&self, url: &str) -> Option<CachedResource> {
        self.map.lock().ok()?.get(url).cloned()
    }

    fn put(&self, url: &str, resource: &CachedResource) {
        if let Ok(mut m) = self.map.lock() {
            m.insert(url.to_owned(), resource.clone());
        }
    }
}

/// What a [`Lookup`] returns: the addresses of a host name.
pub type LookupFuture = Pin<Box<dyn Future<Output = std::io::Result<Vec<IpAddr>>> + Send>>;

/// Turns a host name into addresses. The product uses the system resolver; tests inject their own (through
/// [`NetPolicy::lookup`]) to map a name to an address of their choosing without any DNS query. Whatever it
/// returns is filtered by the same address rules before any connection.
pub trait Lookup: Send + Sync + std::fmt::Debug {
    fn lookup(&self, host: &str) -> LookupFuture;
}

/// The operating system's resolver (getaddrinfo, on a blocking thread).
#[derive(Debug)]
struct SystemLookup;

impl Lookup for SystemLookup {
    fn lookup(&self, host: &str) -> LookupFuture {
        let host = host.to_owned();
        Box::pin(async move {
            let addrs = tokio::net::lookup_host((host.as_str(), 0)).await?;
            Ok(addrs.map(|a| a.ip()).collect())
        })
    }
}

/// How the engine may use the network.
#[derive(Debug, Clone)]
pub struct NetPolicy {
    /// No request at all: only the cache answers.
    pub offline: bool,
    pub timeout: Duration,
    pub max_bytes: usize,
    /// Allow loopback addresses (127.0.0.0/8, ::1, localhost), and plain http to them. Test setting only: a real
    /// issuer is https on a public address.
    pub allow_loopback_http: bool,
    /// Test-only URL prefix rewrites (e.g. `https://issuer.example/` → `http://127.0.0.1:PORT/`), so tests can
    /// serve real documents for the hosts named in fixtures. Empty in the product.
    pub test_routes: Vec<(String, String)>,
    /// Test setting: resolves host names instead of the system resolver (its answers are checked all the same).
    /// `None` in the product.
    pub lookup: Option<Arc<dyn Lookup>>,
    /// The learner's setting "allow issuers on this computer (for testing)" (`carnet offer --allow-localhost`):
    /// a client made with [`Net::for_issuers`] may then reach loopback addresses (127.0.0.0/8, `::1`,
    /// `localhost`), over plain http too. Never private network (LAN) or other special-use addresses, and never
    /// for the documents a credential names (keys, status lists, pictures), which [`Net::new`] fetches: only for
    /// the issuance protocol itself. Off by default; distinct from `allow_loopback_http`, which is for tests.
    pub allow_local_issuers: bool,
}

impl Default for NetPolicy {
    fn default() -> Self {
        Self {
            offline: false,
            timeout: DEFAULT_TIMEOUT,
            max_bytes: DEFAULT_MAX_BYTES,
            allow_loopback_http: false,
            test_routes: Vec::new(),
            lookup: None,
            allow_local_issuers: false,
        }
    }
}

impl NetPolicy {
    /// No network at all.
    pub fn offline() -> Self {
        Self {
            offline: true,
            ..Self::default()
        }
    }
}

/// Why an IPv4 address is not a public one, if it is not.
fn special_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    let why = match (a, b, c) {
        _ if ip == Ipv4Addr::new(169, 254, 169, 254) => "the cloud metadata address (169.254.169.254)",
        _ if ip == Ipv4Addr::new(100, 100, 100, 200) => "a cloud metadata address (100.100.100.200)",
        _ if ip.is_unspecified() => "the unspecified address (0.0.0.0)",
        _ if ip.is_broadcast() => "the broadcast address (255.255.255.255)",
        (0, ..) => "a \"this network\" address (0.0.0.0/8)",
        (10, ..) => "a private address (10.0.0.0/8)",
        (100, 64..=127, _) => "a shared (carrier-grade NAT) address (100.64.0.0/10)",
        (127, ..) => "a loopback address (127.0.0.0/8)",
        (169, 254, _) => "a link-local address (169.254.0.0/16)",
        (172, 16..=31, _) => "a private address (172.16.0.0/12)",
        (192, 0, 0) => "an IETF protocol address (192.0.0.0/24)",
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => "a documentation address (TEST-NET)",
        (192, 88, 99) => "a 6to4 relay anycast address (192.88.99.0/24)",
        (192, 168, _) => "a private address (192.168.0.0/16)",
        (198, 18..=19, _) => "a benchmarking address (198.18.0.0/15)",
        (224..=239, ..) => "a multicast address (224.0.0.0/4)",
        (240..=255, ..) => "a reserved address (240.0.0.0/4)",
        _ => return None,
    };
    Some(why)
}

/// The IPv4 address in the last 32 bits of `s`.
fn v4_tail(s: [u16; 8]) -> Ipv4Addr {
    let [hi, lo] = [s[6], s[7]];
    Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8)
}

/// Why an IPv6 address is not a public one, if it is not. Forms that embed an IPv4 address (IPv4-mapped,
/// NAT64, 6to4) are judged by that address.
fn special_v6(ip: Ipv6Addr) -> Option<&'static str> {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return special_v4(v4);
    }
    let s = ip.segments();
    if ip == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254) {
        return Some("the cloud metadata address (fd00:ec2::254)");
    }
    if ip.is_unspecified() {
        return Some("the unspecified address (::)");
    }
    if ip.is_loopback() {
        return Some("a loopback address (::1)");
    }
    let why = match s {
        [0, 0, 0, 0, 0, 0, _, _] => "an IPv4-compatible address (::/96, deprecated)",
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => return special_v4(v4_tail(s)),
        [0x64, 0xff9b, 1, ..] => "a local-use NAT64 address (64:ff9b:1::/48)",
        [0x2002, hi, lo, ..] => {
            return special_v4(Ipv4Addr::new(
                (hi >> 8) as u8,
                hi as u8,
                (lo >> 8) as u8,
                lo as u8,
            ))
        }
        [0x2001, 0xdb8, ..] => "a documentation address (2001:db8::/32)",
        [0x2001, b, ..] if b < 0x200 => "an IETF protocol or tunnel address (2001::/23)",
        [0x3fff, b, ..] if b < 0x1000 => "a documentation address (3fff::/20)",
        [0x5f00, ..] => "a segment-routing address (5f00::/16)",
        [a, ..] if a & 0xfe00 == 0xfc00 => "a unique local (private) address (fc00::/7)",
        [a, ..] if a & 0xffc0 == 0xfe80 => "a link-local address (fe80::/10)",
        [a, ..] if a & 0xffc0 == 0xfec0 => "a site-local address (fec0::/10, deprecated)",
        [a, ..] if a & 0xff00 == 0xff00 => "a multicast address (ff00::/8)",
        [a, ..] if a & 0xe000 != 0x2000 => "not a global unicast address (outside 2000::/3)",
        _ => return None,
    };
    Some(why)
}

/// Loopback, however written (127.0.0.0/8, ::1, IPv4-mapped 127.x).
fn is_loopback_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()),
    }
}

/// Why Carnet will not connect to `ip`, if it will not: every non-public range, loopback included unless the
/// test setting allows it.
pub fn refused_address(ip: IpAddr, allow_loopback: bool) -> Option<&'static str> {
    if allow_loopback && is_loopback_ip(ip) {
        return None;
    }
    match ip {
        IpAddr::V4(v4) => special_v4(v4),
        IpAddr::V6(v6) => special_v6(v6),
    }
}

/// Why a host name is refused before any lookup, if it is: names of cloud metadata services, names that only a
/// private network resolves (`.internal`, `.local`, `.home.arpa`, `.localdomain`) and single-label names, which a
/// resolver completes with the local search domains. `localhost` is left to the address check.
pub fn refused_name(host: &str) -> Option<&'static str> {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    if matches!(
        h.as_str(),
        "metadata.google.internal"
            | "metadata.goog"
            | "metadata"
            | "instance-data"
            | "instance-data.ec2.internal"
    ) {
        return Some("a cloud metadata host name");
    }
    if [".internal", ".local", ".localdomain", ".home.arpa"]
        .iter()
        .any(|suffix| h.ends_with(suffix))
    {
        return Some("a private-use host name");
    }
    if h == "localhost" || h.ends_with(".localhost") {
        return None;
    }
    if !h.contains('.') {
        return Some("a single-label host name (completed by local search domains, not public DNS)");
    }
    None
}

/// A name under `.invalid`, which never resolves (RFC 6761 §6.4: resolvers answer "no such name" at once, without
/// asking anyone). Not a refusal: a document cached for such an address (the demo issuers publish there, see
/// [`crate::demo::HOST`]) is still answered from the cache; the network is never asked.
pub fn never_resolves(host: &str) -> bool {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    h == "invalid" || h.ends_with(".invalid")
}

/// 127.0.0.1 (or any loopback address), ::1 or localhost.
fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => is_loopback_ip(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => is_loopback_ip(IpAddr::V6(ip)),
        None => false,
    }
}

/// Whether Carnet may request `url` itself: https (or loopback http with the test setting), and a host that is
/// neither a refused address literal nor a refused name. Names are checked again, address by address, after
/// resolution ([`Guard`]). `Err` says why.
fn check_url(url: &url::Url, allow_loopback: bool) -> Result<(), String> {
    match url.scheme() {
        "https" => {}
        "http" if allow_loopback && is_loopback(url) => {}
        "http" => return Err("only https is fetched".into()),
        other => return Err(format!("scheme {other} is not fetched")),
    }
    match url.host() {
        None => Err("the address has no host".into()),
        Some(url::Host::Ipv4(ip)) => match refused_address(IpAddr::V4(ip), allow_loopback) {
            Some(why) => Err(format!("{ip} is {why}")),
            None => Ok(()),
        },
        Some(url::Host::Ipv6(ip)) => match refused_address(IpAddr::V6(ip), allow_loopback) {
            Some(why) => Err(format!("{ip} is {why}")),
            None => Ok(()),
        },
        Some(url::Host::Domain(name)) => match refused_name(name) {
            Some(why) => Err(format!("{name} is {why}")),
            None => Ok(()),
        },
    }
}

/// A refusal raised inside reqwest (resolver, redirect policy) and found again in its error chain, so that it
/// becomes [`NetError::Refused`] rather than a transport failure.
#[derive(Debug)]
struct Refusal(String);

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refusal {}

/// The refusal somewhere in an error's chain of causes.
fn refusal_in(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if let Some(r) = err.downcast_ref::<Refusal>() {
            return Some(r.0.clone());
        }
        cur = err.source();
    }
    None
}

/// An error and its causes, as one line ("error sending request: client error (Connect): tcp connect error: …").
fn with_causes(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(err) = cur {
        let text = err.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = err.source();
    }
    parts.join(": ")
}

/// The resolver reqwest uses for every connection, first request and redirects alike: resolve (system or test
/// lookup), then keep only the addresses Carnet may connect to. When none is left, the connection is never
/// attempted and the request fails with the reason.
#[derive(Debug)]
struct Guard {
    lookup: Arc<dyn Lookup>,
    allow_loopback: bool,
}

impl reqwest::dns::Resolve for Guard {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        let allow_loopback = self.allow_loopback;
        let lookup = self.lookup.clone();
        Box::pin(async move {
            if let Some(why) = refused_name(&host) {
                return Err(Box::new(Refusal(format!("{host} is {why}"))) as _);
            }
            if never_resolves(&host) {
                return Err(format!("{host} does not exist (a .invalid name never resolves)").into());
            }
            let ips = lookup.lookup(&host).await?;
            let (allowed, refused): (Vec<IpAddr>, Vec<IpAddr>) = ips
                .into_iter()
                .partition(|ip| refused_address(*ip, allow_loopback).is_none());
            if allowed.is_empty() {
                let Some(first) = refused.first() else {
                    return Err(format!("{host} has no address").into());
                };
                let why = refused_address(*first, allow_loopback).unwrap_or("refused");
                let more = match refused.len() {
                    1 => String::new(),
                    n => format!(" (and {} other refused addresses)", n - 1),
                };
                return Err(Box::new(Refusal(format!("{host} resolves to {first}, {why}{more}"))) as _);
            }
            let addrs: reqwest::dns::Addrs = Box::new(allowed.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(addrs)
        })
    }
}

/// Follow at most [`MAX_REDIRECTS`] redirects, each to an address `Net::target` would have accepted (a literal
/// address is checked here; a host name goes through [`Guard`] when reqwest connects to it).
fn redirect_policy(allow_loopback: bool) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() >= MAX_REDIRECTS {
            return attempt.error("too many redirects");
        }
        match check_url(attempt.url(), allow_loopback) {
            Ok(()) => attempt.follow(),
            Err(why) => {
                let to = attempt.url().to_string();
                attempt.error(Refusal(format!("redirected to {to}: {why}")))
            }
        }
    })
}

/// What a POST sends.
#[derive(Debug, Clone, Copy)]
pub enum Body<'a> {
    /// No body (an OpenID4VCI nonce request).
    Empty,
    /// `application/json`.
    Json(&'a serde_json::Value),
    /// `application/x-www-form-urlencoded` (an OAuth token request).
    Form(&'a [(&'a str, &'a str)]),
}

/// An answer, whatever its status (a protocol error's body is read by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub body: Vec<u8>,
    /// The `Content-Type` the server claimed (never trusted for anything but choosing how to read an error).
    pub content_type: Option<String>,
    /// The address that finally answered (after redirects, for a GET; test routes undone).
    pub final_url: String,
}

impl Response {
    /// A 2xx status.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// The HTTP client.
#[derive(Debug, Clone)]
pub struct Net {
    policy: NetPolicy,
    /// Loopback addresses (and http to them) allowed: the test setting, or local issuers for an issuer client.
    allow_loopback: bool,
    client: Option<reqwest::Client>,
    /// The client for POSTs, which follows no redirect (made on first use).
    post_client: std::sync::OnceLock<reqwest::Client>,
}

fn build_client(
    policy: &NetPolicy,
    allow_loopback: bool,
    redirect: reqwest::redirect::Policy,
) -> Result<reqwest::Client, NetError> {
    let guard = Guard {
        lookup: policy.lookup.clone().unwrap_or_else(|| Arc::new(SystemLookup)),
        allow_loopback,
    };
    reqwest::Client::builder()
        .timeout(policy.timeout)
        .connect_timeout(policy.timeout)
        .redirect(redirect)
        .dns_resolver(Arc::new(guard))
        // A proxy would resolve and connect on Carnet's behalf, out of reach of the address checks.
        .no_proxy()
        .user_agent(concat!("Carnet/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| NetError::Transport {
            url: String::new(),
            reason: e.to_string(),
        })
}

impl Net {
    /// A client under `policy`, for everything but the issuance protocols: loopback only with the test setting
    /// (`allow_loopback_http`). Building the TLS client can fail only on a broken platform.
    pub fn new(policy: NetPolicy) -> Result<Self, NetError> {
        let allow_loopback = policy.allow_loopback_http;
        Self::build(policy, allow_loopback)
    }

    /// A client for talking to an issuer (offers, metadata, token, credential, exchanges): as [`Net::new`], and
    /// loopback addresses too when the learner allowed issuers on this computer
    /// ([`NetPolicy::allow_local_issuers`]).
    pub fn for_issuers(policy: NetPolicy) -> Result<Self, NetError> {
        let allow_loopback = policy.allow_loopback_http || policy.allow_local_issuers;
        Self::build(policy, allow_loopback)
    }

    fn build(policy: NetPolicy, allow_loopback: bool) -> Result<Self, NetError> {
        let client = if policy.offline {
            None
        } else {
            Some(build_client(
                &policy,
                allow_loopback,
                redirect_policy(allow_loopback),
            )?)
        };
        Ok(Self {
            policy,
            allow_loopback,
            client,
            post_client: std::sync::OnceLock::new(),
        })
    }

    /// A client that never touches the network.
    pub fn offline() -> Self {
        Self {
            policy: NetPolicy::offline(),
            allow_loopback: false,
            client: None,
            post_client: std::sync::OnceLock::new(),
        }
    }

    /// Whether this client would refuse `url` before any lookup or connection (scheme, literal address, name), and
    /// why. Names are checked again after resolution when a request is made.
    pub fn refusal(&self, url: &str) -> Option<String> {
        match self.target(url) {
            Err(NetError::Refused { reason, .. }) => Some(reason),
            Err(other) => Some(other.to_string()),
            Ok(_) => None,
        }
    }

    pub fn is_offline(&self) -> bool {
        self.client.is_none()
    }

    /// The URL actually requested (test routes applied, scheme and host checked), and the route used.
    fn target(&self, url: &str) -> Result<(url::Url, Option<usize>), NetError> {
        let mut target = url.to_owned();
        let mut route = None;
        for (i, (prefix, replacement)) in self.policy.test_routes.iter().enumerate() {
            if let Some(rest) = url.strip_prefix(prefix.as_str()) {
                target = format!("{replacement}{rest}");
                route = Some(i);
                break;
            }
        }
        let parsed = url::Url::parse(&target).map_err(|e| NetError::Refused {
            url: url.to_owned(),
            reason: format!("not a URL ({e})"),
        })?;
        check_url(&parsed, self.allow_loopback).map_err(|reason| NetError::Refused {
            url: url.to_owned(),
            reason,
        })?;
        Ok((parsed, route))
    }

    /// The address that served a response, in the names the caller used: `url` itself when there was no
    /// redirect, else the final URL with the test route undone (the route of the request first).
    fn served_as(&self, url: &str, target: &url::Url, served: &url::Url, route: Option<usize>) -> String {
        if served == target {
            return url.to_owned();
        }
        let served = served.as_str();
        let routes = &self.policy.test_routes;
        let order = route
            .into_iter()
            .chain((0..routes.len()).filter(|i| Some(*i) != route));
        for i in order {
            if let Some((prefix, replacement)) = routes.get(i) {
                if let Some(rest) = served.strip_prefix(replacement.as_str()) {
                    return format!("{prefix}{rest}");
                }
            }
        }
        served.to_owned()
    }

    /// GET `url` (JSON expected), through `cache`: offline → the cached copy; online → a fresh copy, cached;
    /// online but failing → the cached copy if there is one, else the error. A URL the policy refuses is refused
    /// in every case, cached or not.
    pub async fn fetch(&self, url: &str, cache: &dyn FetchCache) -> Result<Fetched, NetError> {
        let target = self.target(url)?;
        let Some(client) = &self.client else {
            return cache
                .get(url)
                .map(|resource| Fetched {
                    resource,
                    from_cache: true,
                })
                .ok_or_else(|| NetError::Offline { url: url.to_owned() });
        };
        match self.get(client, url, target).await {
            Ok(resource) => {
                cache.put(url, &resource);
                Ok(Fetched {
                    resource,
                    from_cache: false,
                })
            }
            Err(e @ NetError::Refused { .. }) => Err(e),
            Err(e) => match cache.get(url) {
                Some(resource) => Ok(Fetched {
                    resource,
                    from_cache: true,
                }),
                None => Err(e),
            },
        }
    }

    /// GET `url` without any cache, whatever the answer's status (an issuer's metadata, an offer by reference).
    /// Redirects are followed within the policy; [`Response::final_url`] says who answered.
    pub async fn fetch_fresh(&self, url: &str) -> Result<Response, NetError> {
        let (target, route) = self.target(url)?;
        let Some(client) = &self.client else {
            return Err(NetError::Offline { url: url.to_owned() });
        };
        let response = client
            .get(target.clone())
            .header(reqwest::header::ACCEPT, "application/json, */*;q=0.1")
            .send()
            .await
            .map_err(|e| self.failure(url, &e))?;
        let final_url = self.served_as(url, &target, response.url(), route);
        self.read(url, response, final_url).await
    }

    /// POST `body` to `url` (with `Authorization: Bearer <bearer>` when given), following no redirect. Any status
    /// comes back as a [`Response`]; a redirect is refused ([`POST_REDIRECT_REFUSED`]).
    pub async fn post(&self, url: &str, body: Body<'_>, bearer: Option<&str>) -> Result<Response, NetError> {
        let (target, _) = self.target(url)?;
        if self.client.is_none() {
            return Err(NetError::Offline { url: url.to_owned() });
        }
        let client = match self.post_client.get() {
            Some(c) => c,
            None => {
                let c = build_client(
                    &self.policy,
                    self.allow_loopback,
                    reqwest::redirect::Policy::none(),
                )?;
                self.post_client.get_or_init(|| c)
            }
        };
        let mut request = client
            .post(target)
            .header(reqwest::header::ACCEPT, "application/json, */*;q=0.1");
        request = match body {
            Body::Empty => request,
            Body::Json(v) => request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(serde_json::to_vec(v).map_err(|e| NetError::Transport {
                    url: url.to_owned(),
                    reason: e.to_string(),
                })?),
            Body::Form(pairs) => request
                .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(
                    url::form_urlencoded::Serializer::new(String::new())
                        .extend_pairs(pairs.iter())
                        .finish(),
                ),
        };
        if let Some(token) = bearer {
            request = request.header(reqwest::header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let response = request.send().await.map_err(|e| self.failure(url, &e))?;
        let status = response.status().as_u16();
        if (300..400).contains(&status) {
            return Err(NetError::Refused {
                url: url.to_owned(),
                reason: format!("{POST_REDIRECT_REFUSED} (HTTP {status}), which Carnet does not follow"),
            });
        }
        self.read(url, response, url.to_owned()).await
    }

    fn failure(&self, url: &str, e: &reqwest::Error) -> NetError {
        match refusal_in(e) {
            Some(reason) => NetError::Refused {
                url: url.to_owned(),
                reason,
            },
            None => NetError::Transport {
                url: url.to_owned(),
                reason: with_causes(e),
            },
        }
    }

    /// The whole body of `response`, within the size cap, with its status.
    async fn read(
        &self,
        url: &str,
        mut response: reqwest::Response,
        final_url: String,
    ) -> Result<Response, NetError> {
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let limit = self.policy.max_bytes;
        if response.content_length().is_some_and(|n| n > limit as u64) {
            return Err(NetError::TooLarge {
                url: url.to_owned(),
                limit,
            });
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.failure(url, &e))? {
            if body.len() + chunk.len() > limit {
                return Err(NetError::TooLarge {
                    url: url.to_owned(),
                    limit,
                });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Response {
            status,
            body,
            content_type,
            final_url,
        })
    }

    async fn get(
        &self,
        client: &reqwest::Client,
        url: &str,
        (target, route): (url::Url, Option<usize>),
    ) -> Result<CachedResource, NetError> {
        let failure = |e: reqwest::Error| match refusal_in(&e) {
            Some(reason) => NetError::Refused {
                url: url.to_owned(),
                reason,
            },
            None => NetError::Transport {
                url: url.to_owned(),
                reason: with_causes(&e),
            },
        };
        let mut response = client
            .get(target.clone())
            .header(
                reqwest::header::ACCEPT,
                "application/ld+json, application/json;q=0.9, */*;q=0.1",
            )
            .send()
            .await
            .map_err(failure)?;
        let final_url = self.served_as(url, &target, response.url(), route);
        let status = response.status().as_u16();
        if status != 200 && status != 410 {
            return Err(NetError::Status {
                url: url.to_owned(),
                status,
            });
        }
        let limit = self.policy.max_bytes;
        if response.content_length().is_some_and(|n| n > limit as u64) {
            return Err(NetError::TooLarge {
                url: url.to_owned(),
                limit,
            });
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(failure)? {
            if body.len() + chunk.len() > limit {
                return Err(NetError::TooLarge {
                    url: url.to_owned(),
                    limit,
                });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(CachedResource {
            status,
            body,
            fetched_at: OffsetDateTime::now_utc(),
            final_url: Some(final_url),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(net: &Net, url: &str) -> bool {
        matches!(net.target(url), Err(NetError::Refused { .. }))
    }

    #[test]
    fn only_https_unless_loopback_is_allowed_for_tests() {
        let net = Net::new(NetPolicy::default()).unwrap();
        assert!(net.target("https://example.org/x").is_ok());
        assert!(refused(&net, "http://example.org/x"));
        assert!(refused(&net, "http://127.0.0.1:9/x"));
        assert!(refused(&net, "https://127.0.0.1:9/x"));
        assert!(refused(&net, "file:///etc/passwd"));
        let test = Net::new(NetPolicy {
            allow_loopback_http: true,
            ..NetPolicy::default()
        })
        .unwrap();
        assert!(test.target("http://127.0.0.1:9/x").is_ok());
        assert!(test.target("http://[::1]:9/x").is_ok());
        assert!(refused(&test, "http://10.0.0.1/x"));
        assert!(refused(&test, "https://10.0.0.1/x"));
    }

    #[test]
    fn local_issuers_only_through_the_issuer_client_and_only_loopback() {
        let allowed = NetPolicy {
            allow_local_issuers: true,
            ..NetPolicy::default()
        };
        let issuers = Net::for_issuers(allowed.clone()).unwrap();
        for url in [
            "http://127.0.0.1:8787/x",
            "http://localhost:9/x",
            "http://[::1]:9/x",
            "https://127.0.0.1/",
        ] {
            assert!(issuers.target(url).is_ok(), "{url} was refused");
        }
        // Never the LAN, never plain http elsewhere.
        for url in [
            "http://192.168.1.10/x",
            "https://10.0.0.7/x",
            "https://[fd00::1]/x",
            "https://169.254.169.254/",
            "http://93.184.215.14/x",
            "http://issuer.example.org/x",
        ] {
            assert!(refused(&issuers, url), "{url} was not refused");
        }
        // The same policy gives the ordinary client (credentials' keys, status lists, pictures) no loopback.
        let ordinary = Net::new(allowed).unwrap();
        assert!(refused(&ordinary, "http://127.0.0.1:8787/x"));
        // And without the setting, the issuer client has none either.
        let default = Net::for_issuers(NetPolicy::default()).unwrap();
        assert!(refused(&default, "http://127.0.0.1:8787/x"));
        assert!(refused(&default, "http://localhost:8787/x"));
        assert!(default.refusal("https://issuer.example.org/x").is_none());
    }

    #[test]
    fn special_use_addresses_are_refused_however_written() {
        let net = Net::new(NetPolicy::default()).unwrap();
        for url in [
            "https://169.254.169.254/latest/meta-data/",
            "https://[fd00:ec2::254]/",
            "https://100.100.100.200/",
            "https://10.1.2.3/",
            "https://172.16.0.1/",
            "https://172.31.255.255/",
            "https://192.168.1.1/",
            "https://100.64.0.1/",
            "https://169.254.1.1/",
            "https://127.0.0.1/",
            "https://127.8.9.10/",
            "https://0.0.0.0/",
            "https://0.1.2.3/",
            "https://255.255.255.255/",
            "https://224.0.0.1/",
            "https://240.0.0.1/",
            "https://192.0.2.1/",
            "https://198.18.0.1/",
            "https://[::]/",
            "https://[::1]/",
            "https://[fc00::1]/",
            "https://[fdff::1]/",
            "https://[fe80::1]/",
            "https://[fec0::1]/",
            "https://[ff02::1]/",
            "https://[2001:db8::1]/",
            "https://[100::1]/",
            "https://[::10.0.0.1]/",
            // IPv4-mapped, NAT64 and 6to4 forms of refused IPv4 addresses.
            "https://[::ffff:10.0.0.1]/",
            "https://[::ffff:127.0.0.1]/",
            "https://[::ffff:169.254.169.254]/",
            "https://[::ffff:a9fe:a9fe]/",
            "https://[64:ff9b::a00:1]/",
            "https://[2002:a00:1::1]/",
            // The URL parser reads these as IPv4 addresses (decimal, hexadecimal, shortened).
            "https://2130706433/",
            "https://0x7f.1/",
            "https://0xa9fea9fe/",
            "https://10.1/",
            // Names.
            "https://metadata.google.internal/computeMetadata/v1/",
            "https://METADATA.GOOGLE.INTERNAL./",
            "https://metadata/",
            "https://db.corp.internal/",
            "https://printer.local/",
            "https://nas.home.arpa/",
            "https://intranet/",
        ] {
            assert!(refused(&net, url), "{url} was not refused");
        }
        for url in [
            "https://93.184.215.14/",
            "https://8.8.8.8/",
            "https://[2606:4700::1111]/",
            "https://[::ffff:8.8.8.8]/",
            "https://[64:ff9b::808:808]/",
            "https://issuer.example.org/",
            "https://localhost.example.org/",
        ] {
            assert!(net.target(url).is_ok(), "{url} was refused");
        }
    }

    #[test]
    fn loopback_is_allowed_only_by_the_test_setting() {
        for ip in ["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"] {
            let ip: IpAddr = ip.parse().unwrap();
            assert!(refused_address(ip, false).is_some(), "{ip}");
            assert_eq!(refused_address(ip, true), None, "{ip}");
        }
        for ip in ["10.0.0.1", "169.254.169.254", "::", "0.0.0.0", "fe80::1"] {
            let ip: IpAddr = ip.parse().unwrap();
            assert!(refused_address(ip, true).is_some(), "{ip}");
        }
    }

    /// A lookup that answers every name with the same addresses.
    #[derive(Debug)]
    struct Fixed(Vec<IpAddr>);

    impl Lookup for Fixed {
        fn lookup(&self, _: &str) -> LookupFuture {
            let ips = self.0.clone();
            Box::pin(async move { Ok(ips) })
        }
    }

    fn resolve(ips: &[&str], allow_loopback: bool) -> Result<Vec<IpAddr>, String> {
        use reqwest::dns::Resolve;
        let guard = Guard {
            lookup: Arc::new(Fixed(ips.iter().map(|i| i.parse().unwrap()).collect())),
            allow_loopback,
        };
        futures_executor::block_on(guard.resolve("issuer.example".parse().unwrap()))
            .map(|addrs| addrs.map(|a| a.ip()).collect())
            .map_err(|e| refusal_in(&*e).unwrap_or_else(|| format!("not a refusal: {e}")))
    }

    #[test]
    fn the_resolver_keeps_only_addresses_carnet_may_connect_to() {
        let mixed = [
            "10.0.0.5",
            "93.184.215.14",
            "fe80::1",
            "2606:4700::1111",
            "::ffff:192.168.1.1",
            "127.0.0.1",
        ];
        let public: Vec<IpAddr> = vec![
            "93.184.215.14".parse().unwrap(),
            "2606:4700::1111".parse().unwrap(),
        ];
        assert_eq!(resolve(&mixed, false), Ok(public.clone()));
        let mut with_loopback = public;
        with_loopback.push("127.0.0.1".parse().unwrap());
        assert_eq!(resolve(&mixed, true), Ok(with_loopback));
        let why = resolve(&["10.0.0.5", "169.254.169.254", "::1"], false).unwrap_err();
        assert_eq!(
            why,
            "issuer.example resolves to 10.0.0.5, a private address (10.0.0.0/8) (and 2 other refused addresses)"
        );
    }

    #[test]
    fn documents_speak_only_for_their_own_origin() {
        let res = |final_url: Option<&str>| CachedResource {
            status: 200,
            body: Vec::new(),
            fetched_at: OffsetDateTime::UNIX_EPOCH,
            final_url: final_url.map(str::to_owned),
        };
        let url = "https://issuer.example/profile";
        assert!(res(Some(url)).speaks_for(url));
        assert!(res(Some("https://issuer.example/profile/")).speaks_for(url));
        assert!(res(Some("https://issuer.example:443/other")).speaks_for(url));
        assert!(!res(Some("https://evil.example/profile")).speaks_for(url));
        assert!(!res(Some("https://issuer.example:8443/profile")).speaks_for(url));
        assert!(!res(Some("https://www.issuer.example/profile")).speaks_for(url));
        assert!(!res(Some("http://issuer.example/profile")).speaks_for(url));
        // Cached before the final address was kept: it speaks for nothing.
        assert!(!res(None).speaks_for(url));
        let old: CachedResource =
            serde_json::from_str(r#"{"status":200,"body":[],"fetched_at":"2024-01-01T00:00:00Z"}"#).unwrap();
        assert_eq!(old.final_url, None);
    }

    #[test]
    fn offline_answers_from_the_cache_only() {
        let cache = MemoryCache::new();
        let net = Net::offline();
        let err = futures_executor::block_on(net.fetch("https://example.org/k", &cache)).unwrap_err();
        assert_eq!(err.code(), "net.offline");
        let res = CachedResource {
            status: 200,
            body: b"{}".to_vec(),
            fetched_at: OffsetDateTime::UNIX_EPOCH,
            final_url: Some("https://example.org/k".into()),
        };
        cache.put("https://example.org/k", &res);
        let got = futures_executor::block_on(net.fetch("https://example.org/k", &cache)).unwrap();
        assert!(got.from_cache);
        assert_eq!(got.resource, res);
        // A refused address is refused even when a copy of it is cached.
        cache.put("https://10.0.0.1/k", &res);
        let err = futures_executor::block_on(net.fetch("https://10.0.0.1/k", &cache)).unwrap_err();
        assert_eq!(err.code(), "net.refused");
    }

    /// A lookup that must never be called.
    #[derive(Debug)]
    struct Never;

    impl Lookup for Never {
        fn lookup(&self, host: &str) -> LookupFuture {
            panic!("{host} was looked up")
        }
    }

    #[test]
    fn a_dot_invalid_name_is_never_looked_up_and_answers_from_the_cache() {
        assert!(never_resolves("demo.carnet.invalid"));
        assert!(never_resolves("DEMO.Carnet.INVALID."));
        assert!(!never_resolves("invalid.example.org"));
        assert!(!never_resolves("carnet-invalid.org"));
        let policy = NetPolicy {
            lookup: Some(Arc::new(Never)),
            ..NetPolicy::default()
        };
        let net = Net::new(policy).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let url = "https://demo.carnet.invalid/statut/liste-1";
        let cache = MemoryCache::new();
        let err = rt.block_on(net.fetch(url, &cache)).unwrap_err();
        assert_ne!(err.code(), "net.refused", "{err}");
        assert!(err.to_string().contains("never resolves"), "{err}");
        let res = CachedResource {
            status: 200,
            body: b"{}".to_vec(),
            fetched_at: OffsetDateTime::UNIX_EPOCH,
            final_url: Some(url.into()),
        };
        cache.put(url, &res);
        let got = rt.block_on(net.fetch(url, &cache)).unwrap();
        assert!(got.from_cache);
        assert_eq!(got.resource, res);
    }
}
