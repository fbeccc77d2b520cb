//! HTTP, carefully: only `http`/`https`, a user agent naming zhiku, timeouts, at most
//! [`NetConfig::max_redirects`] redirects with loop detection, a body limit counted after
//! decompression, proxies from the environment the way curl reads them. Nothing fetched is
//! ever executed: the bytes go to the charset decoder and the HTML parser, nothing else.

use std::collections::HashMap;
use std::io::Read;
use std::sync::Mutex;
use std::time::Duration;

use ureq::Agent;
use ureq::http::StatusCode;
use url::Url;

/// Limits and timeouts of every request; tests shorten them.
#[derive(Debug, Clone)]
pub struct NetConfig {
    pub connect_timeout: Duration,
    /// The whole exchange: connect, headers and body.
    pub timeout: Duration,
    /// Largest body accepted, counted after gzip/deflate/brotli decoding.
    pub max_body: u64,
    pub max_redirects: u32,
    pub user_agent: String,
}

impl Default for NetConfig {
    fn default() -> Self {
        NetConfig {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            max_body: 10 * 1024 * 1024,
            max_redirects: 5,
            user_agent: format!(
                "zhiku/{} (terminal reader of saved articles)",
                env!("CARGO_PKG_VERSION")
            ),
        }
    }
}

/// Why a fetch failed; every variant names the URL.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FetchError {
    #[error("{url}: not a web address (only http and https are fetched)")]
    Scheme { url: String },
    #[error("{url}: not a valid URL: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("{url}: HTTP {status}{}", reason_suffix(*.status))]
    Status { url: String, status: u16 },
    #[error("{url}: more than {limit} redirects")]
    TooManyRedirects { url: String, limit: u32 },
    #[error("{url}: redirect loop (it leads back to {back})")]
    RedirectLoop { url: String, back: String },
    #[error("{url}: redirect without a Location")]
    BadRedirect { url: String },
    #[error("{url}: response larger than {} MiB (after decompression); refused", .limit >> 20)]
    TooLarge { url: String, limit: u64 },
    #[error("{url}: timed out (no answer within {secs} s)")]
    Timeout { url: String, secs: u64 },
    #[error("{url}: {reason}")]
    Network { url: String, reason: String },
}

fn reason_suffix(status: u16) -> String {
    StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .map(|r| format!(" {r}"))
        .unwrap_or_default()
}

/// Validators of an earlier response, for a conditional GET.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// A successful response (2xx or, for a conditional GET, 304).
#[derive(Debug, Clone)]
pub struct Response {
    /// Where the body came from, after redirects.
    pub url: Url,
    pub status: u16,
    pub content_type: Option<String>,
    /// The `charset` parameter of `Content-Type`.
    pub charset: Option<String>,
    pub validators: Validators,
    /// Decoded (decompressed) body; empty for a 304.
    pub body: Vec<u8>,
}

impl Response {
    pub fn not_modified(&self) -> bool {
        self.status == 304
    }
}

/// Parses `s` as a URL to fetch: http or https with a host, nothing else.
pub fn web_url(s: &str) -> Result<Url, FetchError> {
    let t = s.trim();
    let mut u = Url::parse(t).map_err(|e| FetchError::BadUrl {
        url: t.to_owned(),
        reason: e.to_string(),
    })?;
    if !matches!(u.scheme(), "http" | "https") {
        return Err(FetchError::Scheme { url: t.to_owned() });
    }
    if u.host_str().is_none_or(str::is_empty) {
        return Err(FetchError::BadUrl {
            url: t.to_owned(),
            reason: "no host".into(),
        });
    }
    u.set_fragment(None);
    Ok(u)
}

/// An HTTP client: one agent per proxy in use (connections are pooled within each).
pub struct Client {
    cfg: NetConfig,
    agents: Mutex<HashMap<Option<String>, Agent>>,
    proxies: ProxyEnv,
}

impl Client {
    /// A client with proxies from the environment.
    pub fn new(cfg: NetConfig) -> Client {
        Client::with_proxies(cfg, ProxyEnv::from_env())
    }

    pub fn with_proxies(cfg: NetConfig, proxies: ProxyEnv) -> Client {
        Client {
            cfg,
            agents: Mutex::new(HashMap::new()),
            proxies,
        }
    }

    pub fn config(&self) -> &NetConfig {
        &self.cfg
    }

    fn agent(&self, url: &Url) -> Result<Agent, FetchError> {
        let proxy = self.proxies.for_url(url);
        let mut agents = self.agents.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(a) = agents.get(&proxy) {
            return Ok(a.clone());
        }
        let p = match &proxy {
            Some(p) => Some(ureq::Proxy::new(p).map_err(|e| FetchError::Network {
                url: url.to_string(),
                reason: format!("proxy {p}: {e}"),
            })?),
            None => None,
        };
        let agent: Agent = Agent::config_builder()
            .user_agent(self.cfg.user_agent.as_str())
            .timeout_connect(Some(self.cfg.connect_timeout))
            .timeout_global(Some(self.cfg.timeout))
            // Redirects are followed here, one by one, so each target is checked (scheme, loop).
            .max_redirects(0)
            .http_status_as_error(false)
            .proxy(p)
            .build()
            .into();
        agents.insert(proxy, agent.clone());
        Ok(agent)
    }

