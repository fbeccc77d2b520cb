//! `zhiku fetch`: every feed updated, a few at a time. Network and extraction run on worker
//! threads; only this thread writes the store, one transaction per feed, so a failing feed
//! costs nothing but its own report. A library function with a progress callback, for the
//! command line and (later) the reader's background worker alike.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::mpsc;

use serde_json::Map;
use sha2::{Digest, Sha256};
use url::Url;

use super::feed::{self, Item, Parsed};
use super::net::{Client, Validators};
use super::{Labels, html_md, labels_into, put};
use crate::import::record::{Body, to_article};
use crate::store::feeds::{Feed, record_fetch, record_item};
use crate::store::{NewArticle, Store, StoreError, Upserted, articles};

/// Feeds fetched at once by default.
pub const DEFAULT_PARALLEL: u16 = 4;

/// What happened to one feed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeedOutcome {
    pub url: String,
    pub title: Option<String>,
    pub new: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// 304: the feed had not changed.
    pub not_modified: bool,
    pub notes: Vec<String>,
    pub error: Option<String>,
}

/// Progress of a run, as it happens.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The run starts with this many feeds.
    Start(usize),
    /// One feed is done (stored, or failed).
    Done(FeedOutcome),
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub feeds: Vec<FeedOutcome>,
    pub new: usize,
    pub updated: usize,
    pub failed: usize,
}

/// A feed's fetch, as a worker hands it back.
struct Fetched {
    feed: Feed,
    result: Result<Option<(Parsed, Validators)>, String>,
    /// Full-text bodies (Markdown), by item key, for new items of `--full-text` feeds.
    pages: HashMap<String, Result<super::extract::Page, String>>,
}

