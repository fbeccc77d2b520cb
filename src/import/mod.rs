//! `zhiku import`: files, directories and stdin into the store, in one transaction per run.
//!
//! Every rejected record is reported as `path:line: reason` and the rest are imported; with
//! `strict` the first rejection rolls the whole run back. A failure of the store itself (disk
//! full, killed process) leaves the store exactly as it was before the run.

pub mod html;
pub mod markdown;
pub mod read;
pub mod record;

use std::fmt;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::progress::Progress;
use chrono::FixedOffset;
use rusqlite::Transaction;
use serde_json::Value;

use crate::store::{NewArticle, Store, StoreError, Upserted, articles};
use read::{Line, MAX_LINE};
use record::{Body, to_article};

/// Bytes of index FTS5 keeps in memory during an import.
const FTS_HASH_BYTES: i64 = 64 * 1024 * 1024;

/// Where records come from.
pub enum Source {
    Path(PathBuf),
    Stdin,
    /// Bytes compiled into the binary (the sample library), named like a file.
    Memory {
        name: String,
        data: &'static [u8],
    },
}

#[derive(Debug, Clone)]
pub struct Options {
    pub strict: bool,
    pub tz: FixedOffset,
    pub progress: bool,
    /// Site address relative links (`/archives/…`) are resolved against (`--base-url`).
    pub base_url: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            strict: false,
            tz: record::china_offset(),
            progress: false,
            base_url: None,
        }
    }
}

/// One rejected record (or unreadable file). `line` 0 means the whole file.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejection {
    pub path: String,
    pub line: usize,
    pub reason: String,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.path, self.reason)
        } else {
            write!(f, "{}:{}: {}", self.path, self.line, self.reason)
        }
    }
}

/// What a run did.
#[derive(Debug, Default)]
pub struct Report {
    pub inserted: usize,
    /// Articles already in the store (changed or not).
    pub updated: usize,
    /// Of `updated`, those whose every field was the same: nothing rewritten.
    pub unchanged: usize,
    pub rejected: Vec<Rejection>,
    pub files: usize,
    pub text_bytes: u64,
    pub elapsed: Duration,
    /// Problems after the commit that lost nothing (giving free pages back failed).
    pub warnings: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}\n--strict: the whole run was rolled back; nothing was imported")]
    Strict(Rejection),
}

struct Run<'a> {
    tx: Transaction<'a>,
    path: PathBuf,
    opts: Options,
    now: String,
    report: Report,
    progress: Progress,
    /// Read marks and bookmarks of the records (`export --user-state`), written to the
    /// user-state file after the commit so that the run never locks it.
    user_states: Vec<(String, crate::store::UserState)>,
    /// Index rows not yet written (see `articles::IndexBatch`).
    index: articles::IndexBatch,
}

/// The articles are saved; user state that could not be restored is a warning.
fn restored(report: &mut Report, r: Result<(), StoreError>) {
    if let Err(e) = r {
        report.warnings.push(format!(
            "the import was saved, but the read marks and bookmarks of its records were not \
             restored ({e}); import the same file again to restore them"
        ));
    }
}

/// Imports every source into `store` in one transaction.
pub fn import(
    store: &mut Store,
    sources: Vec<Source>,
    opts: Options,
) -> Result<Report, ImportError> {
    store.require_writable("import")?;
    let start = Instant::now();
    let path = store.path().to_path_buf();
    let mut files = Vec::new();
    let mut early = Vec::new();
    for s in sources {
        match s {
            Source::Path(p) => collect(&p, true, &mut files, &mut early),
            other => files.push(other),
        }
    }
    let total: u64 = files
        .iter()
        .map(|f| match f {
            Source::Path(p) => std::fs::metadata(p).map_or(0, |m| m.len()),
            Source::Memory { data, .. } => data.len() as u64,
            Source::Stdin => 0,
        })
        .sum();
    let tx = crate::store::begin_store_write(store.conn_mut())
        .map_err(|e| StoreError::from_sqlite(&path, e))?;
    // Nothing is written into a damaged store (every page read: ~0.3 s for 260 MB cached).
    crate::store::check_integrity(&tx, &path)?;
    // FTS5 buffers this much of the index in memory before writing a segment: fewer, larger
    // segment writes (measured: a 30k-article import 20% faster than with the 1 MiB default).
    tx.execute(
        "INSERT INTO fts(fts, rank) VALUES ('hashsize', ?1)",
        [FTS_HASH_BYTES],
    )
    .map_err(|e| StoreError::from_sqlite(&path, e))?;
    let progress = Progress::new(total, opts.progress, crate::present::IMPORT_PROGRESS);
    let mut run = Run {
        tx,
        path: path.clone(),
        opts,
        now: articles::now_string(),
        report: Report::default(),
        progress,
        user_states: Vec::new(),
        index: articles::IndexBatch::default(),
    };
    for r in early {
        run.reject(r)?;
    }
    for f in files {
        run.report.files += 1;
        run.source(f)?;
    }
    run.progress.finish();
    let (mut report, user_states) = run.commit()?;
    restored(&mut report, store.restore_user_states(&user_states));
    after_commit(&mut report, store.reclaim());
    report.elapsed = start.elapsed();
    Ok(report)
}