    /// GETs `url`, following redirects; with `cond`, a 304 is a success with an empty body.
    pub fn get(&self, url: &Url, cond: Option<&Validators>) -> Result<Response, FetchError> {
        let mut current = web_url(url.as_str())?;
        let mut seen = vec![current.to_string()];
        let mut hops = 0;
        loop {
            let agent = self.agent(&current)?;
            let mut req = agent.get(current.as_str());
            if let Some(v) = cond {
                if let Some(e) = &v.etag {
                    req = req.header("If-None-Match", e);
                }
                if let Some(m) = &v.last_modified {
                    req = req.header("If-Modified-Since", m);
                }
            }
            req = req.header(
                "Accept",
                "text/html,application/xhtml+xml,application/xml;q=0.9,application/rss+xml,application/atom+xml,application/feed+json,*/*;q=0.8",
            );
            let mut resp = req.call().map_err(|e| self.error(&current, e))?;
            let status = resp.status().as_u16();
            if (300..400).contains(&status) && status != 304 {
                let loc = resp
                    .headers()
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                    .ok_or_else(|| FetchError::BadRedirect {
                        url: current.to_string(),
                    })?;
                let next = current.join(loc).map_err(|e| FetchError::BadUrl {
                    url: loc.to_owned(),
                    reason: e.to_string(),
                })?;
                let next = web_url(next.as_str())?;
                if seen.contains(&next.to_string()) {
                    return Err(FetchError::RedirectLoop {
                        url: url.to_string(),
                        back: next.to_string(),
                    });
                }
                hops += 1;
                if hops > self.cfg.max_redirects {
                    return Err(FetchError::TooManyRedirects {
                        url: url.to_string(),
                        limit: self.cfg.max_redirects,
                    });
                }
                seen.push(next.to_string());
                current = next;
                continue;
            }
            if !(200..300).contains(&status) && status != 304 {
                return Err(FetchError::Status {
                    url: current.to_string(),
                    status,
                });
            }
            let header = |k: &str| {
                resp.headers()
                    .get(k)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            };
            let ctype = header("content-type");
            let encoding = header("content-encoding").map(|e| e.trim().to_ascii_lowercase());
            let validators = Validators {
                etag: header("etag"),
                last_modified: header("last-modified"),
            };
            let (content_type, charset) = split_content_type(ctype.as_deref());
            let body = if status == 304 {
                Vec::new()
            } else {
                let raw = resp
                    .body_mut()
                    .with_config()
                    .limit(self.cfg.max_body)
                    .read_to_vec()
                    .map_err(|e| self.error(&current, e))?;
                match encoding.as_deref() {
                    // ureq decodes gzip and brotli itself (inside its limit); deflate is ours.
                    Some("deflate") => {
                        inflate(&raw, self.cfg.max_body).ok_or_else(|| FetchError::TooLarge {
                            url: current.to_string(),
                            limit: self.cfg.max_body,
                        })?
                    }
                    _ => raw,
                }
            };
            return Ok(Response {
                url: current,
                status,
                content_type,
                charset,
                validators,
                body,
            });
        }
    }

    fn error(&self, url: &Url, e: ureq::Error) -> FetchError {
        let url = url.to_string();
        match e {
            ureq::Error::Timeout(_) => FetchError::Timeout {
                url,
                secs: self.cfg.timeout.as_secs().max(1),
            },
            ureq::Error::BodyExceedsLimit(_) => FetchError::TooLarge {
                url,
                limit: self.cfg.max_body,
            },
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => {
                FetchError::Timeout {
                    url,
                    secs: self.cfg.timeout.as_secs().max(1),
                }
            }
            ureq::Error::HostNotFound => FetchError::Network {
                url,
                reason: "host not found".into(),
            },
            ureq::Error::ConnectionFailed => FetchError::Network {
                url,
                reason: "connection failed".into(),
            },
            other => FetchError::Network {
                url,
                reason: other.to_string(),
            },
        }
    }
}

/// Inflates a zlib or raw deflate body, refusing more than `limit` bytes of output.
fn inflate(raw: &[u8], limit: u64) -> Option<Vec<u8>> {
    let read = |r: &mut dyn Read| -> Option<Vec<u8>> {
        let mut out = Vec::new();
        r.take(limit + 1).read_to_end(&mut out).ok()?;
        Some(out)
    };
    let out = read(&mut flate2::read::ZlibDecoder::new(raw))
        .or_else(|| read(&mut flate2::read::DeflateDecoder::new(raw)))?;
    (out.len() as u64 <= limit).then_some(out)
}

/// `text/html; charset=gbk` → (`text/html`, `gbk`).
fn split_content_type(v: Option<&str>) -> (Option<String>, Option<String>) {
    let Some(v) = v else { return (None, None) };
    let mut parts = v.split(';');
    let mime = parts
        .next()
        .map(|m| m.trim().to_ascii_lowercase())
        .filter(|m| !m.is_empty());
    let charset = parts.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches(['"', '\'']).to_owned())
    });
    (mime, charset)
}

