//! Database work off the UI thread: a search worker (its running query is interrupted when a
//! newer one arrives) and a data worker (tree, articles, user state). Replies carry tickets so
//! the app can drop stale ones.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread;

use rusqlite::InterruptHandle;

use crate::search::browse::ListKind;
use crate::search::{Request, Results, Scope, search};
use crate::store::{Access, Article, ArticleId, Store, Tree};

mod serve;
use serve::{IDLE_TICK, highlight};
pub use serve::{data_version, fetch_feeds, serve_job, serve_search};

/// Work for the data worker.
#[derive(Debug, Clone, PartialEq)]
pub enum Job {
    Tree,
    /// A list instead of search results; answered as `Reply::Results` with the search ticket.
    List {
        ticket: u64,
        kind: ListKind,
        width: usize,
    },
    Months {
        scope: Scope,
    },
    Bookmark {
        id: ArticleId,
    },
    Random {
        ticket: u64,
        scope: Scope,
    },
    Related {
        id: ArticleId,
    },
    Open {
        ticket: u64,
        id: ArticleId,
        mark_read: bool,
    },
    OpenExt {
        ticket: u64,
        ext_id: String,
        scroll: usize,
    },
    /// Where the reader left an article.
    SavePosition {
        id: ArticleId,
        scroll: usize,
    },
    /// Colours for an article's code blocks; done on a thread of its own (it may take a while
    /// for an article made of code), never on the store's.
    Highlight {
        id: ArticleId,
        blocks: Vec<crate::doc::CodeBlock>,
        theme: crate::doc::CodeTheme,
    },
    /// Fetch every feed (`R`): done by a worker of its own, never the data worker, so
    /// browsing goes on while feeds download.
    FetchFeeds,
    /// How many articles from the web are unread (the tree's 未读 node).
    UnreadCount,
    /// The unread articles from the web as a list; answered as `Reply::Results`.
    Unread {
        ticket: u64,
        width: usize,
    },
}

/// What comes back.
#[derive(Debug)]
pub enum Reply {
    Results {
        ticket: u64,
        res: Result<Box<Results>, String>,
    },
    Tree(Result<Box<Tree>, String>),
    Article {
        ticket: u64,
        res: Result<Option<Box<Article>>, String>,
        scroll: usize,
    },
    Months(Result<Vec<(String, usize)>, String>),
    Bookmarked {
        id: ArticleId,
        res: Result<bool, String>,
    },
    Related {
        id: ArticleId,
        res: Result<Vec<(ArticleId, String)>, String>,
    },
    Colours {
        id: ArticleId,
        colours: std::sync::Arc<crate::doc::Colours>,
    },
    /// Another process changed the store (`PRAGMA data_version` moved while the data worker
    /// was idle): tree counts and results are stale.
    StoreChanged,
    /// The count of unread articles from the web.
    Unread(Result<usize, String>),
    /// A feed run's progress: feeds done of all, new articles so far.
    FetchProgress {
        done: usize,
        total: usize,
        new: usize,
    },
    /// A feed run ended: new, updated and failed counts.
    Fetched(Result<(usize, usize, usize), String>),
}

/// Handles to both workers.
pub struct Workers {
    search_tx: Sender<(u64, Request)>,
    data_tx: Sender<Job>,
    highlight_tx: Sender<Job>,
    fetch_tx: Sender<()>,
    interrupt: Arc<Mutex<Option<InterruptHandle>>>,
    in_flight: Arc<Mutex<Option<u64>>>,
    threads: Vec<thread::JoinHandle<()>>,
}

