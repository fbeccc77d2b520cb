//! The web: pages saved as articles (`zhiku add`), saved HTML imported, feeds followed
//! (`zhiku feed`, `zhiku fetch`). Network code is in [`net`], charsets in [`charset`], the
//! readable part in [`extract`], HTML → Markdown in [`html_md`], feeds in [`feed`] and
//! [`fetch`], OPML in [`opml`]; the commands in [`cli`].
//!
//! Everything fetched becomes an article through the importer's own record check
//! (`import::record::to_article`): the same normalisation as a JSON Lines import.

pub mod charset;
pub mod cli;
pub mod extract;
pub mod feed;
pub mod fetch;
/// HTML → Markdown lives with the document model (the reader renders HTML bodies through it).
pub use crate::doc::html as html_md;
pub mod net;
pub mod opml;

use chrono::FixedOffset;
use serde_json::{Map, Value};
use url::Url;

use crate::import::record::{Body, to_article};
use crate::store::{ArticleId, NewArticle, Store, StoreError, Upserted, articles};
use extract::Page;

/// What the user gives an added page or a feed's articles.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Labels {
    pub tags: Vec<String>,
    pub category: Option<String>,
}

/// The article for an extracted page. Its `url` (and so its identity: the id is derived from
/// it) is the canonical URL when the page names one on its own host (a page cannot claim
/// another site's address and overwrite that article), else `url`.
pub fn page_article(
    page: &Page,
    url: Option<&Url>,
    labels: &Labels,
    fallback_title: &str,
    tz: FixedOffset,
) -> Result<NewArticle, String> {
    let url = match (page.canonical.as_ref(), url) {
        (Some(c), Some(u)) if c.host_str() != u.host_str() => Some(u),
        (Some(c), _) => Some(c),
        (None, u) => u,
    };
    let title = if page.title.trim().is_empty() {
        fallback_title.to_owned()
    } else {
        page.title.clone()
    };
    let mut obj = Map::new();
    obj.insert("title".into(), title.into());
    put(&mut obj, "author", page.author.clone());
    put(&mut obj, "summary", page.description.clone());
    put(&mut obj, "url", url.map(|u| u.to_string()));
    put(
        &mut obj,
        "published",
        page.published.map(|d| d.to_rfc3339()),
    );
    put(&mut obj, "updated", page.modified.map(|d| d.to_rfc3339()));
    labels_into(&mut obj, labels);
    to_article(&obj, Body::Given(&page.markdown), tz).map_err(|e| e.reason)
}

pub(crate) fn put(obj: &mut Map<String, Value>, k: &str, v: Option<String>) {
    if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
        obj.insert(k.into(), v.into());
    }
}

pub(crate) fn labels_into(obj: &mut Map<String, Value>, labels: &Labels) {
    if !labels.tags.is_empty() {
        obj.insert(
            "tags".into(),
            Value::Array(labels.tags.iter().cloned().map(Value::from).collect()),
        );
    }
    put(obj, "category", labels.category.clone());
}

/// Upserts articles in one transaction (user state kept: see `articles::upsert`).
pub fn save(
    store: &mut Store,
    items: &[NewArticle],
) -> Result<Vec<(ArticleId, Upserted, String)>, StoreError> {
    store.require_writable("add")?;
    let path = store.path().to_path_buf();
    // The store's write lock only: the reader's user file stays free while pages are stored.
    let tx = crate::store::begin_store_write(store.conn_mut())
        .map_err(|e| StoreError::from_sqlite(&path, e))?;
    let now = articles::now_string();
    let mut out = Vec::new();
    for a in items {
        let (id, what) =
            articles::upsert(&tx, a, &now).map_err(|e| StoreError::from_sqlite(&path, e))?;
        out.push((id, what, a.ext_id()));
    }
    tx.commit().map_err(|e| StoreError::from_sqlite(&path, e))?;
    Ok(out)
}

/// Why a page could not be added.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PageError {
    #[error(transparent)]
    Fetch(#[from] net::FetchError),
    #[error("{url}: {source}")]
    Extract {
        url: String,
        source: extract::ExtractError,
    },
    #[error("{url}: not an HTML page ({ctype})")]
    NotHtml { url: String, ctype: String },
    #[error("{url}: {reason}")]
    Record { url: String, reason: String },
}

/// Fetches `url`, decodes it and extracts its article.
pub fn fetch_page(client: &net::Client, url: &Url) -> Result<(Page, Url), PageError> {
    let resp = client.get(url, None)?;
    if let Some(ct) = &resp.content_type {
        let html = ct.contains("html") || ct.starts_with("text/") || ct.contains("xml");
        if !html {
            return Err(PageError::NotHtml {
                url: resp.url.to_string(),
                ctype: ct.clone(),
            });
        }
    }
    let text = charset::decode(&resp.body, resp.charset.as_deref()).text;
    let page = extract::extract(&text, Some(&resp.url)).map_err(|source| PageError::Extract {
        url: resp.url.to_string(),
        source,
    })?;
    Ok((page, resp.url))
}
