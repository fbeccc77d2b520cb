//! A feed's bytes (RSS 0.9–2.0, Atom, JSON Feed, through feed-rs) into items, each with a
//! stable key: its guid, else its link, else a hash of its title and content. The XML parser
//! resolves only the five predefined entities and character references, so an entity bomb
//! (billion laughs) stays a few bytes of text.

use chrono::{DateTime, FixedOffset};
use sha2::{Digest, Sha256};
use url::Url;

use super::charset;

/// Items taken from one fetch of one feed (the rest are reported, not stored).
pub const MAX_ITEMS: usize = 1000;

/// How an item is identified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Guid,
    Link,
    Hash,
}

/// One item of a feed.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub key: String,
    pub key_kind: KeyKind,
    pub link: Option<Url>,
    pub title: Option<String>,
    /// Content (else summary) as HTML.
    pub html: String,
    pub summary: Option<String>,
    pub author: Option<String>,
    pub published: Option<DateTime<FixedOffset>>,
    pub updated: Option<DateTime<FixedOffset>>,
    /// Hash of what the item says: a changed hash is an updated item.
    pub hash: String,
}

/// A parsed feed.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub title: Option<String>,
    pub items: Vec<Item>,
    /// Items the feed listed (before duplicates and the cap were taken out).
    pub listed: usize,
    /// Anything worth telling the user: duplicates, items without guid or link, the cap.
    pub notes: Vec<String>,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses a feed fetched from `url`; `charset` is the HTTP header's.
pub fn parse(bytes: &[u8], charset_header: Option<&str>, url: &Url) -> Result<Parsed, String> {
    let text = charset::decode(bytes, charset_header).text;
    // The text is UTF-8 now: a declaration naming another encoding must not be believed again.
    let text = strip_xml_encoding(&text);
    let parser = feed_rs::parser::Builder::new()
        .base_uri(Some(url.as_str()))
        // No invented ids: an item without a guid is identified here, and reported.
        .id_generator(|_, _, _| String::new())
        .sanitize_content(false)
        .build();
    let feed = parser.parse(text.as_bytes()).map_err(|e| {
        if let Some(xml) = xml_error(&text) {
            return xml;
        }
        match e {
            feed_rs::parser::ParseFeedError::ParseError(k) => format!("not a feed: {k}"),
            feed_rs::parser::ParseFeedError::XmlReader(e) => format!("invalid XML: {e}"),
            feed_rs::parser::ParseFeedError::JsonSerde(e) => format!("invalid JSON Feed: {e}"),
            other => format!("not a feed: {other}"),
        }
    })?;
    let title = feed
        .title
        .map(|t| t.content.trim().to_owned())
        .filter(|t| !t.is_empty());
    let listed = feed.entries.len();
    let mut items = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let (mut dups, mut hashed, mut empty) = (0usize, 0usize, 0usize);
    for e in feed.entries {
        if items.len() == MAX_ITEMS {
            break;
        }
        let link = pick_link(&e.links, url);
        let title = e
            .title
            .as_ref()
            .map(|t| t.content.trim().to_owned())
            .filter(|t| !t.is_empty());
        let as_html = |content_type: &str, body: &str| {
            if content_type.contains("html") || content_type.contains("xml") {
                body.to_owned()
            } else {
                plain_to_html(body)
            }
        };
        let summary_html = e
            .summary
            .as_ref()
            .map(|s| as_html(s.content_type.as_ref(), &s.content))
            .filter(|s| !s.trim().is_empty());
        let content_html = e
            .content
            .as_ref()
            .and_then(|c| c.body.as_ref().map(|b| as_html(c.content_type.as_ref(), b)))
            .filter(|s| !s.trim().is_empty());
        let html = content_html.or(summary_html.clone()).unwrap_or_default();
        let basis = format!(
            "{}\u{1f}{}\u{1f}{}",
            title.as_deref().unwrap_or(""),
            link.as_ref().map(Url::as_str).unwrap_or(""),
            html
        );
        let hash = hex(&Sha256::digest(basis.as_bytes())[..12]);
        let guid = e.id.trim();
        let (key, key_kind) = if !guid.is_empty() {
            (guid.to_owned(), KeyKind::Guid)
        } else if let Some(l) = &link {
            (l.to_string(), KeyKind::Link)
        } else if title.is_none() && html.trim().is_empty() {
            empty += 1;
            continue;
        } else {
            hashed += 1;
            (format!("sha256:{hash}"), KeyKind::Hash)
        };
        if !seen.insert(key.clone()) {
            dups += 1;
            continue;
        }
        // feed-rs keeps the instant, not the offset: shown in China's, as imports are.
        let date = |d: Option<chrono::DateTime<chrono::Utc>>| {
            d.map(|d| d.with_timezone(&crate::import::record::china_offset()))
        };
        items.push(Item {
            key,
            key_kind,
            link,
            title,
            html,
            summary: e
                .summary
                .map(|s| crate::text::plain::strip_markup(&s.content))
                .filter(|s| !s.trim().is_empty()),
            author: e
                .authors
                .into_iter()
                .find_map(|p| p.name.filter(|n| !n.trim().is_empty())),
            published: date(e.published).or(date(e.updated)),
            updated: date(e.updated),
            hash,
        });
    }
    let mut notes = Vec::new();
    if listed > MAX_ITEMS && items.len() == MAX_ITEMS {
        notes.push(format!(
            "the feed lists {listed} items; the first {MAX_ITEMS} were taken"
        ));
    }
    if dups > 0 {
        notes.push(format!(
            "{dups} items repeat an earlier item's guid or link; the first of each was kept"
        ));
    }
    if hashed > 0 {
        notes.push(format!(
            "{hashed} items have neither guid nor link; they are identified by their title and content"
        ));
    }
    if empty > 0 {
        notes.push(format!(
            "{empty} items have no guid, link, title or content; skipped"
        ));
    }
    Ok(Parsed {
        title,
        items,
        listed,
        notes,
    })
}

