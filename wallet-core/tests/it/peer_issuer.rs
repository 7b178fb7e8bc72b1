//! The real peer issuer (../shared/interop/oid4vci/issuer.mjs, installed by scripts/peer-setup.sh under
//! CARNET_PEER_DIR/oid4vci) on a free 127.0.0.1 port, one per test: started, its JSON line read, fresh offers minted
//! through its `POST /offers` test-control endpoint, its request log read from stderr, killed when dropped (it also
//! stops by itself after its lifetime). And a man-in-the-middle proxy on 127.0.0.1 in front of it, for the cases a
//! well-behaved issuer never produces (an altered token, a credential bound to another DID, a stale nonce): the
//! issuer is started with `--public-url` = the proxy, so every address it publishes goes through the proxy.
//!
//! Shared by wallet-core's tests and the CLI's (`#[path]`); std, serde_json and wallet_core only.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

/// The installed issuer's folder, or `None` (test skipped) when there is none; CARNET_REQUIRE_PEER=1 makes its
/// absence a failure.
pub fn issuer_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("CARNET_PEER_DIR").map(|d| PathBuf::from(d).join("oid4vci"));
    match dir {
        Some(d) if d.join("node_modules").is_dir() && d.join("issuer.mjs").is_file() => Some(d),
        _ if std::env::var("CARNET_REQUIRE_PEER").as_deref() == Ok("1") => {
            panic!("CARNET_REQUIRE_PEER=1 but CARNET_PEER_DIR/oid4vci holds no installed issuer (run scripts/peer-setup.sh)")
        }
        _ => {
            eprintln!("skipped: no peer issuer (set CARNET_PEER_DIR from scripts/peer-setup.sh)");
            None
        }
    }
}

