//! The command line: `zhiku [--db PATH] [import|export|stats|search|show]`; no command opens
//! the reader. Everything printed that came from articles or files is sanitised first.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::import::{self, ImportError, Source, record};
use crate::present;
use crate::search::{Request, Scope, search};
use crate::store::{Access, Store, StoreError};
use crate::text::sanitize::escape_for_terminal;
use crate::text::{sanitize_line, str_width, width::ellipsize};

#[derive(Debug, Parser)]
#[command(
    name = "zhiku",
    version,
    about = "知库: a terminal reader for your library of Chinese technical articles"
)]
pub struct Cli {
    /// The store to use (default: zhiku.db in the user data folder, created with the sample library)
    #[arg(long, global = true, env = "ZHIKU_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import articles: .jsonl/.ndjson, .json arrays, Markdown with front matter; `-` reads JSON Lines from stdin
    Import(ImportArgs),
    /// Write every article as JSON Lines in the import format
    Export {
        /// Write to FILE instead of stdout
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Include read counts, read times and bookmarks (import restores them)
        #[arg(long)]
        user_state: bool,
        /// From a damaged store: write every article that can still be read (exit 1 when
        /// some could not)
        #[arg(long)]
        salvage: bool,
    },
    /// Print a random article (随便看看)
    Random {
        #[arg(long)]
        width: Option<usize>,
    },
    /// Months with article counts, newest first; with YYYY-MM, that month's articles
    Archive {
        /// A month, e.g. 2024-07
        month: Option<String>,
    },
    /// The reader's configuration file: check it, show its path, or print the default
    Config {
        /// Print where config.toml lives
        #[arg(long)]
        path: bool,
        /// Print the commented default configuration
        #[arg(long = "default", alias = "default-text")]
        default_text: bool,
    },
    /// Articles, tags, categories with counts, date range, store size and path
    Stats,
    /// The category tree as the reader shows it, with counts (inferred tags counted apart)
    Tree {
        /// Also list empty built-in categories when config.toml hides them
        #[arg(long)]
        all: bool,
    },
    /// File every article again with the taxonomy in force (taxonomy.toml), keeping read
    /// marks and bookmarks; the reader does this by itself when the taxonomy changed
    Retag,
    /// Search like the reader does and print the results
    Search {
        /// The query: words, "phrases", -exclusions, tag: cat: author: since: until:
        // Hyphen values: `-备份` and `-x` are exclusions, not unknown flags. Options given
        // after the query's first word arrive in it and are taken out by `search_args`.
        #[arg(required = true, num_args = 1.., allow_hyphen_values = true)]
        query: Vec<String>,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// JSON Lines instead of text
        #[arg(long)]
        json: bool,
        /// Output width for text (default: the terminal's, else 80)
        #[arg(long)]
        width: Option<usize>,
    },
    /// Fetch web pages and store their readable part as articles (again: updated in place)
    Add(crate::web::cli::AddArgs),
    /// Follow feeds: add, list, rm, import and export OPML
    Feed(crate::web::cli::FeedArgs),
    /// Fetch every feed followed and store its new and changed items
    Fetch(crate::web::cli::FetchArgs),
    /// Print one article as plain text
    Show {
        /// The article's id (as `search` and `export` print it)
        id: String,
        #[arg(long)]
        width: Option<usize>,
    },
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Files or folders (searched recursively); `-` for JSON Lines on stdin
    #[arg(required_unless_present = "sample")]
    pub paths: Vec<PathBuf>,
    /// Reject the whole run at the first bad record
    #[arg(long)]
    pub strict: bool,
    /// Offset for dates written without one (default +08:00)
    #[arg(long, value_name = "OFFSET", value_parser = parse_tz, allow_hyphen_values = true)]
    pub tz: Option<chrono::FixedOffset>,
    /// Import the bundled sample library
    #[arg(long)]
    pub sample: bool,
    /// Site address put before relative links (`/archives/…`), remembered for these paths
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
}

fn parse_tz(s: &str) -> Result<chrono::FixedOffset, String> {
    record::parse_offset(s).ok_or_else(|| format!("not an offset: {s:?} (use +08:00, -0500, UTC)"))
}