/// The item's page: an `alternate` link (or one without `rel`), else the first; http(s) only.
fn pick_link(links: &[feed_rs::model::Link], base: &Url) -> Option<Url> {
    let ok = |l: &feed_rs::model::Link| {
        base.join(l.href.trim())
            .ok()
            .and_then(|u| super::net::web_url(u.as_str()).ok())
    };
    links
        .iter()
        .filter(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .find_map(ok)
        .or_else(|| links.iter().find_map(ok))
}

/// Plain text as HTML paragraphs (escaped), for the converter.
fn plain_to_html(s: &str) -> String {
    s.split("\n\n")
        .map(|p| {
            format!(
                "<p>{}</p>",
                p.replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;")
            )
        })
        .collect()
}

/// Where XML text stops being well-formed (for a clearer report than "no root element").
fn xml_error(text: &str) -> Option<String> {
    if !text.trim_start().starts_with('<') {
        return None;
    }
    let mut r = quick_xml::Reader::from_str(text);
    loop {
        match r.read_event() {
            Ok(quick_xml::events::Event::Eof) => return None,
            Ok(_) => {}
            Err(e) => return Some(format!("invalid XML at byte {}: {e}", r.error_position())),
        }
    }
}

/// `<?xml version="1.0" encoding="GBK"?>` → `<?xml version="1.0"?>`.
fn strip_xml_encoding(text: &str) -> String {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with("<?xml") {
        if let Some(end) = t.find("?>") {
            let decl = &t[..end];
            if decl.contains("encoding") {
                return format!("<?xml version=\"1.0\"?>{}", &t[end + 2..]);
            }
        }
    }
    t.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url() -> Url {
        Url::parse("https://blog.example.cn/feed.xml").unwrap()
    }

    #[test]
    fn rss_keys_and_notes() {
        let rss = r#"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>博客</title>
<item><title>一</title><guid>g1</guid><link>/p/1</link><description><![CDATA[<p>第一篇</p>]]></description><pubDate>Tue, 05 Mar 2024 10:20:00 +0800</pubDate></item>
<item><title>重复</title><guid>g1</guid></item>
<item><title>二</title><link>https://blog.example.cn/p/2</link><pubDate>32 Smarch 2024</pubDate></item>
<item><title>三</title><description>没有链接</description></item>
<item></item>
</channel></rss>"#;
        let p = parse(rss.as_bytes(), None, &url()).unwrap();
        assert_eq!(p.title.as_deref(), Some("博客"));
        let keys: Vec<(&str, KeyKind)> = p
            .items
            .iter()
            .map(|i| (i.key.as_str(), i.key_kind))
            .collect();
        assert_eq!(keys[0], ("g1", KeyKind::Guid));
        assert_eq!(keys[1], ("https://blog.example.cn/p/2", KeyKind::Link));
        assert_eq!(keys[2].1, KeyKind::Hash);
        assert_eq!(p.items.len(), 3);
        assert_eq!(
            p.items[0].link.as_ref().map(Url::as_str),
            Some("https://blog.example.cn/p/1")
        );
        assert!(p.items[0].html.contains("<p>第一篇</p>"));
        assert!(p.items[0].published.is_some());
        assert_eq!(p.items[1].published, None, "a broken date is no date");
        assert_eq!(p.notes.len(), 3, "{:?}", p.notes);
    }

    #[test]
    fn invalid_xml_is_an_error() {
        let e = parse(b"<rss><channel><item><title>x</channel>", None, &url()).unwrap_err();
        assert!(e.contains("XML") || e.contains("feed"), "{e}");
        assert!(parse(b"hello", None, &url()).is_err());
    }
}