impl Workers {
    /// Starts both workers on the store at `path`; replies go to `reply` wrapped by `wrap`.
    pub fn start<M: Send + 'static>(
        path: PathBuf,
        reply: Sender<M>,
        wrap: fn(Reply) -> M,
    ) -> Workers {
        let (search_tx, search_rx) = channel::<(u64, Request)>();
        let (data_tx, data_rx) = channel::<Job>();
        let interrupt = Arc::new(Mutex::new(None));
        let mut threads = Vec::new();
        let in_flight = Arc::new(Mutex::new(None));
        {
            let (path, reply, interrupt, in_flight) = (
                path.clone(),
                reply.clone(),
                interrupt.clone(),
                in_flight.clone(),
            );
            threads.push(
                thread::Builder::new()
                    .name("zhiku-search".into())
                    .spawn(move || search_loop(path, search_rx, reply, wrap, interrupt, in_flight))
                    .expect("spawn search worker"),
            );
        }
        let (highlight_tx, highlight_rx) = channel::<Job>();
        {
            let reply = reply.clone();
            threads.push(
                thread::Builder::new()
                    .name("zhiku-highlight".into())
                    .spawn(move || highlight_loop(highlight_rx, reply, wrap))
                    .expect("spawn highlight worker"),
            );
        }
        let (fetch_tx, fetch_rx) = channel::<()>();
        {
            let (path, reply) = (path.clone(), reply.clone());
            threads.push(
                thread::Builder::new()
                    .name("zhiku-feeds".into())
                    .spawn(move || {
                        let client = crate::web::net::Client::new(Default::default());
                        while fetch_rx.recv().is_ok() {
                            while fetch_rx.try_recv().is_ok() {}
                            fetch_feeds(&path, &client, &mut |r| {
                                let _ = reply.send(wrap(r));
                            });
                        }
                    })
                    .expect("spawn feed worker"),
            );
        }
        threads.push(
            thread::Builder::new()
                .name("zhiku-data".into())
                .spawn(move || data_loop(path, data_rx, reply, wrap))
                .expect("spawn data worker"),
        );
        Workers {
            search_tx,
            data_tx,
            highlight_tx,
            fetch_tx,
            interrupt,
            in_flight,
            threads,
        }
    }

    /// Queues a search; a search still running is interrupted, since this one supersedes it.
    pub fn search(&self, ticket: u64, req: Request) {
        if let (Ok(f), Ok(h)) = (self.in_flight.lock(), self.interrupt.lock())
            && f.is_some_and(|t| t < ticket)
            && let Some(h) = h.as_ref()
        {
            h.interrupt();
        }
        let _ = self.search_tx.send((ticket, req));
    }

    pub fn job(&self, job: Job) {
        match job {
            Job::Highlight { .. } => {
                let _ = self.highlight_tx.send(job);
            }
            Job::FetchFeeds => {
                let _ = self.fetch_tx.send(());
            }
            job => {
                let _ = self.data_tx.send(job);
            }
        }
    }

    /// Stops both workers (a running search is interrupted) and waits for them, at most
    /// `patience`, so their connections close cleanly and SQLite folds the WAL back into the
    /// store. A worker still busy after that is left to the end of the process: quitting never
    /// hangs on the database.
    pub fn shutdown(self, patience: std::time::Duration) {
        let (done_tx, done_rx) = channel();
        thread::spawn(move || {
            self.join_all();
            let _ = done_tx.send(());
        });
        let _ = done_rx.recv_timeout(patience);
    }

    fn join_all(self) {
        if let Ok(h) = self.interrupt.lock()
            && let Some(h) = h.as_ref()
        {
            h.interrupt();
        }
        let Workers {
            search_tx,
            data_tx,
            fetch_tx,
            threads,
            ..
        } = self;
        drop((search_tx, data_tx, fetch_tx));
        for t in threads {
            let _ = t.join();
        }
    }
}

fn search_loop<M>(
    path: PathBuf,
    rx: Receiver<(u64, Request)>,
    reply: Sender<M>,
    wrap: fn(Reply) -> M,
    interrupt: Arc<Mutex<Option<InterruptHandle>>>,
    in_flight: Arc<Mutex<Option<u64>>>,
) {
    let store = match Store::open(&path, Access::Read) {
        Ok(s) => s,
        Err(e) => {
            let _ = reply.send(wrap(Reply::Results {
                ticket: 0,
                res: Err(e.to_string()),
            }));
            return;
        }
    };
    if let Ok(mut h) = interrupt.lock() {
        *h = Some(store.conn().get_interrupt_handle());
    }
    while let Ok(mut next) = rx.recv() {
        while let Ok(newer) = rx.try_recv() {
            next = newer;
        }
        let (ticket, req) = next;
        if let Ok(mut f) = in_flight.lock() {
            *f = Some(ticket);
        }
        let res = search(store.conn(), &req);
        if let Ok(mut f) = in_flight.lock() {
            *f = None;
        }
        let res = match res {
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::OperationInterrupted) => {
                continue;
            }
            other => other.map(Box::new).map_err(|e| store.err(e).to_string()),
        };
        if reply.send(wrap(Reply::Results { ticket, res })).is_err() {
            return;
        }
    }
}

fn data_loop<M>(path: PathBuf, rx: Receiver<Job>, reply: Sender<M>, wrap: fn(Reply) -> M) {
    let store = match Store::open(&path, Access::Read) {
        Ok(s) => s,
        Err(e) => {
            let _ = reply.send(wrap(Reply::Tree(Err(e.to_string()))));
            return;
        }
    };
    let mut seen = data_version(&store);
    loop {
        let r = match rx.recv_timeout(IDLE_TICK) {
            Ok(job) => serve_job(&store, job),
            // Idle: has another process (an import, `zhiku fetch`) changed the store?
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                let now = data_version(&store);
                (now != seen).then(|| {
                    seen = now;
                    Reply::StoreChanged
                })
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
        };
        if let Some(r) = r
            && reply.send(wrap(r)).is_err()
        {
            return;
        }
    }
}

/// Highlights code for the newest article asked for (older requests still queued are
/// skipped: the reader has moved on).
fn highlight_loop<M>(rx: Receiver<Job>, reply: Sender<M>, wrap: fn(Reply) -> M) {
    crate::doc::warm_up();
    while let Ok(mut job) = rx.recv() {
        while let Ok(newer) = rx.try_recv() {
            job = newer;
        }
        if let Some(r) = highlight(job)
            && reply.send(wrap(r)).is_err()
        {
            return;
        }
    }
}