/// A failure that ends the command: printed escaped, exit status 2.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Message(String),
    #[error("cannot write output: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot write {0}: {1}")]
    Write(String, std::io::Error),
}

/// The default store's path.
pub fn default_db() -> Result<PathBuf, CliError> {
    let dirs = directories::ProjectDirs::from("", "", "zhiku").ok_or_else(|| {
        CliError::Message("cannot find a home folder for the default store; pass --db PATH".into())
    })?;
    Ok(dirs.data_dir().join("zhiku.db"))
}

/// Opens the store the command line names; the default store is created and filled with the
/// sample library on first use.
pub fn open_store(db: &Option<PathBuf>, access: Access) -> Result<Store, CliError> {
    crate::taxonomy::cli::install()?;
    let current = |mut s: Store| -> Result<Store, CliError> {
        crate::taxonomy::cli::ensure_current(&mut s)?;
        Ok(s)
    };
    if let Some(p) = db {
        return current(Store::open(p, access)?);
    }
    let path = default_db()?;
    if path.exists() {
        return current(Store::open(&path, access)?);
    }
    let mut store = Store::open(&path, Access::Write)?;
    import::import(
        &mut store,
        crate::sample::sources(),
        import::Options::default(),
    )
    .map_err(|e| match e {
        ImportError::Store(s) => CliError::Store(s),
        other => CliError::Message(other.to_string()),
    })?;
    Ok(store)
}

/// Runs a subcommand; returns the exit status.
pub fn run(cli: Cli) -> Result<ExitCode, CliError> {
    match cli.command {
        None => Err(CliError::Message("no command".into())),
        Some(Command::Import(args)) => import_cmd(&cli.db, args),
        Some(Command::Export {
            out,
            user_state,
            salvage,
        }) => export_cmd(&cli.db, out, user_state, salvage),
        Some(Command::Random { width }) => random_cmd(&cli.db, width),
        Some(Command::Archive { month }) => archive_cmd(&cli.db, month),
        Some(Command::Config { path, default_text }) => config_cmd(path, default_text),
        Some(Command::Stats) => stats_cmd(&cli.db),
        Some(Command::Tree { all }) => crate::taxonomy::cli::tree_cmd(&cli.db, all),
        Some(Command::Retag) => crate::taxonomy::cli::retag_cmd(&cli.db),
        Some(Command::Search {
            query,
            limit,
            json,
            width,
        }) => {
            let a = search_args(
                query,
                SearchArgs {
                    db: cli.db,
                    limit,
                    json,
                    width,
                    query: Vec::new(),
                },
            )?;
            search_cmd(&a.db, &a.query.join(" "), a.limit, a.json, a.width)
        }
        Some(Command::Show { id, width }) => show_cmd(&cli.db, &id, width),
        Some(Command::Add(args)) => crate::web::cli::add(&cli.db, args),
        Some(Command::Feed(args)) => crate::web::cli::feed(&cli.db, args),
        Some(Command::Fetch(args)) => crate::web::cli::fetch_cmd(&cli.db, args),
    }
}