pub struct Issuer {
    child: Child,
    /// `http://127.0.0.1:PORT` where it listens.
    pub listen: String,
    /// Its identifier (`issuer_url`): `listen`, or the proxy's address.
    pub url: String,
    /// The JSON line it printed at start.
    pub start: Value,
    log: Arc<Mutex<Vec<String>>>,
    syncs: std::sync::atomic::AtomicUsize,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Issuer {
    /// Starts the issuer (`None`: no peer installed, test skipped).
    pub fn start() -> Option<Issuer> {
        Self::start_with(None)
    }

    /// Starts the issuer with `public_url` as its identifier (a proxy in front of it).
    pub fn start_with(public_url: Option<&str>) -> Option<Issuer> {
        let dir = issuer_dir()?;
        for _ in 0..5 {
            let port = free_port();
            let mut cmd = Command::new("node");
            cmd.arg(dir.join("issuer.mjs"))
                .args([&port.to_string(), "--lifetime", "120"])
                .current_dir(&dir)
                .env("ISSUER_LOG", "1")
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            if let Some(u) = public_url {
                cmd.args(["--public-url", u]);
            }
            let mut child = cmd.spawn().expect("node runs");
            let stdout = child.stdout.take().unwrap();
            let stderr = child.stderr.take().unwrap();
            let log = Arc::new(Mutex::new(Vec::new()));
            let sink = log.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    sink.lock().unwrap().push(line);
                }
            });
            let (tx, rx) = mpsc::channel();
            std::thread::spawn(move || {
                let mut line = String::new();
                let _ = BufReader::new(stdout).read_line(&mut line);
                let _ = tx.send(line);
            });
            let line = rx.recv_timeout(Duration::from_secs(30)).unwrap_or_default();
            match serde_json::from_str::<Value>(line.trim()) {
                Ok(start) => {
                    let url = start["issuer_url"].as_str().unwrap().to_owned();
                    return Some(Issuer {
                        child,
                        listen: format!("http://127.0.0.1:{port}"),
                        url,
                        start,
                        log,
                        syncs: std::sync::atomic::AtomicUsize::new(0),
                    });
                }
                Err(_) => {
                    // Most likely the port was taken in between: try another.
                    let _ = child.kill();
                    let _ = child.wait();
                    eprintln!("issuer did not start on {port}: {:?}", log.lock().unwrap());
                }
            }
        }
        panic!("the peer issuer did not start");
    }

    /// A fresh offer: `POST /offers` with `{"tx_code": …, "credential_configuration_ids": […]}`.
    pub fn offer(&self, tx_code: bool, formats: &[&str]) -> Value {
        let ids: Vec<String> = formats
            .iter()
            .map(|f| format!("OpenBadgeCredential_{f}"))
            .collect();
        let body = serde_json::json!({"tx_code": tx_code, "credential_configuration_ids": ids});
        let (status, body) = http(
            &self.listen,
            "POST",
            "/offers",
            &[("content-type", "application/json")],
            body.to_string().as_bytes(),
        );
        assert_eq!(status, 201, "{}", String::from_utf8_lossy(&body));
        serde_json::from_slice(&body).unwrap()
    }

    /// A fresh VC-API exchange: `{exchange_url, challenge, lcw_deep_link, lcw_deep_link_legacy}`.
    pub fn exchange(&self) -> Value {
        let (status, body) = http(&self.listen, "POST", "/exchanges", &[], b"");
        assert_eq!(status, 201);
        serde_json::from_slice(&body).unwrap()
    }

    /// The issuer's request log up to now (`POST /token -> 400 invalid_grant (1 ms)`, `issued ldp_vc to did:… (v1)`).
    /// The issuer writes a line after answering, so first a marker request is made and its line awaited: every
    /// line of an earlier request is then in.
    pub fn log(&self) -> Vec<String> {
        let marker = format!(
            "/sync-{}",
            self.syncs.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
        );
        let _ = http(&self.listen, "GET", &marker, &[], b"");
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            let lines = self.log.lock().unwrap().clone();
            if lines.iter().any(|l| l.contains(&format!("GET {marker} "))) {
                return lines.into_iter().filter(|l| !l.contains("/sync-")).collect();
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the issuer never logged {marker}"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Requests that reached the issuer, but the test's own control requests (`POST /offers`, `POST /exchanges`).
    pub fn requests(&self) -> Vec<String> {
        self.log()
            .into_iter()
            .filter(|l| l.contains(" -> ") && !l.contains("POST /offers ") && !l.contains("POST /exchanges "))
            .collect()
    }

    /// Log lines naming `what` (`POST /token`, `issued`).
    pub fn seen(&self, what: &str) -> Vec<String> {
        self.log().into_iter().filter(|l| l.contains(what)).collect()
    }
}

impl Drop for Issuer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 exchange on a fresh connection: (status, body). Enough for the issuer (Node sets Content-Length
/// and closes on `Connection: close`).
pub fn http(base: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, Vec<u8>) {
    let (status, _, body) = http_full(base, method, path, headers, body);
    (status, body)
}

fn http_full(
    base: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let host = base.trim_start_matches("http://");
    let mut s = TcpStream::connect(host).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split_whitespace()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"))
    {
        body = dechunk(&body);
    }
    (status, headers, body)
}

/// The body of a chunked transfer encoding.
fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = raw.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&raw[..eol])
                .split(';')
                .next()
                .unwrap()
                .trim(),
            16,
        )
        .unwrap();
        if size == 0 {
            break;
        }
        out.extend_from_slice(&raw[eol + 2..eol + 2 + size]);
        raw = &raw[eol + 2 + size + 2..];
    }
    out
}

/// A request as the proxy received it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// An answer as the proxy is about to send it.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

type RequestHook = dyn Fn(&mut Request) + Send + Sync;
type AnswerHook = dyn Fn(&Request, &mut Answer) + Send + Sync;

/// A proxy on 127.0.0.1 that forwards to `upstream` (set once the issuer runs), letting the test change requests
/// before they go and answers before they come back. Stops with the test process.
pub struct Proxy {
    pub url: String,
    upstream: Arc<Mutex<String>>,
}