/// The run is saved: a failure to give free pages back afterwards (a full disk, another
/// writer) loses nothing and is a warning, never an error.
fn after_commit(report: &mut Report, reclaimed: Result<(), StoreError>) {
    if let Err(e) = reclaimed {
        // Not the error's own text: "nothing of this run was saved" would be false here.
        let why = match e {
            StoreError::Full(_) => "the disk is full".to_owned(),
            StoreError::Busy(_) => "another program holds the store's write lock".to_owned(),
            other => other.to_string(),
        };
        report.warnings.push(format!(
            "the import was saved, but giving unused space back failed ({why}); \
             the next import tries again"
        ));
    }
}

/// Expands directories (recursively, sorted, hidden entries skipped) into importable files.
fn collect(p: &Path, explicit: bool, out: &mut Vec<Source>, errs: &mut Vec<Rejection>) {
    let name = p.display().to_string();
    let meta = match std::fs::metadata(p) {
        Ok(m) => m,
        Err(e) => {
            return errs.push(Rejection {
                path: name,
                line: 0,
                reason: format!("cannot read: {e}"),
            });
        }
    };
    if meta.is_dir() {
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(p) {
            Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(e) => {
                return errs.push(Rejection {
                    path: name,
                    line: 0,
                    reason: format!("cannot read: {e}"),
                });
            }
        };
        entries.sort();
        for e in entries {
            let hidden = e
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'));
            let is_link = std::fs::symlink_metadata(&e)
                .is_ok_and(|m| m.file_type().is_symlink() && e.is_dir());
            if !hidden && !is_link {
                collect(&e, false, out, errs);
            }
        }
    } else if !meta.is_file() {
        // A FIFO, socket or device: opening it could block forever (a FIFO with no writer)
        // or read without end; only regular files are imported.
        errs.push(Rejection {
            path: name,
            line: 0,
            reason: format!("not a regular file ({}); skipped", file_kind(&meta)),
        });
    } else if format_of(&name).is_some() {
        out.push(Source::Path(p.to_path_buf()));
    } else if explicit {
        errs.push(Rejection {
            path: name,
            line: 0,
            reason:
                "unknown format (expected .jsonl, .ndjson, .json, .md, .markdown, .html or .htm)"
                    .into(),
        });
    }
}

/// What kind of non-regular file `meta` describes, for the rejection.
fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_fifo() {
        "a FIFO"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_block_device() || t.is_char_device() {
        "a device"
    } else {
        "not a file"
    }
}

/// Opens a file for reading without ever blocking (`O_NONBLOCK`: a FIFO that became one
/// after [`collect`] looked at it opens at once) and only if it is a regular file.
fn open_regular(p: &Path) -> std::io::Result<Result<std::fs::File, &'static str>> {
    use std::os::unix::fs::OpenOptionsExt;
    let f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(p)?;
    let meta = f.metadata()?;
    if !meta.is_file() {
        return Ok(Err(file_kind(&meta)));
    }
    Ok(Ok(f))
}

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Lines,
    Json,
    Markdown,
    Html,
}

fn format_of(name: &str) -> Option<Format> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    match ext.as_str() {
        "jsonl" | "ndjson" => Some(Format::Lines),
        "json" => Some(Format::Json),
        "md" | "markdown" => Some(Format::Markdown),
        "html" | "htm" => Some(Format::Html),
        _ => None,
    }
}