fn import_cmd(db: &Option<PathBuf>, args: ImportArgs) -> Result<ExitCode, CliError> {
    // A mistyped path is a usage error: nothing is imported and no store is created.
    for p in &args.paths {
        if p.as_os_str() != "-"
            && let Err(e) = std::fs::metadata(p)
            && e.kind() == std::io::ErrorKind::NotFound
        {
            return Err(CliError::Message(format!(
                "no such file or folder: {}; nothing was imported",
                p.display()
            )));
        }
    }
    let target = match db {
        Some(p) => p.clone(),
        None => default_db()?,
    };
    // A store this run creates and that ends up with nothing in it is removed again; one that
    // existed before the run is never removed.
    let new_store =
        std::fs::metadata(&target).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound);
    let mut store = open_store(db, Access::Write)?;
    let base_url = crate::taxonomy::cli::base_url(&store, &args.paths, args.base_url.as_deref())?;
    let mut sources: Vec<Source> = Vec::new();
    if args.sample {
        sources.extend(crate::sample::sources());
    }
    for p in args.paths {
        sources.push(if p.as_os_str() == "-" {
            Source::Stdin
        } else {
            Source::Path(p)
        });
    }
    let opts = import::Options {
        strict: args.strict,
        tz: args.tz.unwrap_or_else(record::china_offset),
        progress: std::io::stderr().is_terminal(),
        base_url,
    };
    let result = import::import(&mut store, sources, opts);
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            if new_store {
                store.remove_if_empty();
            }
            return match e {
                ImportError::Strict(r) => {
                    eprintln!("{}", escape_for_terminal(&r.to_string()));
                    eprintln!("--strict: the whole run was rolled back; nothing was imported");
                    Ok(ExitCode::from(1))
                }
                ImportError::Store(e) => Err(e.into()),
            };
        }
    };
    for r in &report.rejected {
        eprintln!("{}", escape_for_terminal(&r.to_string()));
    }
    for w in &report.warnings {
        eprintln!("warning: {}", escape_for_terminal(w));
    }
    let removed =
        new_store && report.inserted == 0 && report.updated == 0 && store.remove_if_empty();
    eprintln!(
        "导入 imported {} new, {} updated, {} rejected in {:.2} s ({} files{}) → {}{}",
        report.inserted,
        report.updated,
        report.rejected.len(),
        report.elapsed.as_secs_f64(),
        report.files,
        if report.unchanged > 0 {
            format!(", {} of the updated unchanged", report.unchanged)
        } else {
            String::new()
        },
        escape_for_terminal(&store.path().display().to_string()),
        if removed {
            " (nothing stored: the new store was not kept)"
        } else {
            ""
        },
    );
    Ok(if report.rejected.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn export_cmd(
    db: &Option<PathBuf>,
    out: Option<PathBuf>,
    user_state: bool,
    salvage: bool,
) -> Result<ExitCode, CliError> {
    let store = open_store(db, Access::Read)?;
    if let Some(p) = &out {
        refuse_store_as_output(&store, p)?;
    }
    // An export must be whole: a damaged store is refused before anything is written, unless
    // what can still be read is asked for.
    let damaged = match store.check_integrity() {
        Ok(()) => None,
        Err(e @ StoreError::Corrupt { .. }) if salvage => Some(e),
        Err(e) => return Err(e.into()),
    };
    let lost = match out {
        None => {
            let mut w = std::io::BufWriter::new(std::io::stdout().lock());
            let lost = write_export(&store, user_state, salvage, &mut w)
                .map_err(|e| e.context("(stdout)"))?;
            w.flush()
                .map_err(|e| CliError::Write("(stdout)".into(), e))?;
            lost
        }
        Some(p) => {
            let name = p.display().to_string();
            let mut file = AtomicFile::create(&p).map_err(|e| CliError::Write(name.clone(), e))?;
            let lost = write_export(&store, user_state, salvage, file.writer())
                .map_err(|e| e.context(&name))?;
            file.commit().map_err(|e| CliError::Write(name, e))?;
            lost
        }
    };
    if let Some(e) = damaged {
        eprintln!("{}", escape_for_terminal(&e.to_string()));
        eprintln!(
            "--salvage: {} articles written, {} could not be read",
            lost.written, lost.lost
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// Refuses an `--out` that is one of the store's own files, whatever it is called (a relative
/// spelling, a symlink, a hard link): the same device and inode.
fn refuse_store_as_output(store: &Store, out: &std::path::Path) -> Result<(), CliError> {
    use std::os::unix::fs::MetadataExt;
    let Ok(target) = std::fs::metadata(out) else {
        return Ok(());
    };
    for f in store.files() {
        if let Ok(m) = std::fs::metadata(&f)
            && (m.dev(), m.ino()) == (target.dev(), target.ino())
        {
            return Err(CliError::Message(format!(
                "--out {} is the store's own file {}: refusing to overwrite it (nothing was written)",
                out.display(),
                f.display()
            )));
        }
    }
    if target.is_dir() {
        return Err(CliError::Message(format!(
            "--out {} is a folder; name a file",
            out.display()
        )));
    }
    Ok(())
}

/// A file written whole or not at all: the text goes to a temporary file in the same folder,
/// which replaces the target only once it is complete and on disk (fsync, rename, fsync of the
/// folder). A kill or a full disk midway leaves the previous file as it was.
struct AtomicFile {
    target: PathBuf,
    tmp: PathBuf,
    w: Option<std::io::BufWriter<std::fs::File>>,
}

impl AtomicFile {
    fn create(target: &std::path::Path) -> std::io::Result<AtomicFile> {
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .ok_or_else(|| std::io::Error::other("not a file name"))?;
        let tmp = dir.join(format!(
            ".{}.zhiku-tmp-{}",
            name.to_string_lossy(),
            std::process::id()
        ));
        let f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        Ok(AtomicFile {
            target: target.to_path_buf(),
            tmp,
            w: Some(std::io::BufWriter::new(f)),
        })
    }

    fn writer(&mut self) -> &mut dyn Write {
        self.w.as_mut().expect("not yet committed")
    }

    fn commit(mut self) -> std::io::Result<()> {
        let w = self.w.take().expect("committed once");
        let f = w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&self.tmp, &self.target)?;
        if let Some(dir) = self.tmp.parent() {
            let dir = if dir.as_os_str().is_empty() {
                std::path::Path::new(".")
            } else {
                dir
            };
            std::fs::File::open(dir)?.sync_all()?;
        }
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // Not committed (an error midway): the partial file goes, the target stays as it was.
        if self.w.take().is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// A failure while exporting: of the store (reading) or of the output (writing).
enum ExportError {
    Store(StoreError),
    Write(std::io::Error),
}

impl From<StoreError> for ExportError {
    fn from(e: StoreError) -> Self {
        ExportError::Store(e)
    }
}

impl ExportError {
    fn context(self, output: &str) -> CliError {
        match self {
            ExportError::Store(e) => CliError::Store(e),
            ExportError::Write(e) => CliError::Write(output.to_owned(), e),
        }
    }
}

/// What a salvaging export wrote and could not read.
#[derive(Debug, Default, Clone, Copy)]
struct Salvaged {
    written: usize,
    lost: usize,
}

fn write_export(
    store: &Store,
    user_state: bool,
    salvage: bool,
    w: &mut dyn Write,
) -> Result<Salvaged, ExportError> {
    let mut done = Salvaged::default();
    let each = |a: crate::store::Article| -> Result<(), ExportError> {
        done.written += 1;
        write_article(store, user_state, a, w)
    };
    if salvage {
        done.lost = store.salvage_each_article(each)?;
    } else {
        store.try_for_each_article(each)?;
    }
    Ok(done)
}

fn write_article(
    store: &Store,
    user_state: bool,
    a: crate::store::Article,
    w: &mut dyn Write,
) -> Result<(), ExportError> {
    {
        let mut obj = serde_json::Map::new();
        if user_state {
            let s = store.user_state(a.meta.id)?;
            if s != crate::store::UserState::default() {
                let v = serde_json::json!({
                    "read_count": s.read_count, "last_read_at": s.last_read_at, "bookmarked_at": s.bookmarked_at,
                });
                obj.insert("user_state".into(), v);
            }
        }
        let source_tags = a.meta.source_tags();
        obj.insert("id".into(), a.meta.ext_id.into());
        obj.insert("title".into(), a.meta.title.into());
        obj.insert("body".into(), a.body.into());
        obj.insert("tags".into(), source_tags.into());
        if !a.meta.inferred.is_empty() {
            obj.insert("inferred_tags".into(), a.meta.inferred.clone().into());
        }
        obj.insert("category".into(), a.meta.category.into());
        let mut put = |k: &str, v: Option<String>| {
            if let Some(v) = v {
                obj.insert(k.into(), v.into());
            }
        };
        put("author", a.meta.author);
        put("published", a.meta.published);
        put("updated", a.source_updated);
        put("summary", a.summary);
        put("url", a.url);
        put("source", a.source_path);
        obj.insert("views".into(), a.meta.views.into());
        w.write_all(json_safe(&serde_json::Value::Object(obj).to_string()).as_bytes())
            .and_then(|_| w.write_all(b"\n"))
            .map_err(ExportError::Write)
    }
}

fn random_cmd(db: &Option<PathBuf>, width: Option<usize>) -> Result<ExitCode, CliError> {
    let store = open_store(db, Access::Read)?;
    let id =
        crate::search::browse::random_one(store.conn(), &Scope::All).map_err(|e| store.err(e))?;
    let Some(a) = id.map(|id| store.article(id)).transpose()?.flatten() else {
        return Err(CliError::Message("the store has no articles".into()));
    };
    print_article(&a, term_width(width))
}

fn archive_cmd(db: &Option<PathBuf>, month: Option<String>) -> Result<ExitCode, CliError> {
    let store = open_store(db, Access::Read)?;
    let mut out = std::io::stdout().lock();
    match month {
        None => {
            for (m, n) in crate::search::browse::months(store.conn(), &Scope::All)
                .map_err(|e| store.err(e))?
            {
                writeln!(out, "{}  {n:>5} 篇", sanitize_line(&m))?;
            }
        }
        Some(m) => {
            let valid = m.len() == 7
                && m.as_bytes()[4] == b'-'
                && m[..4].parse::<u16>().is_ok()
                && m[5..].parse::<u8>().is_ok_and(|x| (1..=12).contains(&x));
            if !valid {
                return Err(CliError::Message(format!(
                    "not a month: {m:?} (use YYYY-MM, e.g. 2024-07)"
                )));
            }
            let kind = crate::search::browse::ListKind::Month(m, Scope::All);
            let res = crate::search::browse::list(&store, &kind, 20)?;
            let width = term_width(None);
            for h in res.hits {
                let date = h.meta.published.as_deref().map(present::date);
                let left = format!(
                    "{}  {}  ",
                    date.unwrap_or_default(),
                    sanitize_line(&h.meta.title)
                );
                // The id is what `show` needs: the title is cut, never the id.
                let id = format!("[{}]", sanitize_line(&h.meta.ext_id));
                writeln!(out, "{}", present::keep_right(&left, &id, width))?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn config_cmd(path: bool, default_text: bool) -> Result<ExitCode, CliError> {
    let mut out = std::io::stdout().lock();
    if default_text {
        write!(out, "{}", crate::ui::config::default_text())?;
        return Ok(ExitCode::SUCCESS);
    }
    let Some(p) = crate::config::path() else {
        return Err(CliError::Message(
            "cannot find a home folder for the configuration".into(),
        ));
    };
    if path {
        writeln!(out, "{}", escape_for_terminal(&p.display().to_string()))?;
        return Ok(ExitCode::SUCCESS);
    }
    crate::ui::config::load(&p).map_err(CliError::Message)?;
    let state = if p.exists() {
        "valid"
    } else {
        "not present (defaults in use)"
    };
    writeln!(
        out,
        "{}: {state}",
        escape_for_terminal(&p.display().to_string())
    )?;
    if let Some(line) = crate::taxonomy::cli::check_user_file()? {
        writeln!(out, "{line}")?;
    }
    Ok(ExitCode::SUCCESS)
}

fn stats_cmd(db: &Option<PathBuf>) -> Result<ExitCode, CliError> {
    let store = open_store(db, Access::Read)?;
    // The store's health is part of its statistics: a damaged one is said so (and how to
    // recover), never half printed.
    store.check_integrity()?;
    let tree = store.tree()?;
    let tags = tree.all_tags().filter(|t| t.count > 0).count();
    let mut out = Vec::new();
    writeln!(
        out,
        "store     {}",
        escape_for_terminal(&store.path().display().to_string())
    )?;
    writeln!(
        out,
        "size      {:.1} MiB",
        store.size_on_disk() as f64 / (1024.0 * 1024.0)
    )?;
    writeln!(out, "articles  {}", tree.total)?;
    writeln!(out, "tags      {tags} in use")?;
    if let Some((a, b)) = store.date_range()? {
        writeln!(
            out,
            "dates     {} … {}",
            &a[..10.min(a.len())],
            &b[..10.min(b.len())]
        )?;
    }
    writeln!(out, "categories (`zhiku tree` lists their tags)")?;
    for c in &tree.categories {
        let pad = 20usize.saturating_sub(str_width(&c.name));
        writeln!(
            out,
            "  {}{} {:>6}",
            sanitize_line(&c.name),
            " ".repeat(pad),
            c.count
        )?;
    }
    std::io::stdout()
        .lock()
        .write_all(&out)
        .map_err(|e| CliError::Write("(stdout)".into(), e))?;
    Ok(ExitCode::SUCCESS)
}

/// JSON text with C1 controls, bidi, zero-width and line-separator characters written as
/// `\uXXXX` (serde_json escapes only C0): lossless, and inert in a terminal. Such characters
/// can only occur inside JSON strings, where the escape means the same character.
pub fn json_safe(json: &str) -> String {
    use crate::text::sanitize::{is_bidi, is_zero_width};
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        let risky = ('\u{80}'..='\u{9f}').contains(&c)
            || is_bidi(c)
            || is_zero_width(c)
            || matches!(c, '\u{200d}' | '\u{2028}' | '\u{2029}');
        if risky {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Output width: `--width`, else the terminal's (COLUMNS or the tty), else 80.
fn term_width(given: Option<usize>) -> usize {
    let tty = || {
        std::io::stdout().is_terminal().then(|| {
            std::env::var("COLUMNS")
                .ok()
                .and_then(|c| c.parse().ok())
                .or_else(|| {
                    terminal_size::terminal_size().map(|(terminal_size::Width(w), _)| w as usize)
                })
        })?
    };
    given.or_else(tty).unwrap_or(80).clamp(20, 400)
}

/// The search command's options and query words.
#[derive(Debug, PartialEq)]
struct SearchArgs {
    db: Option<PathBuf>,
    limit: usize,
    json: bool,
    width: Option<usize>,
    query: Vec<String>,
}

/// Takes the options that follow the query's first word out of it (clap hands every word from
/// there on to the query, so that `-备份` is an exclusion): `--json`, `--limit N`, `--width N`
/// (or `=N`) and `--db PATH`. After a `--` everything is query text; another word starting
/// with `--` and a letter is an unknown option, as clap would say.
fn search_args(words: Vec<String>, mut a: SearchArgs) -> Result<SearchArgs, CliError> {
    let mut it = words.into_iter();
    let bad = |opt: &str, v: &str| CliError::Message(format!("invalid value {v:?} for {opt}"));
    while let Some(w) = it.next() {
        if w == "--" {
            a.query.extend(it.by_ref());
            break;
        }
        let (name, inline) = match w.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_owned(), Some(v.to_owned())),
            _ => (w.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or_else(|| CliError::Message(format!("{name} needs a value")))
        };
        match name.as_str() {
            "--json" if inline.is_none() => a.json = true,
            "--limit" => {
                let v = value("--limit")?;
                a.limit = v.parse().map_err(|_| bad("--limit", &v))?;
            }
            "--width" => {
                let v = value("--width")?;
                a.width = Some(v.parse().map_err(|_| bad("--width", &v))?);
            }
            "--db" => a.db = Some(PathBuf::from(value("--db")?)),
            // The query words are read by hand, so clap never sees a `--help` among them.
            "--help" if inline.is_none() => {
                use clap::CommandFactory;
                let mut cmd = Cli::command();
                if let Some(search) = cmd.find_subcommand_mut("search") {
                    search
                        .print_help()
                        .map_err(|e| CliError::Message(format!("cannot write: {e}")))?;
                }
                std::process::exit(0);
            }
            n if n.starts_with("--") && n[2..].starts_with(|c: char| c.is_ascii_alphabetic()) => {
                return Err(CliError::Message(format!(
                    "unknown option {n} for search (to search for it, put it after --)"
                )));
            }
            _ => a.query.push(w),
        }
    }
    Ok(a)
}

fn search_cmd(
    db: &Option<PathBuf>,
    query: &str,
    limit: usize,
    json: bool,
    width: Option<usize>,
) -> Result<ExitCode, CliError> {
    let store = open_store(db, Access::Read)?;
    let width = term_width(width);
    let mut req = Request::new(query);
    req.limit = limit;
    req.excerpt_width = width.saturating_sub(2);
    req.scope = Scope::All;
    let res = search(store.conn(), &req).map_err(|e| store.err(e))?;
    let mut out = std::io::stdout().lock();
    if json {
        for h in &res.hits {
            let v = serde_json::json!({
                "id": h.meta.ext_id, "title": h.meta.title, "tags": h.meta.tags,
                "category": h.meta.category, "author": h.meta.author, "published": h.meta.published,
                "views": h.meta.views, "score": h.score, "tier": h.tier, "excerpt": h.excerpt,
                "title_matches": h.title_matches.iter().map(|r| [r.start, r.end]).collect::<Vec<_>>(),
                "excerpt_matches": h.excerpt_matches.iter().map(|r| [r.start, r.end]).collect::<Vec<_>>(),
            });
            writeln!(out, "{}", json_safe(&v.to_string()))?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "{} 条结果 ⋅ {:.1} ms",
        present::total(&res),
        res.elapsed.as_secs_f64() * 1000.0
    )?;
    for h in &res.hits {
        let tags = present::tag_labels(&h.meta);
        writeln!(out)?;
        writeln!(
            out,
            "{}",
            ellipsize(&format!("{tags} {}", sanitize_line(&h.meta.title)), width)
        )?;
        writeln!(
            out,
            "  {}",
            ellipsize(&sanitize_line(&h.excerpt), width.saturating_sub(2))
        )?;
        writeln!(
            out,
            "  {}",
            ellipsize(&present::meta_line(&h.meta), width.saturating_sub(2))
        )?;
        writeln!(out, "  id: {}", sanitize_line(&h.meta.ext_id))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn show_cmd(db: &Option<PathBuf>, id: &str, width: Option<usize>) -> Result<ExitCode, CliError> {
    let store = open_store(db, Access::Read)?;
    let Some(a) = store.article_by_ext_id(id)? else {
        return Err(CliError::Message(format!(
            "no article with id {id:?} (ids are shown by `zhiku search`)"
        )));
    };
    print_article(&a, term_width(width))
}

/// An article as plain text: title, meta line, tags, then the body rendered from Markdown and
/// wrapped to `width` (code and tables clipped), all sanitised.
fn print_article(a: &crate::store::Article, width: usize) -> Result<ExitCode, CliError> {
    let mut out = std::io::stdout().lock();
    for line in crate::text::wrap::wrap_text(&sanitize_line(&a.meta.title), width) {
        writeln!(out, "{line}")?;
    }
    writeln!(out, "{}", present::meta_line(&a.meta))?;
    let tags: String = a
        .meta
        .source_tags()
        .iter()
        .map(|t| present::tag_label(t))
        .collect();
    writeln!(out, "{tags}  id: {}", sanitize_line(&a.meta.ext_id))?;
    if !a.meta.inferred.is_empty() {
        let inferred: String = a
            .meta
            .inferred
            .iter()
            .map(|t| present::tag_label(t))
            .collect();
        writeln!(out, "推断标签 inferred: {inferred}")?;
    }
    writeln!(out, "分类 category: {}\n", sanitize_line(&a.meta.category))?;
    // Plain text: no colours to compute.
    let opts = crate::doc::RenderOptions {
        code_theme: None,
        ..crate::doc::RenderOptions::default()
    };
    let mut doc = crate::doc::Document::with_options(&a.body, &[], &opts);
    doc.layout(width);
    for line in doc.plain_lines() {
        writeln!(out, "{}", line.trim_end())?;
    }
    if !doc.links.is_empty() {
        writeln!(out, "\n链接 links:")?;
        for l in doc.link_lines() {
            writeln!(out, "{l}")?;
        }
    }
    if let Some(u) = &a.url {
        writeln!(out, "\n原文: {}", sanitize_line(u))?;
    }
    Ok(ExitCode::SUCCESS)
}
