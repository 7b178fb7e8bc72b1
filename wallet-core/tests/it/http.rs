//! A real HTTP/1.1 server on 127.0.0.1 for verification tests: it plays issuers' web servers (key documents,
//! issuer profiles, status lists) so that `net` fetches real bytes over a real socket.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// What the server answers for a path: status and body. For a redirect status (301, 302, 303, 307, 308) the body
/// is the `Location` it answers with, and no body is sent.
pub type Routes = HashMap<String, (u16, Vec<u8>)>;

pub struct Server {
    /// `http://127.0.0.1:PORT`
    pub base: String,
    /// Every path requested, in order.
    pub hits: Arc<Mutex<Vec<String>>>,
}

/// Start serving `routes` on the current tokio runtime; unknown paths get 404.
pub async fn serve(routes: Routes) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let hits = Arc::new(Mutex::new(Vec::new()));
    let routes = Arc::new(routes);
    let seen = hits.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let routes = routes.clone();
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match sock.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&buf).to_string();
                let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
                seen.lock().unwrap().push(path.clone());
                let (status, mut body) = routes.get(&path).cloned().unwrap_or((404, b"not found".to_vec()));
                let reason = match status {
                    200 => "OK",
                    301 => "Moved Permanently",
                    302 => "Found",
                    303 => "See Other",
                    307 => "Temporary Redirect",
                    308 => "Permanent Redirect",
                    404 => "Not Found",
                    410 => "Gone",
                    _ => "Other",
                };
                let location = match status {
                    301..=303 | 307 | 308 => {
                        let to = String::from_utf8(std::mem::take(&mut body)).unwrap();
                        format!("Location: {to}\r\n")
                    }
                    _ => String::new(),
                };
                let head = format!(
                    "HTTP/1.1 {status} {reason}\r\n{location}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = sock.write_all(head.as_bytes()).await;
                let _ = sock.write_all(&body).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    Server { base, hits }
}

/// An address where nothing listens (bound, then released).
pub fn dead_base() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    drop(l);
    format!("http://{addr}")
}