impl Run<'_> {
    /// Commits the run's transaction and hands back its report.
    fn commit(self) -> Result<(Report, Vec<(String, crate::store::UserState)>), ImportError> {
        let Run {
            tx,
            report,
            path,
            user_states,
            mut index,
            ..
        } = self;
        index
            .flush(&tx)
            .map_err(|e| StoreError::from_sqlite(&path, e))?;
        // The ranking lengths of the index as this run leaves it (see crate::index::lengths).
        crate::index::lengths::save(&tx).map_err(|e| StoreError::from_sqlite(&path, e))?;
        tx.commit().map_err(|e| StoreError::from_sqlite(&path, e))?;
        Ok((report, user_states))
    }
    fn reject(&mut self, r: Rejection) -> Result<(), ImportError> {
        if self.opts.strict {
            return Err(ImportError::Strict(r));
        }
        self.report.rejected.push(r);
        Ok(())
    }

    fn accept(&mut self, a: NewArticle) -> Result<(), ImportError> {
        self.accept_tokens(a, None)
    }

    /// [`Self::accept`] with the article's index tokens when they were made beforehand.
    fn accept_tokens(
        &mut self,
        mut a: NewArticle,
        tokens: Option<articles::Tokens>,
    ) -> Result<(), ImportError> {
        if let (Some(base), Some(url)) = (&self.opts.base_url, &a.url) {
            a.url = Some(record::absolute_url(base, url));
        }
        self.report.text_bytes += (a.title.len() + a.body.len()) as u64;
        if let Some(state) = a.user_state.take() {
            self.user_states.push((a.ext_id(), state));
        }
        match articles::upsert_changed(&self.tx, &a, &self.now, &mut self.index, tokens)
            .map_err(|e| StoreError::from_sqlite(&self.path, e))?
        {
            (_, Upserted::Inserted, _) => self.report.inserted += 1,
            (_, Upserted::Updated, changed) => {
                self.report.updated += 1;
                self.report.unchanged += usize::from(!changed);
            }
        }
        Ok(())
    }

    fn outcome(
        &mut self,
        path: &str,
        line: usize,
        r: Result<NewArticle, String>,
    ) -> Result<(), ImportError> {
        match r {
            Ok(a) => self.accept(a),
            Err(reason) => self.reject(Rejection {
                path: path.to_owned(),
                line,
                reason,
            }),
        }
    }

    fn source(&mut self, s: Source) -> Result<(), ImportError> {
        match s {
            Source::Stdin => {
                let stdin = std::io::stdin();
                self.bytes("-", Format::Lines, &mut stdin.lock())
            }
            Source::Memory { name, data } => {
                let fmt = format_of(&name).unwrap_or(Format::Lines);
                self.bytes(&name, fmt, &mut &data[..])
            }
            Source::Path(p) => {
                let name = p.display().to_string();
                let fmt = format_of(&name).unwrap_or(Format::Lines);
                match open_regular(&p) {
                    Ok(Err(kind)) => self.reject(Rejection {
                        path: name,
                        line: 0,
                        reason: format!("not a regular file ({kind}); skipped"),
                    }),
                    Ok(Ok(f)) => self.bytes(
                        &name,
                        fmt,
                        &mut std::io::BufReader::with_capacity(1 << 16, f),
                    ),
                    Err(e) => self.reject(Rejection {
                        path: name,
                        line: 0,
                        reason: format!("cannot read: {e}"),
                    }),
                }
            }
        }
    }

    /// Imports one file or in-memory source; `name` is its path as shown in rejections and
    /// the articles' default source path.
    fn bytes(&mut self, name: &str, fmt: Format, r: &mut dyn BufRead) -> Result<(), ImportError> {
        let utf16 = match r.fill_buf() {
            Ok(head) => read::utf16_bom(head),
            Err(_) => None,
        };
        if fmt == Format::Lines && utf16.is_none() {
            return self.lines(name, r);
        }
        let data = match read::read_capped(r) {
            Ok(Ok(d)) => d,
            Ok(Err(())) => {
                let reason = format!("file larger than {} MiB", read::MAX_FILE >> 20);
                return self.reject(Rejection {
                    path: name.into(),
                    line: 0,
                    reason,
                });
            }
            Err(e) => {
                return self.reject(Rejection {
                    path: name.into(),
                    line: 0,
                    reason: format!("cannot read: {e}"),
                });
            }
        };
        if fmt == Format::Html {
            self.progress.advance(data.len() as u64);
            // Saved pages come in any charset: html::parse decodes them itself.
            let r = html::parse(&data, name, self.opts.tz);
            return self.outcome(name, 0, r);
        }
        let decoded;
        let text = match utf16 {
            Some(enc) => match read::decode_utf16(&data, enc) {
                Ok(t) => {
                    decoded = t;
                    decoded.as_str()
                }
                Err(line) => {
                    return self.reject(Rejection {
                        path: name.into(),
                        line,
                        reason: format!("invalid {}", enc.name()),
                    });
                }
            },
            None => match read::utf8(&data) {
                Ok(t) => read::strip_bom(t),
                Err(line) => {
                    return self.reject(Rejection {
                        path: name.into(),
                        line,
                        reason: "invalid UTF-8".into(),
                    });
                }
            },
        };
        if fmt == Format::Lines {
            return self.lines(name, &mut text.as_bytes());
        }
        self.progress.advance(data.len() as u64);
        match fmt {
            Format::Markdown => {
                let stem = Path::new(name)
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .unwrap_or(name);
                match markdown::parse(text, stem, self.opts.tz) {
                    Ok(mut a) => {
                        a.source_path.get_or_insert_with(|| name.to_owned());
                        self.accept(a)
                    }
                    Err(e) => self.reject(Rejection {
                        path: name.into(),
                        line: e.line,
                        reason: e.reason,
                    }),
                }
            }
            _ => self.json_array(name, text),
        }
    }

    fn json_array(&mut self, name: &str, text: &str) -> Result<(), ImportError> {
        let mut lines = read::LineTracker::new(text.as_bytes());
        let items: Vec<&serde_json::value::RawValue> = match serde_json::from_str(text) {
            Ok(items) => items,
            Err(_) => match serde_json::from_str::<&serde_json::value::RawValue>(text) {
                Ok(one) if one.get().trim_start().starts_with('{') => vec![one],
                Ok(_) => {
                    let reason = "expected an array of article objects".into();
                    return self.reject(Rejection {
                        path: name.into(),
                        line: 1,
                        reason,
                    });
                }
                Err(e) => {
                    return self.reject(Rejection {
                        path: name.into(),
                        line: e.line(),
                        reason: json_reason(&e),
                    });
                }
            },
        };
        for raw in items {
            let line = lines.line_at(raw.get().as_ptr() as usize - text.as_ptr() as usize);
            let r = record_from_json(raw.get(), self.opts.tz, name);
            self.outcome(name, line, r)?;
        }
        Ok(())
    }

    /// JSON Lines. The reading and the writing stay on this thread; decoding, parsing,
    /// normalising and tokenising each line happen on a second one (the store's writes and
    /// the text work take about the same time, and machines have two cores at least).
    /// Results come back in line order, so rejections and strict mode behave as if one
    /// thread did everything; at most [`AHEAD`] lines are in flight.
    fn lines(&mut self, name: &str, r: &mut dyn BufRead) -> Result<(), ImportError> {
        let tz = self.opts.tz;
        std::thread::scope(|scope| {
            let (lines, inbox) = std::sync::mpsc::sync_channel::<(usize, Option<Vec<u8>>)>(AHEAD);
            let (parsed_tx, parsed) = std::sync::mpsc::channel::<(usize, Parsed)>();
            scope.spawn(move || {
                for (line_no, bytes) in inbox {
                    let p = match bytes {
                        Some(b) => parse_line(&b, line_no, tz, name),
                        None => Parsed::TooLong,
                    };
                    if parsed_tx.send((line_no, p)).is_err() {
                        break;
                    }
                }
            });
            let end = self.read_lines(name, r, &lines, &parsed);
            drop(lines);
            let end = end?;
            for (line, p) in parsed {
                self.parsed(name, line, p)?;
            }
            match end {
                Some(reject) => self.reject(reject),
                None => Ok(()),
            }
        })
    }

    /// Reads lines into the pipeline, handling what has come back meanwhile. Returns the
    /// read error that ended the file early, if one did (to report after the lines before it).
    fn read_lines(
        &mut self,
        name: &str,
        r: &mut dyn BufRead,
        lines: &std::sync::mpsc::SyncSender<(usize, Option<Vec<u8>>)>,
        parsed: &std::sync::mpsc::Receiver<(usize, Parsed)>,
    ) -> Result<Option<Rejection>, ImportError> {
        let mut line_no = 0;
        loop {
            let mut buf = Vec::new();
            let line = match read::next_line(r, MAX_LINE, &mut buf) {
                Ok(l) => l,
                Err(e) => {
                    return Ok(Some(Rejection {
                        path: name.into(),
                        line: line_no + 1,
                        reason: e.to_string(),
                    }));
                }
            };
            line_no += 1;
            let msg = match line {
                None => return Ok(None),
                Some(Line::TooLong) => None,
                Some(Line::Text(b)) => {
                    self.progress.advance(b.len() as u64 + 1);
                    Some(b)
                }
            };
            if lines.send((line_no, msg)).is_err() {
                return Ok(None);
            }
            while let Ok((line, p)) = parsed.try_recv() {
                self.parsed(name, line, p)?;
            }
        }
    }

    fn parsed(&mut self, name: &str, line: usize, p: Parsed) -> Result<(), ImportError> {
        let reject = |reason: String| Rejection {
            path: name.into(),
            line,
            reason,
        };
        match p {
            Parsed::Blank => Ok(()),
            Parsed::TooLong => self.reject(reject(format!(
                "line longer than {} MiB; skipped",
                MAX_LINE >> 20
            ))),
            Parsed::Invalid(reason) => self.reject(reject(reason)),
            Parsed::Article(a, tokens) => self.accept_tokens(*a, Some(tokens)),
        }
    }
}