/// Fetches every feed in `store` with `parallel` workers; `progress` hears of each feed as it
/// is done. Store errors end the run; network and feed errors are per feed.
pub fn fetch_all(
    store: &mut Store,
    client: &Client,
    parallel: usize,
    progress: &mut dyn FnMut(&Event),
) -> Result<Summary, StoreError> {
    store.require_writable("fetch")?;
    let feeds = store.feeds()?;
    progress(&Event::Start(feeds.len()));
    let mut known = HashMap::new();
    for f in &feeds {
        known.insert(f.id, store.feed_items(f.id)?);
    }
    let queue = Mutex::new(feeds.into_iter().rev().collect::<Vec<Feed>>());
    let (tx, rx) = mpsc::channel::<Fetched>();
    let mut summary = Summary::default();
    let workers = parallel.clamp(1, 16);
    let mut store_err = None;
    std::thread::scope(|s| {
        for _ in 0..workers {
            let tx = tx.clone();
            let queue = &queue;
            let known = &known;
            s.spawn(move || {
                loop {
                    let next = queue.lock().unwrap_or_else(|p| p.into_inner()).pop();
                    let Some(feed) = next else { break };
                    let empty = HashMap::new();
                    let seen = known.get(&feed.id).unwrap_or(&empty);
                    let fetched = fetch_one(client, feed, seen);
                    if tx.send(fetched).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        for fetched in rx {
            if store_err.is_some() {
                continue;
            }
            let seen = known.get(&fetched.feed.id).cloned().unwrap_or_default();
            match store_feed(store, fetched, &seen) {
                Ok(o) => {
                    summary.new += o.new;
                    summary.updated += o.updated;
                    summary.failed += usize::from(o.error.is_some());
                    progress(&Event::Done(o.clone()));
                    summary.feeds.push(o);
                }
                Err(e) => {
                    // Stop handing out work; the workers finish what they hold.
                    queue.lock().unwrap_or_else(|p| p.into_inner()).clear();
                    store_err = Some(e);
                }
            }
        }
    });
    match store_err {
        Some(e) => Err(e),
        None => Ok(summary),
    }
}

fn fetch_one(client: &Client, feed: Feed, seen: &HashMap<String, String>) -> Fetched {
    let url = match super::net::web_url(&feed.url) {
        Ok(u) => u,
        Err(e) => {
            return Fetched {
                feed,
                result: Err(e.to_string()),
                pages: HashMap::new(),
            };
        }
    };
    let cond = Validators {
        etag: feed.etag.clone(),
        last_modified: feed.last_modified.clone(),
    };
    let result = client
        .get(&url, Some(&cond))
        .map_err(|e| e.to_string())
        .and_then(|resp| {
            if resp.not_modified() {
                return Ok(None);
            }
            let parsed = feed::parse(&resp.body, resp.charset.as_deref(), &resp.url)
                .map_err(|e| format!("{}: {e}", resp.url))?;
            Ok(Some((parsed, resp.validators)))
        });
    let mut pages = HashMap::new();
    if feed.full_text {
        if let Ok(Some((parsed, _))) = &result {
            for item in parsed.items.iter().filter(|i| !seen.contains_key(&i.key)) {
                if let Some(link) = &item.link {
                    let page = super::fetch_page(client, link)
                        .map(|(p, _)| p)
                        .map_err(|e| e.to_string());
                    pages.insert(item.key.clone(), page);
                }
            }
        }
    }
    Fetched {
        feed,
        result,
        pages,
    }
}

/// The stable id of a feed's item: a hash of the feed's URL and the item's key.
pub fn item_id(feed_url: &str, key: &str) -> String {
    let h = Sha256::digest(format!("{feed_url}\u{1f}{key}").as_bytes());
    let hex: String = h.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("f-{hex}")
}

/// The article for one item; the page's text replaces the feed's when it was fetched.
fn item_article(
    feed: &Feed,
    item: &Item,
    page: Option<&super::extract::Page>,
) -> Result<NewArticle, String> {
    let base = item.link.clone().or_else(|| Url::parse(&feed.url).ok());
    let mut body = match page {
        Some(p) => p.markdown.clone(),
        None => html_md::to_markdown(&item.html, base.as_ref()),
    };
    if body.trim().is_empty() {
        body = match &item.link {
            Some(l) => format!("[原文]({l})"),
            None => item.title.clone().unwrap_or_default(),
        };
    }
    let title = item
        .title
        .as_deref()
        .map(|t| crate::text::plain::collapse_spaces(&crate::text::plain::strip_markup_inline(t)))
        .filter(|t| !t.trim().is_empty())
        .or_else(|| {
            let first: String = crate::text::plain::strip_markup(&body)
                .chars()
                .take(40)
                .collect();
            Some(first).filter(|t| !t.trim().is_empty())
        })
        .unwrap_or_else(|| "(无标题)".to_owned());
    let mut obj = Map::new();
    obj.insert("id".into(), item_id(&feed.url, &item.key).into());
    obj.insert("title".into(), title.into());
    let author = item.author.clone().or(page.and_then(|p| p.author.clone()));
    put(&mut obj, "author", author);
    put(&mut obj, "summary", item.summary.clone());
    put(&mut obj, "url", item.link.as_ref().map(Url::to_string));
    put(&mut obj, "source", Some(feed.url.clone()));
    let published = item.published.or(page.and_then(|p| p.published));
    put(&mut obj, "published", published.map(|d| d.to_rfc3339()));
    put(&mut obj, "updated", item.updated.map(|d| d.to_rfc3339()));
    let labels = Labels {
        tags: feed.tags.clone(),
        category: feed.category.clone(),
    };
    labels_into(&mut obj, &labels);
    to_article(
        &obj,
        Body::Given(&body),
        crate::import::record::china_offset(),
    )
    .map_err(|e| e.reason)
}

fn store_feed(
    store: &mut Store,
    f: Fetched,
    seen: &HashMap<String, String>,
) -> Result<FeedOutcome, StoreError> {
    let path = store.path().to_path_buf();
    let e = |err| StoreError::from_sqlite(&path, err);
    let mut o = FeedOutcome {
        url: f.feed.url.clone(),
        title: f.feed.title.clone(),
        ..Default::default()
    };
    let now = articles::now_string();
    // The store's write lock only: the reader's user file stays free during a fetch.
    let tx = crate::store::begin_store_write(store.conn_mut()).map_err(e)?;
    match f.result {
        Err(msg) => {
            record_fetch(&tx, f.feed.id, &now, Err(&msg)).map_err(e)?;
            o.error = Some(msg);
        }
        Ok(None) => {
            o.not_modified = true;
            record_fetch(&tx, f.feed.id, &now, Ok((None, None, None))).map_err(e)?;
        }
        Ok(Some((parsed, validators))) => {
            o.title = parsed.title.clone().or(o.title);
            o.notes = parsed.notes.clone();
            let mut failed_pages = 0;
            for item in &parsed.items {
                if seen.get(&item.key) == Some(&item.hash) {
                    o.unchanged += 1;
                    continue;
                }
                let page = match f.pages.get(&item.key) {
                    Some(Ok(p)) => Some(p),
                    Some(Err(_)) => {
                        failed_pages += 1;
                        None
                    }
                    None => None,
                };
                match item_article(&f.feed, item, page) {
                    Ok(a) => {
                        let (id, what) = articles::upsert(&tx, &a, &now).map_err(e)?;
                        record_item(&tx, f.feed.id, &item.key, id, &item.hash, &now).map_err(e)?;
                        match what {
                            Upserted::Inserted => o.new += 1,
                            Upserted::Updated => o.updated += 1,
                        }
                    }
                    Err(reason) => o.notes.push(format!("item {}: {reason}", item.key)),
                }
            }
            if failed_pages > 0 {
                o.notes.push(format!(
                    "{failed_pages} full-text pages could not be fetched; the feed's text was kept"
                ));
            }
            record_fetch(
                &tx,
                f.feed.id,
                &now,
                Ok((
                    parsed.title.as_deref(),
                    validators.etag.as_deref(),
                    validators.last_modified.as_deref(),
                )),
            )
            .map_err(e)?;
        }
    }
    tx.commit().map_err(e)?;
    Ok(o)
}
