//! What the workers do with a request, as plain functions of the store: searches, lists, opening
//! articles, bookmarks, feeds, highlighting. Tests call them directly in place of the threads.

use crate::search::browse::{self, ListKind};
use crate::search::{Request, Results, search};
use crate::store::{Access, Store};

use super::{Job, Reply};

/// Fetches every feed of the store at `path` (the feed worker's body; tests call it
/// directly), telling `progress` each step and the end.
pub fn fetch_feeds(
    path: &std::path::Path,
    client: &crate::web::net::Client,
    progress: &mut dyn FnMut(Reply),
) {
    use crate::web::fetch::{Event, fetch_all};
    let mut store = match Store::open(path, Access::Write) {
        Ok(s) => s,
        Err(e) => return progress(Reply::Fetched(Err(e.to_string()))),
    };
    let (mut total, mut done, mut new) = (0, 0, 0);
    let res = fetch_all(&mut store, client, 4, &mut |ev| {
        match ev {
            Event::Start(n) => total = *n,
            Event::Done(o) => {
                done += 1;
                new += o.new;
            }
        }
        progress(Reply::FetchProgress { done, total, new });
    });
    progress(Reply::Fetched(
        res.map(|s| (s.new, s.updated, s.failed))
            .map_err(|e| e.to_string()),
    ));
}

/// How long the data worker waits for a job before it checks whether the store changed.
pub(super) const IDLE_TICK: std::time::Duration = std::time::Duration::from_millis(1000);

/// `PRAGMA data_version`: changes when another connection commits to the store.
pub fn data_version(store: &Store) -> Option<i64> {
    store
        .conn()
        .query_row("PRAGMA data_version", [], |r| r.get(0))
        .ok()
}

pub(super) fn highlight(job: Job) -> Option<Reply> {
    match job {
        Job::Highlight { id, blocks, theme } => Some(Reply::Colours {
            id,
            colours: std::sync::Arc::new(crate::doc::colour_blocks(&blocks, theme)),
        }),
        _ => None,
    }
}

/// Does one data job on `store` (the data worker's body; tests call it directly).
pub fn serve_job(store: &Store, job: Job) -> Option<Reply> {
    Some(match job {
        Job::Highlight { .. } => return highlight(job),
        Job::SavePosition { id, scroll } => {
            if !store.is_read_only() {
                let _ = store.set_position(id, scroll);
            }
            return None;
        }
        // The feed worker's (see Workers::job); no reply from the data worker.
        Job::FetchFeeds => return None,
        Job::Tree => Reply::Tree(store.tree().map(Box::new).map_err(|e| e.to_string())),
        Job::Open {
            ticket,
            id,
            mark_read,
        } => {
            let res = store
                .article(id)
                .map(|a| a.map(Box::new))
                .map_err(|e| e.to_string());
            if mark_read && !store.is_read_only() {
                let _ = store.mark_read(id);
            }
            // Reopened: back where the reader left it.
            let scroll = store.position(id).unwrap_or(0);
            Reply::Article {
                ticket,
                res,
                scroll,
            }
        }
        Job::OpenExt {
            ticket,
            ext_id,
            scroll,
        } => {
            let res = store
                .article_by_ext_id(&ext_id)
                .map(|a| a.map(Box::new))
                .map_err(|e| e.to_string());
            Reply::Article {
                ticket,
                res,
                scroll,
            }
        }
        Job::List {
            ticket,
            kind,
            width,
        } => {
            let res = browse::list(store, &kind, width)
                .map(Box::new)
                .map_err(|e| e.to_string());
            Reply::Results { ticket, res }
        }
        Job::UnreadCount => Reply::Unread(store.unread_count().map_err(|e| e.to_string())),
        Job::Unread { ticket, width } => {
            let start = std::time::Instant::now();
            let res = store
                .unread(500)
                .map_err(|e| e.to_string())
                .and_then(|ids| {
                    let picked: Vec<(i64, f64, u8)> = ids.iter().map(|i| (i.0, 0.0, 0)).collect();
                    crate::search::engine::hydrate(store.conn(), &picked, &[], width)
                        .map_err(|e| store.err(e).to_string())
                })
                .map(|hits| {
                    Box::new(Results {
                        total: hits.len(),
                        hits,
                        needles: Vec::new(),
                        elapsed: start.elapsed(),
                    })
                });
            Reply::Results { ticket, res }
        }
        Job::Months { scope } => Reply::Months(
            browse::months(store.conn(), &scope).map_err(|e| store.err(e).to_string()),
        ),
        Job::Bookmark { id } => Reply::Bookmarked {
            id,
            res: store.toggle_bookmark(id).map_err(|e| e.to_string()),
        },
        Job::Random { ticket, scope } => {
            let res = browse::random_one(store.conn(), &scope)
                .map_err(|e| store.err(e))
                .and_then(|id| match id {
                    Some(id) => {
                        if !store.is_read_only() {
                            let _ = store.mark_read(id);
                        }
                        store.article(id)
                    }
                    None => Ok(None),
                })
                .map(|a| a.map(Box::new))
                .map_err(|e| e.to_string());
            Reply::Article {
                ticket,
                res,
                scroll: 0,
            }
        }
        Job::Related { id } => {
            let res = browse::list(store, &ListKind::Related(id, 5), 10)
                .map(|r| {
                    r.hits
                        .into_iter()
                        .map(|h| (h.meta.id, h.meta.title))
                        .collect()
                })
                .map_err(|e| e.to_string());
            Reply::Related { id, res }
        }
    })
}

/// Runs one search on `store` (the search worker's body without interruption).
pub fn serve_search(store: &Store, ticket: u64, req: &Request) -> Reply {
    let res = search(store.conn(), req)
        .map(Box::new)
        .map_err(|e| store.err(e).to_string());
    Reply::Results { ticket, res }
}