/// Lines read ahead of the store's writes in a JSON Lines import (memory: at most this many
/// lines of up to `MAX_LINE` bytes, plus their parsed articles).
const AHEAD: usize = 64;

/// One line of JSON Lines, made ready off the writing thread.
enum Parsed {
    Blank,
    TooLong,
    Invalid(String),
    Article(Box<NewArticle>, articles::Tokens),
}

fn parse_line(bytes: &[u8], line_no: usize, tz: FixedOffset, name: &str) -> Parsed {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) if line_no == 1 => read::strip_bom(t),
        Ok(t) => t,
        Err(_) => return Parsed::Invalid("invalid UTF-8".into()),
    };
    if text.trim().is_empty() {
        return Parsed::Blank;
    }
    match record_from_json(text, tz, name) {
        Ok(a) => {
            let tokens = articles::tokens_of(&a);
            Parsed::Article(Box::new(a), tokens)
        }
        Err(reason) => Parsed::Invalid(reason),
    }
}

fn json_reason(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    let msg = msg.split(" at line ").next().unwrap_or(&msg);
    format!("invalid JSON: {msg}")
}

/// Parses one JSON record; the source path defaults to the file it came from.
fn record_from_json(text: &str, tz: FixedOffset, source: &str) -> Result<NewArticle, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| json_reason(&e))?;
    let Value::Object(obj) = v else {
        return Err("expected a JSON object (one article per line)".into());
    };
    let mut a = to_article(&obj, Body::Field, tz).map_err(|e| e.reason)?;
    a.source_path.get_or_insert_with(|| source.to_owned());
    Ok(a)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mem(name: &str, data: &'static str) -> Source {
        Source::Memory {
            name: name.into(),
            data: data.as_bytes(),
        }
    }

    #[test]
    fn jsonl_with_a_bad_line_imports_the_rest() {
        let mut s = Store::open_in_memory().unwrap();
        let data = "{\"title\":\"a\",\"body\":\"x\"}\n\n{\"title\":\"b\"}\nnot json\n{\"title\":\"c\",\"body\":\"y\",\"views\":-1}\n{\"title\":\"d\",\"body\":\"z\"}\n";
        let r = import(&mut s, vec![mem("f.jsonl", data)], Options::default()).unwrap();
        assert_eq!(r.inserted, 2);
        let lines: Vec<String> = r.rejected.iter().map(|r| r.to_string()).collect();
        assert_eq!(lines[0], "f.jsonl:3: body: missing (alias: content)");
        assert!(lines[1].starts_with("f.jsonl:4: invalid JSON"));
        assert_eq!(
            lines[2],
            "f.jsonl:5: views: must be a whole number ≥ 0, got -1"
        );
    }

    #[test]
    fn strict_rolls_back() {
        let mut s = Store::open_in_memory().unwrap();
        let data = "{\"title\":\"a\",\"body\":\"x\"}\n{\"title\":\"b\"}\n";
        let opts = Options {
            strict: true,
            ..Options::default()
        };
        assert!(matches!(
            import(&mut s, vec![mem("f.jsonl", data)], opts),
            Err(ImportError::Strict(_))
        ));
        assert_eq!(s.article_count().unwrap(), 0);
    }

    #[test]
    fn json_array_reports_element_lines() {
        let mut s = Store::open_in_memory().unwrap();
        let data = "[\n {\"title\":\"a\",\"body\":\"x\"},\n {\"title\":\"b\",\"body\":3}\n]";
        let r = import(&mut s, vec![mem("a.json", data)], Options::default()).unwrap();
        assert_eq!(r.inserted, 1);
        assert_eq!(
            r.rejected[0].to_string(),
            "a.json:3: body: expected text, got a number"
        );
    }

    #[test]
    fn an_article_met_twice_in_one_run_is_indexed_once_as_last_seen() {
        // Index rows are written in batches (articles::IndexBatch): the second version must
        // replace the first one still waiting in the batch, not delete a row never written.
        let mut s = Store::open_in_memory().unwrap();
        let data = "{\"id\":\"a\",\"title\":\"t\",\"body\":\"旧的正文 alpha\"}\n\
                    {\"id\":\"b\",\"title\":\"u\",\"body\":\"别的 gamma\"}\n\
                    {\"id\":\"a\",\"title\":\"t\",\"body\":\"新的正文 beta\"}\n";
        let r = import(&mut s, vec![mem("f.jsonl", data)], Options::default()).unwrap();
        assert_eq!((r.inserted, r.updated), (2, 1));
        let hits = |q: &str| {
            crate::search::search(s.conn(), &crate::search::Request::new(q))
                .unwrap()
                .total
        };
        assert_eq!((hits("alpha"), hits("beta"), hits("gamma")), (0, 1, 1));
        s.conn()
            .execute(
                "INSERT INTO fts(fts, rank) VALUES ('integrity-check', 0)",
                [],
            )
            .unwrap();
    }

    #[test]
    fn reimport_is_idempotent() {
        let mut s = Store::open_in_memory().unwrap();
        let data = "{\"title\":\"a\",\"body\":\"x\",\"date\":\"2024-01-01\"}\n{\"title\":\"b\",\"body\":\"y\",\"url\":\"http://b\"}\n";
        import(&mut s, vec![mem("f.jsonl", data)], Options::default()).unwrap();
        let r = import(&mut s, vec![mem("f.jsonl", data)], Options::default()).unwrap();
        assert_eq!((r.inserted, r.updated), (0, 2));
        assert_eq!(s.article_count().unwrap(), 2);
    }

    #[test]
    fn a_failed_reclaim_after_the_commit_is_a_warning() {
        let mut r = Report {
            inserted: 3,
            ..Report::default()
        };
        after_commit(&mut r, Err(StoreError::Full(PathBuf::from("s.db"))));
        assert_eq!(r.inserted, 3);
        assert_eq!(r.warnings.len(), 1);
        assert!(r.warnings[0].contains("the import was saved"), "{r:?}");
        assert!(!r.warnings[0].contains("nothing of this run"), "{r:?}");
        after_commit(&mut r, Ok(()));
        assert_eq!(r.warnings.len(), 1);
    }

    #[test]
    fn deep_json_is_rejected() {
        let mut s = Store::open_in_memory().unwrap();
        let deep: &'static str =
            Box::leak(format!("{}{}\n", "[".repeat(200_000), "]".repeat(200_000)).into_boxed_str());
        let r = import(&mut s, vec![mem("d.jsonl", deep)], Options::default()).unwrap();
        assert!(
            r.rejected[0].reason.contains("recursion limit"),
            "{:?}",
            r.rejected
        );
    }
}