/// Proxies as curl reads them: `http_proxy` for http URLs (lower case; `HTTP_PROXY` too),
/// `HTTPS_PROXY`/`https_proxy` for https, `ALL_PROXY`/`all_proxy` for either, and `NO_PROXY`
/// (`no_proxy`): hosts or domain suffixes separated by commas, `*` for all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProxyEnv {
    pub http: Option<String>,
    pub https: Option<String>,
    pub all: Option<String>,
    pub no_proxy: Vec<String>,
}

impl ProxyEnv {
    pub fn from_env() -> ProxyEnv {
        ProxyEnv::from_lookup(|k| std::env::var(k).ok())
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> ProxyEnv {
        let pick = |names: &[&str]| {
            names
                .iter()
                .find_map(|n| get(n).filter(|v| !v.trim().is_empty()))
                .map(|v| v.trim().to_owned())
        };
        ProxyEnv {
            http: pick(&["http_proxy", "HTTP_PROXY"]),
            https: pick(&["https_proxy", "HTTPS_PROXY"]),
            all: pick(&["all_proxy", "ALL_PROXY"]),
            no_proxy: pick(&["no_proxy", "NO_PROXY"])
                .map(|v| {
                    v.split(',')
                        .map(|s| s.trim().to_ascii_lowercase())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// The proxy for `url`, or `None` for a direct connection.
    pub fn for_url(&self, url: &Url) -> Option<String> {
        let host = url
            .host_str()?
            .trim_matches(['[', ']'])
            .to_ascii_lowercase();
        let bypass = self.no_proxy.iter().any(|np| {
            if np == "*" {
                return true;
            }
            // `example.com:8080` entries name a port; curl compares the host part.
            let np = np.rsplit_once(':').map_or(np.as_str(), |(h, p)| {
                if p.chars().all(|c| c.is_ascii_digit()) && !h.contains(':') {
                    h
                } else {
                    np.as_str()
                }
            });
            let np = np.trim_start_matches("*.").trim_start_matches('.');
            host == np || host.ends_with(&format!(".{np}"))
        });
        if bypass {
            return None;
        }
        let specific = match url.scheme() {
            "https" => self.https.clone(),
            _ => self.http.clone(),
        };
        specific.or_else(|| self.all.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_and_https() {
        for bad in [
            "file:///etc/passwd",
            "javascript:alert(1)",
            "data:text/html,<p>x</p>",
            "ftp://example.com/x",
        ] {
            assert!(
                matches!(web_url(bad), Err(FetchError::Scheme { .. })),
                "{bad}"
            );
        }
        assert!(matches!(
            web_url("not a url"),
            Err(FetchError::BadUrl { .. })
        ));
        assert_eq!(
            web_url(" https://Example.com/a#frag ").unwrap().as_str(),
            "https://example.com/a"
        );
    }

    #[test]
    fn proxies_like_curl() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            ProxyEnv::from_lookup(move |k| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            })
        };
        let p = env(&[
            ("HTTPS_PROXY", "http://secure:3128"),
            ("http_proxy", "http://plain:3128"),
            ("NO_PROXY", "localhost,.internal.cn, example.org:8080"),
        ]);
        let u = |s: &str| Url::parse(s).unwrap();
        assert_eq!(
            p.for_url(&u("https://blog.csdn.net/")).as_deref(),
            Some("http://secure:3128")
        );
        assert_eq!(
            p.for_url(&u("http://blog.csdn.net/")).as_deref(),
            Some("http://plain:3128")
        );
        assert_eq!(p.for_url(&u("http://localhost:8000/")), None);
        assert_eq!(p.for_url(&u("https://wiki.internal.cn/")), None);
        assert_eq!(p.for_url(&u("https://internal.cn/")), None);
        assert_eq!(p.for_url(&u("https://example.org/")), None);
        assert!(p.for_url(&u("https://notinternal.cn/")).is_some());
        let all = env(&[("ALL_PROXY", "socks5://s:1080"), ("no_proxy", "*")]);
        assert_eq!(all.for_url(&u("https://a.b/")), None);
        let all = env(&[("ALL_PROXY", "socks5://s:1080")]);
        assert_eq!(
            all.for_url(&u("https://a.b/")).as_deref(),
            Some("socks5://s:1080")
        );
    }

    #[test]
    fn content_type_parameters() {
        assert_eq!(
            split_content_type(Some("text/HTML; Charset=\"GBK\"")),
            (Some("text/html".into()), Some("GBK".into()))
        );
        assert_eq!(split_content_type(None), (None, None));
    }

    #[test]
    fn deflate_is_bounded() {
        use std::io::Write;
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(&vec![0u8; 1 << 20]).unwrap();
        let z = e.finish().unwrap();
        assert_eq!(inflate(&z, 1 << 20).map(|v| v.len()), Some(1 << 20));
        assert_eq!(inflate(&z, 1000), None);
    }
}
