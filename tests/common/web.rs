//! A small HTTP/1.1 server on 127.0.0.1 for the web tests: fixed routes, conditional GET,
//! redirects, a server that never answers, bodies streamed lazily (a 1 GiB body is never in
//! memory, here or in the client), and a gzip bomb. No test touches the internet.

#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What a route answers.
#[derive(Clone)]
pub enum Reply {
    /// Status, headers, body.
    Fixed(u16, Vec<(String, String)>, Vec<u8>),
    /// 200 with an ETag and Last-Modified; 304 when the request carries either.
    Conditional {
        etag: String,
        content_type: String,
        body: Vec<u8>,
    },
    /// A redirect to another path (or URL).
    Redirect(u16, String),
    /// Accepts the connection, reads the request, never answers.
    Hang,
    /// `n` zero bytes, streamed with a Content-Length.
    Zeros(u64),
    /// A gzip stream that inflates to `n` MiB of zeros, generated as it is sent.
    GzipBomb(u64),
}

/// One request the server saw.
#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    pub headers: Vec<(String, String)>,
}

impl Seen {
    pub fn header(&self, k: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(k))
            .map(|(_, v)| v.as_str())
    }
}

pub struct Server {
    pub port: u16,
    routes: Arc<Mutex<HashMap<String, Reply>>>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    pub fn start() -> Server {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = l.local_addr().unwrap().port();
        let routes: Arc<Mutex<HashMap<String, Reply>>> = Arc::default();
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let (r, s) = (routes.clone(), seen.clone());
        std::thread::spawn(move || {
            for conn in l.incoming() {
                let Ok(conn) = conn else { continue };
                let (r, s) = (r.clone(), s.clone());
                std::thread::spawn(move || serve(conn, &r, &s));
            }
        });
        Server { port, routes, seen }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn route(&self, path: &str, reply: Reply) {
        self.routes.lock().unwrap().insert(path.to_owned(), reply);
    }

    /// A 200 with this content type.
    pub fn page(&self, path: &str, content_type: &str, body: impl Into<Vec<u8>>) {
        self.route(
            path,
            Reply::Fixed(
                200,
                vec![("Content-Type".into(), content_type.into())],
                body.into(),
            ),
        );
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    pub fn hits(&self, path: &str) -> usize {
        self.seen().iter().filter(|s| s.path == path).count()
    }
}

fn serve(conn: TcpStream, routes: &Mutex<HashMap<String, Reply>>, seen: &Mutex<Vec<Seen>>) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(20)));
    let mut r = BufReader::new(conn.try_clone().unwrap());
    let mut first = String::new();
    if r.read_line(&mut first).is_err() {
        return;
    }
    let path = first.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    let req = Seen { path, headers };
    seen.lock().unwrap().push(req.clone());
    let reply = routes.lock().unwrap().get(&req.path).cloned();
    let mut w = conn;
    let _ = match reply {
        None => head(&mut w, 404, &[], Some(9)).and_then(|_| w.write_all(b"not found")),
        Some(Reply::Fixed(status, hs, body)) => {
            head(&mut w, status, &hs, Some(body.len() as u64)).and_then(|_| w.write_all(&body))
        }
        Some(Reply::Conditional {
            etag,
            content_type,
            body,
        }) => {
            let lm = "Tue, 05 Mar 2024 02:20:00 GMT";
            // As RFC 9110 says: If-None-Match, when sent, decides alone.
            let fresh = match req.header("if-none-match") {
                Some(tag) => tag == etag,
                None => req.header("if-modified-since") == Some(lm),
            };
            if fresh {
                head(&mut w, 304, &[("ETag".into(), etag)], Some(0))
            } else {
                let hs = vec![
                    ("Content-Type".into(), content_type),
                    ("ETag".into(), etag),
                    ("Last-Modified".into(), lm.into()),
                ];
                head(&mut w, 200, &hs, Some(body.len() as u64)).and_then(|_| w.write_all(&body))
            }
        }
        Some(Reply::Redirect(status, to)) => {
            head(&mut w, status, &[("Location".into(), to)], Some(0))
        }
        Some(Reply::Hang) => {
            std::thread::sleep(Duration::from_secs(60));
            Ok(())
        }
        Some(Reply::Zeros(n)) => {
            let hs = vec![("Content-Type".into(), "text/html".into())];
            head(&mut w, 200, &hs, Some(n)).and_then(|_| {
                let chunk = vec![b' '; 64 * 1024];
                let mut left = n;
                while left > 0 {
                    let k = left.min(chunk.len() as u64) as usize;
                    w.write_all(&chunk[..k])?;
                    left -= k as u64;
                }
                Ok(())
            })
        }
        Some(Reply::GzipBomb(mib)) => {
            let hs = vec![
                ("Content-Type".into(), "text/html".into()),
                ("Content-Encoding".into(), "gzip".into()),
            ];
            head(&mut w, 200, &hs, None).and_then(|_| write_bomb(&mut w, mib))
        }
    };
}

fn head(
    w: &mut TcpStream,
    status: u16,
    headers: &[(String, String)],
    len: Option<u64>,
) -> std::io::Result<()> {
    let mut h = format!("HTTP/1.1 {status} X\r\nConnection: close\r\n");
    for (k, v) in headers {
        h.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some(n) = len {
        h.push_str(&format!("Content-Length: {n}\r\n"));
    }
    h.push_str("\r\n");
    w.write_all(h.as_bytes())
}

/// A gzip member inflating to `mib` MiB of spaces, about 1 KiB sent per MiB: the deflate
/// encoding of one MiB of spaces after a window of spaces is the same every time, so it is
/// computed once and repeated. Above 16 MiB the trailer's CRC is not that of the data (a
/// client that inflated it all would see a CRC error; ours stops at its limit long before).
fn write_bomb(w: &mut TcpStream, mib: u64) -> std::io::Result<()> {
    use flate2::{Compress, Compression, FlushCompress};
    let mut c = Compress::new(Compression::best(), false);
    let block = vec![b' '; 1 << 20];
    let mut run = |input: &[u8], flush| {
        let mut out = Vec::with_capacity(1 << 16);
        let mut inp = input;
        loop {
            out.reserve(1 << 16);
            let before_in = c.total_in();
            c.compress_vec(inp, &mut out, flush).unwrap();
            let used = (c.total_in() - before_in) as usize;
            inp = &inp[used..];
            if inp.is_empty() && out.len() < out.capacity() {
                break;
            }
        }
        out
    };
    let first = run(&block, FlushCompress::Sync);
    let second = run(&block, FlushCompress::Sync);
    let third = run(&block, FlushCompress::Sync);
    assert_eq!(second, third, "the repeated block must be stable");
    w.write_all(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 0xff])?;
    w.write_all(&first)?;
    for _ in 1..mib {
        w.write_all(&second)?;
    }
    w.write_all(&run(&[], FlushCompress::Finish))?;
    // The CRC of a small body is computed (a client reads it all); a bomb's is not.
    let crc = if mib <= 16 {
        let mut crc = flate2::Crc::new();
        for _ in 0..mib {
            crc.update(&block);
        }
        crc.sum()
    } else {
        0
    };
    w.write_all(&crc.to_le_bytes())?;
    w.write_all(&((mib << 20) as u32).to_le_bytes())
}

/// A fixture file under `tests/fixtures/web`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/web")
        .join(name)
}

pub fn read_fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}