impl Proxy {
    pub fn start(on_request: Arc<RequestHook>, on_answer: Arc<AnswerHook>) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let upstream = Arc::new(Mutex::new(String::new()));
        let up = upstream.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { return };
                let (on_request, on_answer, up) = (on_request.clone(), on_answer.clone(), up.clone());
                std::thread::spawn(move || {
                    let Some(mut req) = read_request(&mut conn) else {
                        return;
                    };
                    on_request(&mut req);
                    let base = up.lock().unwrap().clone();
                    let headers: Vec<(&str, &str)> = req
                        .headers
                        .iter()
                        .filter(|(k, _)| k == "content-type" || k == "authorization" || k == "accept")
                        .map(|(k, v)| (k.as_str(), v.as_str()))
                        .collect();
                    let (status, h, body) = http_full(&base, &req.method, &req.path, &headers, &req.body);
                    let mut answer = Answer {
                        status,
                        content_type: h
                            .iter()
                            .find(|(k, _)| k == "content-type")
                            .map(|(_, v)| v.clone()),
                        body,
                    };
                    on_answer(&req, &mut answer);
                    let ct = answer
                        .content_type
                        .as_deref()
                        .map(|c| format!("Content-Type: {c}\r\n"))
                        .unwrap_or_default();
                    let head = format!(
                        "HTTP/1.1 {} X\r\n{ct}Content-Length: {}\r\nConnection: close\r\n\r\n",
                        answer.status,
                        answer.body.len()
                    );
                    let _ = conn.write_all(head.as_bytes());
                    let _ = conn.write_all(&answer.body);
                });
            }
        });
        Proxy { url, upstream }
    }

    pub fn forward_to(&self, base: &str) {
        *self.upstream.lock().unwrap() = base.to_owned();
    }
}

fn read_request(conn: &mut TcpStream) -> Option<Request> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let split = loop {
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p;
        }
        let n = conn.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..split]).to_string();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split_whitespace();
    let method = first.next()?.to_owned();
    let path = first.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[split + 4..].to_vec();
    while body.len() < len {
        let n = conn.read(&mut chunk).ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Request {
        method,
        path,
        headers,
        body,
    })
}

/// base64url (no padding) decoding, for reading JWTs in tests.
pub fn b64url_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' | b'+' => 62,
        _ => 63,
    };
    let bytes: Vec<u8> = s.bytes().filter(|c| *c != b'=').map(val).collect();
    let mut out = Vec::new();
    for chunk in bytes.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, v)| acc | (u32::from(*v) << (18 - 6 * i)));
        let take = chunk.len().saturating_sub(1);
        for i in 0..take {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    out
}

/// The payload of a compact JWT.
pub fn jwt_payload(jwt: &str) -> Value {
    serde_json::from_slice(&b64url_decode(jwt.split('.').nth(1).unwrap())).unwrap()
}

/// The subject DID of stored credential bytes: `credentialSubject.id` of a JSON-LD credential, or of a VC-JWT's
/// payload (`vc.credentialSubject.id`, else the payload's own, else `sub`).
pub fn subject_of(bytes: &[u8]) -> String {
    let text = std::str::from_utf8(bytes).unwrap().trim();
    let doc: Value = if text.starts_with('{') {
        serde_json::from_str(text).unwrap()
    } else {
        jwt_payload(text)
    };
    let cred = doc.get("vc").unwrap_or(&doc);
    cred["credentialSubject"]["id"]
        .as_str()
        .or_else(|| doc["sub"].as_str())
        .unwrap()
        .to_owned()
}

/// `wallet-core`'s kind of JWT for a stored credential: "jwt" for a compact JWT, "json" for JSON-LD.
pub fn shape_of(bytes: &[u8]) -> &'static str {
    if bytes.trim_ascii_start().starts_with(b"{") {
        "json"
    } else {
        "jwt"
    }
}

/// A JSON body changed by `f` (left alone when it is not JSON).
pub fn edit_json(body: &mut Vec<u8>, f: impl FnOnce(&mut Value)) {
    if let Ok(mut v) = serde_json::from_slice::<Value>(body) {
        f(&mut v);
        *body = serde_json::to_vec(&v).unwrap();
    }
}
