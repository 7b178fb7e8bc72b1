//! The one way Carnet's engine reads the network: https GETs with timeouts and size caps, an offline switch,
//! and a cache of what was fetched with its date, so a later offline check can still say "as of …".

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use time::OffsetDateTime;

/// Default cap on one fetched document (issuer profiles, key documents, status lists are small).
pub const DEFAULT_MAX_BYTES: usize = 2 * 1024 * 1024;
/// Default time allowed for one request, connection included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a document could not be had.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NetError {
    /// Network use is switched off and nothing is cached for this URL.
    #[error("offline and {url} was never fetched")]
    Offline { url: String },
    /// The URL is not one Carnet will fetch (not https; plain http only to loopback with the test setting).
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

/// How the engine may use the network.
#[derive(Debug, Clone)]
pub struct NetPolicy {
    /// No request at all: only the cache answers.
    pub offline: bool,
    pub timeout: Duration,
    pub max_bytes: usize,
    /// Allow plain http to 127.0.0.1 / localhost / ::1. Test setting only: a real issuer is https.
    pub allow_loopback_http: bool,
    /// Test-only URL prefix rewrites (e.g. `https://issuer.example/` → `http://127.0.0.1:PORT/`), so tests can
    /// serve real documents for the hosts named in fixtures. Empty in the product.
    pub test_routes: Vec<(String, String)>,
}

impl Default for NetPolicy {
    fn default() -> Self {
        Self {
            offline: false,
            timeout: DEFAULT_TIMEOUT,
            max_bytes: DEFAULT_MAX_BYTES,
            allow_loopback_http: false,
            test_routes: Vec::new(),
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

/// 127.0.0.1, ::1 or localhost.
fn is_loopback(url: &url::Url) -> bool {
    matches!(
        url.host(),
        Some(url::Host::Domain("localhost"))
            | Some(url::Host::Ipv4(std::net::Ipv4Addr::LOCALHOST))
            | Some(url::Host::Ipv6(std::net::Ipv6Addr::LOCALHOST))
    )
}

/// Follow at most 5 redirects, and only to https (or, with the test setting, loopback http): a redirect must not
/// lead a fetch somewhere `Net::target` would have refused.
fn redirect_policy(allow_loopback_http: bool) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
        let url = attempt.url();
        let loopback = is_loopback(url);
        let allowed = url.scheme() == "https" || (allow_loopback_http && loopback && url.scheme() == "http");
        if attempt.previous().len() >= 5 {
            attempt.error("too many redirects")
        } else if !allowed {
            let to = url.to_string();
            attempt.error(format!("redirected to {to}, which is not https"))
        } else {
            attempt.follow()
        }
    })
}

/// The HTTP client.
#[derive(Debug, Clone)]
pub struct Net {
    policy: NetPolicy,
    client: Option<reqwest::Client>,
}

impl Net {
    /// A client under `policy`. Building the TLS client can fail only on a broken platform.
    pub fn new(policy: NetPolicy) -> Result<Self, NetError> {
        let client = if policy.offline {
            None
        } else {
            Some(
                reqwest::Client::builder()
                    .timeout(policy.timeout)
                    .connect_timeout(policy.timeout)
                    .redirect(redirect_policy(policy.allow_loopback_http))
                    .user_agent(concat!("Carnet/", env!("CARGO_PKG_VERSION")))
                    .build()
                    .map_err(|e| NetError::Transport {
                        url: String::new(),
                        reason: e.to_string(),
                    })?,
            )
        };
        Ok(Self { policy, client })
    }

    /// A client that never touches the network.
    pub fn offline() -> Self {
        Self {
            policy: NetPolicy::offline(),
            client: None,
        }
    }

    pub fn is_offline(&self) -> bool {
        self.client.is_none()
    }

    /// The URL actually requested: test routes applied, scheme and host checked.
    fn target(&self, url: &str) -> Result<String, NetError> {
        let mut target = url.to_owned();
        for (prefix, replacement) in &self.policy.test_routes {
            if let Some(rest) = url.strip_prefix(prefix.as_str()) {
                target = format!("{replacement}{rest}");
                break;
            }
        }
        let parsed = url::Url::parse(&target).map_err(|e| NetError::Refused {
            url: url.to_owned(),
            reason: format!("not a URL ({e})"),
        })?;
        let loopback = is_loopback(&parsed);
        match parsed.scheme() {
            "https" => Ok(target),
            "http" if loopback && self.policy.allow_loopback_http => Ok(target),
            "http" => Err(NetError::Refused {
                url: url.to_owned(),
                reason: "only https is fetched".into(),
            }),
            other => Err(NetError::Refused {
                url: url.to_owned(),
                reason: format!("scheme {other} is not fetched"),
            }),
        }
    }

    /// GET `url` (JSON expected), through `cache`: offline → the cached copy; online → a fresh copy, cached;
    /// online but failing → the cached copy if there is one, else the error.
    pub async fn fetch(&self, url: &str, cache: &dyn FetchCache) -> Result<Fetched, NetError> {
        let Some(client) = &self.client else {
            return cache
                .get(url)
                .map(|resource| Fetched {
                    resource,
                    from_cache: true,
                })
                .ok_or_else(|| NetError::Offline { url: url.to_owned() });
        };
        match self.get(client, url).await {
            Ok(resource) => {
                cache.put(url, &resource);
                Ok(Fetched {
                    resource,
                    from_cache: false,
                })
            }
            Err(e) => match cache.get(url) {
                Some(resource) => Ok(Fetched {
                    resource,
                    from_cache: true,
                }),
                None => Err(e),
            },
        }
    }

    async fn get(&self, client: &reqwest::Client, url: &str) -> Result<CachedResource, NetError> {
        let target = self.target(url)?;
        let transport = |e: reqwest::Error| NetError::Transport {
            url: url.to_owned(),
            reason: e.to_string(),
        };
        let mut response = client
            .get(&target)
            .header(
                reqwest::header::ACCEPT,
                "application/ld+json, application/json;q=0.9, */*;q=0.1",
            )
            .send()
            .await
            .map_err(transport)?;
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
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
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
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_unless_loopback_is_allowed_for_tests() {
        let net = Net::new(NetPolicy::default()).unwrap();
        assert!(net.target("https://example.org/x").is_ok());
        assert!(matches!(
            net.target("http://example.org/x"),
            Err(NetError::Refused { .. })
        ));
        assert!(matches!(
            net.target("http://127.0.0.1:9/x"),
            Err(NetError::Refused { .. })
        ));
        assert!(matches!(
            net.target("file:///etc/passwd"),
            Err(NetError::Refused { .. })
        ));
        let test = Net::new(NetPolicy {
            allow_loopback_http: true,
            ..NetPolicy::default()
        })
        .unwrap();
        assert!(test.target("http://127.0.0.1:9/x").is_ok());
        assert!(matches!(
            test.target("http://10.0.0.1/x"),
            Err(NetError::Refused { .. })
        ));
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
        };
        cache.put("https://example.org/k", &res);
        let got = futures_executor::block_on(net.fetch("https://example.org/k", &cache)).unwrap();
        assert!(got.from_cache);
        assert_eq!(got.resource, res);
    }
}
