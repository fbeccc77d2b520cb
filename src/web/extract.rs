//! The readable part of a page (dom_smoothie, a port of Mozilla's Readability) as Markdown,
//! with its metadata from `<meta>`, OpenGraph and JSON-LD.

use chrono::{DateTime, FixedOffset};
use dom_query::Document;
use url::Url;

use super::html_md;

/// Elements a page may have before it is refused (a 10 MB page has far fewer).
const MAX_ELEMENTS: usize = 500_000;

/// What was extracted from one page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub title: String,
    pub author: Option<String>,
    pub published: Option<DateTime<FixedOffset>>,
    pub modified: Option<DateTime<FixedOffset>>,
    /// `<link rel=canonical>`, else `og:url` (http/https only).
    pub canonical: Option<Url>,
    pub description: Option<String>,
    pub site_name: Option<String>,
    pub markdown: String,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExtractError {
    #[error("no readable content (nothing but navigation, scripts or forms)")]
    NoContent,
    #[error("too many elements (more than {MAX_ELEMENTS})")]
    TooLarge,
}

/// Extracts the article in `html`; `url` is where it came from (for relative links), if known.
pub fn extract(html: &str, url: Option<&Url>) -> Result<Page, ExtractError> {
    let doc = Document::from(html);
    let canonical = canonical_of(&doc, url);
    let h1 = doc.select("h1").nodes().first().map(|n| {
        crate::text::plain::collapse_spaces(&n.text())
            .trim()
            .to_owned()
    });
    let base = url.or(canonical.as_ref());
    let cfg = dom_smoothie::Config {
        // Classes carry code languages (`language-rust`); the converter reads nothing else.
        keep_classes: true,
        max_elements_to_parse: MAX_ELEMENTS,
        ..Default::default()
    };
    let base_str = base.map(|u| u.to_string());
    let mut r = dom_smoothie::Readability::with_document(doc, base_str.as_deref(), Some(cfg))
        .map_err(|_| ExtractError::NoContent)?;
    let article = r.parse().map_err(|e| match e {
        dom_smoothie::ReadabilityError::TooManyElements(..) => ExtractError::TooLarge,
        _ => ExtractError::NoContent,
    })?;
    let markdown = html_md::to_markdown(&article.content, base);
    if markdown.trim().is_empty() {
        return Err(ExtractError::NoContent);
    }
    let clean = |s: Option<String>| {
        s.map(|s| crate::text::plain::collapse_spaces(&crate::text::plain::decode_entities(&s)))
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    let mut title = clean(Some(article.title)).unwrap_or_default();
    // `标题_分类_博客园`, `标题-CSDN博客`: Readability cuts only ` - ` and ` | ` suffixes; the
    // page's own heading, when the title starts with it, is the title without the site.
    if let Some(h) = h1.filter(|h| h.chars().count() >= 4 && title.len() > h.len()) {
        if title.starts_with(&h) {
            title = h;
        }
    }
    Ok(Page {
        title,
        author: clean(article.byline),
        published: article.published_time.as_deref().and_then(parse_date),
        modified: article.modified_time.as_deref().and_then(parse_date),
        canonical,
        description: clean(article.excerpt),
        site_name: clean(article.site_name),
        markdown,
    })
}

/// A date as pages write them: RFC 3339 / ISO 8601, `YYYY-MM-DD HH:MM[:SS]`, `YYYY-MM-DD`
/// (China's offset when none is given), or RFC 2822.
pub fn parse_date(s: &str) -> Option<DateTime<FixedOffset>> {
    let s = s.trim();
    crate::import::record::parse_date(s, crate::import::record::china_offset())
        .or_else(|| DateTime::parse_from_rfc2822(s).ok())
}

fn canonical_of(doc: &Document, page: Option<&Url>) -> Option<Url> {
    let pick = |sel: &str, attr: &str| {
        doc.select(sel)
            .nodes()
            .iter()
            .find_map(|n| n.attr(attr).map(|v| v.trim().to_owned()))
            .filter(|v| !v.is_empty())
    };
    let raw = pick("link[rel~=canonical]", "href")
        .or_else(|| pick("meta[property='og:url']", "content"))?;
    let u = match page {
        Some(p) => p.join(&raw).ok()?,
        None => Url::parse(&raw).ok()?,
    };
    super::net::web_url(u.as_str()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_and_metadata() {
        let html = r#"<!doctype html><html><head>
<title>Redis 缓存穿透的三种解法 - 某某的博客 - CSDN博客</title>
<link rel="canonical" href="/article/details/123">
<meta property="og:title" content="Redis 缓存穿透的三种解法">
<meta name="author" content="张三">
<meta name="description" content="布隆过滤器、空值缓存和限流。">
<meta property="article:published_time" content="2024-03-05T10:20:00+08:00">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"Article","headline":"Redis 缓存穿透的三种解法","datePublished":"2024-03-05T10:20:00+08:00","author":{"@type":"Person","name":"张三"}}</script>
</head><body>
<nav class="toolbar"><a href="/">首页</a><a href="/blog">博客</a><a href="/down">下载</a></nav>
<div id="sidebar" class="sidebar"><h3>热门文章</h3><ul><li><a href="/1">别的文章一</a></li><li><a href="/2">别的文章二</a></li></ul></div>
<article><h1>Redis 缓存穿透的三种解法</h1>
<p>缓存穿透是指查询一个一定不存在的数据，由于缓存是不命中时被动写的，并且出于容错考虑，如果从存储层查不到数据则不写入缓存，这将导致这个不存在的数据每次请求都要到存储层去查询，失去了缓存的意义。</p>
<p>第一种解法是布隆过滤器：将所有可能存在的数据哈希到一个足够大的位图中，一个一定不存在的数据会被这个位图拦截掉，从而避免了对底层存储系统的查询压力。</p>
<pre><code class="language-java">BloomFilter&lt;String&gt; f = BloomFilter.create(Funnels.stringFunnel(UTF_8), 1000000);</code></pre>
<p>第二种解法是缓存空值，第三种是接口限流。每一种都有它的代价，下面的表格比较了它们。</p>
</article>
<div class="comments" id="comments"><h3>评论</h3><p>写得好！</p></div>
</body></html>"#;
        let url = Url::parse("https://blog.csdn.net/zhangsan/article/details/123?spm=1").unwrap();
        let p = extract(html, Some(&url)).unwrap();
        assert_eq!(p.title, "Redis 缓存穿透的三种解法");
        assert_eq!(p.author.as_deref(), Some("张三"));
        assert_eq!(
            p.canonical.as_ref().map(Url::as_str),
            Some("https://blog.csdn.net/article/details/123")
        );
        assert_eq!(
            p.published.map(|d| d.to_rfc3339()).as_deref(),
            Some("2024-03-05T10:20:00+08:00")
        );
        assert!(
            p.markdown.contains("```java\nBloomFilter<String>"),
            "{}",
            p.markdown
        );
        assert!(p.markdown.contains("第一种解法是布隆过滤器"));
        for chrome in ["首页", "热门文章", "别的文章", "写得好"] {
            assert!(!p.markdown.contains(chrome), "{chrome} in {}", p.markdown);
        }
    }

    #[test]
    fn nothing_readable() {
        let html = "<html><body><nav><a href=/>首页</a></nav><script>document.write('x')</script><form><input></form></body></html>";
        assert_eq!(extract(html, None), Err(ExtractError::NoContent));
    }
}
