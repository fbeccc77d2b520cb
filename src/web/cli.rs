//! `zhiku add`, `zhiku feed ...`, `zhiku fetch`. Everything printed that came from the web is
//! sanitised (titles, URLs) or escaped (errors).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand};

use super::net::{Client, NetConfig, web_url};
use super::{Labels, fetch, opml};
use crate::cli::{CliError, open_store};
use crate::store::{Access, Upserted};
use crate::text::sanitize::escape_for_terminal;
use crate::text::sanitize_line;

/// Network limits (defaults as the README gives them).
#[derive(Debug, Clone, Args)]
pub struct NetArgs {
    /// Give up on a response after SECS seconds (the connection itself: at most 10)
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    pub timeout: u64,
    /// Refuse bodies larger than MIB mebibytes (counted after decompression)
    #[arg(long, value_name = "MIB", default_value_t = 10)]
    pub max_body: u64,
}

impl NetArgs {
    fn client(&self) -> Client {
        let timeout = Duration::from_secs(self.timeout.max(1));
        Client::new(NetConfig {
            timeout,
            connect_timeout: timeout.min(Duration::from_secs(10)),
            max_body: self.max_body.max(1) << 20,
            ..NetConfig::default()
        })
    }
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Pages to fetch (http or https)
    #[arg(required = true, value_name = "URL")]
    pub urls: Vec<String>,
    /// A tag for the stored articles (repeatable)
    #[arg(long = "tag", short = 't', value_name = "TAG")]
    pub tags: Vec<String>,
    /// The category (a taxonomy category, else one of the library's own); tags the page names
    /// in its title or often in its text are inferred besides those given
    #[arg(long, short = 'c')]
    pub category: Option<String>,
    #[command(flatten)]
    pub net: NetArgs,
}

#[derive(Debug, Args)]
pub struct FeedArgs {
    #[command(subcommand)]
    pub cmd: FeedCmd,
}

#[derive(Debug, Subcommand)]
pub enum FeedCmd {
    /// Follow a feed (RSS, Atom or JSON Feed); `zhiku fetch` fetches it
    Add {
        #[arg(value_name = "URL")]
        url: String,
        #[arg(long, short = 'c')]
        category: Option<String>,
        /// A tag for its articles (repeatable)
        #[arg(long = "tag", short = 't', value_name = "TAG")]
        tags: Vec<String>,
        /// Fetch each new item's page and store its readable text instead of the feed's summary
        #[arg(long)]
        full_text: bool,
    },
    /// The feeds followed: title, URL, last fetch, items stored, last error
    List,
    /// Stop following a feed (by URL or by its number in `feed list`); its articles stay
    Rm {
        #[arg(value_name = "URL|N")]
        which: String,
    },
    /// Follow every feed of an OPML file (as newsboat, russ and most readers export)
    Import {
        #[arg(value_name = "FILE.opml")]
        file: PathBuf,
    },
    /// Write the feeds followed as OPML
    Export {
        /// Write to FILE instead of stdout
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct FetchArgs {
    /// Feeds fetched at once
    #[arg(long, default_value_t = fetch::DEFAULT_PARALLEL, value_parser = clap::value_parser!(u16).range(1..=16))]
    pub parallel: u16,
    #[command(flatten)]
    pub net: NetArgs,
}

fn kib(n: usize) -> String {
    if n < 1024 {
        format!("{n} B")
    } else {
        format!("{:.1} KiB", n as f64 / 1024.0)
    }
}

/// `zhiku add URL...`
pub fn add(db: &Option<PathBuf>, args: AddArgs) -> Result<ExitCode, CliError> {
    let mut store = open_store(db, Access::Write)?;
    store.require_writable("add")?;
    let client = args.net.client();
    let labels = Labels {
        tags: args.tags,
        category: args.category,
    };
    let mut failed = 0;
    let mut out = std::io::stdout().lock();
    for raw in &args.urls {
        let got = web_url(raw)
            .map_err(super::PageError::from)
            .and_then(|u| super::fetch_page(&client, &u))
            .and_then(|(page, url)| {
                super::page_article(
                    &page,
                    Some(&url),
                    &labels,
                    url.as_str(),
                    crate::import::record::china_offset(),
                )
                .map_err(|reason| super::PageError::Record {
                    url: url.to_string(),
                    reason,
                })
            });
        let article = match got {
            Ok(a) => a,
            Err(e) => {
                failed += 1;
                eprintln!("zhiku: {}", escape_for_terminal(&e.to_string()));
                continue;
            }
        };
        let saved = super::save(&mut store, std::slice::from_ref(&article))?;
        let (id, what, ext_id) = &saved[0];
        let verb = match what {
            Upserted::Inserted => "新增 added",
            Upserted::Updated => "更新 updated",
        };
        writeln!(
            out,
            "{verb}  {}  {}  ({})",
            sanitize_line(ext_id),
            sanitize_line(&article.title),
            kib(article.body.len())
        )?;
        if let Some(u) = &article.url {
            writeln!(out, "    {}", sanitize_line(u))?;
        }
        // Where it was filed: the category and tags given, and those inferred (`[~MySQL]`).
        if let Some(stored) = store.article(*id)? {
            let tags = crate::present::tag_labels(&stored.meta);
            let sep = if tags.is_empty() { "" } else { "  " };
            writeln!(
                out,
                "    分类 {}{sep}{tags}",
                sanitize_line(&stored.meta.category),
            )?;
        }
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `zhiku feed ...`
pub fn feed(db: &Option<PathBuf>, args: FeedArgs) -> Result<ExitCode, CliError> {
    let mut out = std::io::stdout().lock();
    match args.cmd {
        FeedCmd::Add {
            url,
            category,
            tags,
            full_text,
        } => {
            let u = web_url(&url).map_err(|e| CliError::Message(e.to_string()))?;
            let store = open_store(db, Access::Write)?;
            let tags: Vec<String> = tags
                .iter()
                .map(|t| sanitize_line(t).trim().to_owned())
                .filter(|t| !t.is_empty())
                .collect();
            let category = category
                .map(|c| sanitize_line(&c).trim().to_owned())
                .filter(|c| !c.is_empty());
            let new = store.add_feed(u.as_str(), None, category.as_deref(), &tags, full_text)?;
            let verb = if new { "following" } else { "updated" };
            writeln!(
                out,
                "{verb} {} (`zhiku fetch` fetches it)",
                sanitize_line(u.as_str())
            )?;
        }
        FeedCmd::List => {
            let store = open_store(db, Access::Read)?;
            let feeds = store.feeds()?;
            if feeds.is_empty() {
                writeln!(out, "no feeds (add one with `zhiku feed add URL`)")?;
            }
            for (i, f) in feeds.iter().enumerate() {
                let title = f.title.as_deref().unwrap_or("(not fetched yet)");
                writeln!(out, "{:>3}  {}", i + 1, sanitize_line(title))?;
                writeln!(out, "     {}", sanitize_line(&f.url))?;
                let mut labels = String::new();
                if let Some(c) = &f.category {
                    labels.push_str(&format!("  category {}", sanitize_line(c)));
                }
                if !f.tags.is_empty() {
                    labels.push_str(&format!("  tags {}", sanitize_line(&f.tags.join(", "))));
                }
                if f.full_text {
                    labels.push_str("  full text");
                }
                writeln!(
                    out,
                    "     last fetch {}  items {}{labels}",
                    f.last_fetch
                        .as_deref()
                        .map_or("never".into(), sanitize_line),
                    f.items
                )?;
                if let Some(e) = &f.last_error {
                    writeln!(out, "     last error: {}", sanitize_line(e))?;
                }
            }
        }
        FeedCmd::Rm { which } => {
            let store = open_store(db, Access::Write)?;
            match store.remove_feed(&which)? {
                Some(url) => writeln!(
                    out,
                    "no longer following {} (its articles stay)",
                    sanitize_line(&url)
                )?,
                None => {
                    return Err(CliError::Message(format!(
                        "no feed {} (see `zhiku feed list`)",
                        escape_for_terminal(&which)
                    )));
                }
            }
        }
        FeedCmd::Import { file } => {
            let name = escape_for_terminal(&file.display().to_string());
            let data = std::fs::File::open(&file)
                .and_then(|f| crate::import::read::read_capped(std::io::BufReader::new(f)))
                .map_err(|e| CliError::Message(format!("{name}: cannot read: {e}")))?
                .map_err(|()| {
                    CliError::Message(format!(
                        "{name}: larger than {} MiB",
                        crate::import::read::MAX_FILE >> 20
                    ))
                })?;
            let text = super::charset::decode(&data, None).text;
            let list = opml::parse(&text)
                .map_err(|e| CliError::Message(format!("{name}: {}", escape_for_terminal(&e))))?;
            let mut store = open_store(db, Access::Write)?;
            let feeds: Vec<_> = list
                .feeds
                .iter()
                .map(|f| {
                    (
                        f.url.clone(),
                        f.title.as_deref().map(sanitize_line),
                        f.folder.as_deref().map(sanitize_line),
                    )
                })
                .collect();
            let n = store.add_feeds(&feeds)?;
            for s in &list.skipped {
                eprintln!("{name}: skipped {}", escape_for_terminal(s));
            }
            writeln!(
                out,
                "{n} new feeds followed ({} in the file, {} already followed, {} skipped)",
                list.feeds.len(),
                list.feeds.len() - n,
                list.skipped.len()
            )?;
        }
        FeedCmd::Export { out: path } => {
            let store = open_store(db, Access::Read)?;
            let feeds: Vec<_> = store
                .feeds()?
                .into_iter()
                .map(|f| (f.url, f.title, f.category))
                .collect();
            let text = opml::write(&feeds);
            match path {
                Some(p) => std::fs::write(&p, text)?,
                None => out.write_all(text.as_bytes())?,
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `zhiku fetch`
pub fn fetch_cmd(db: &Option<PathBuf>, args: FetchArgs) -> Result<ExitCode, CliError> {
    let mut store = open_store(db, Access::Write)?;
    let client = args.net.client();
    let tty = std::io::stderr().is_terminal();
    let bar = indicatif::ProgressBar::hidden();
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} 抓取 {pos}/{len} [{bar:30}] {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let mut progress = |ev: &fetch::Event| match ev {
        fetch::Event::Start(n) => {
            bar.set_length(*n as u64);
            if tty {
                bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
        }
        fetch::Event::Done(o) => {
            bar.inc(1);
            let name = o.title.as_deref().unwrap_or(&o.url);
            bar.set_message(sanitize_line(name));
            let mut lines = Vec::new();
            match &o.error {
                Some(e) => lines.push(format!("failed  {}", escape_for_terminal(e))),
                None if o.not_modified => lines.push(format!(
                    "304     {} (not modified)",
                    escape_for_terminal(&o.url)
                )),
                None => lines.push(format!(
                    "ok      {}: {} new, {} updated, {} unchanged",
                    escape_for_terminal(name),
                    o.new,
                    o.updated,
                    o.unchanged
                )),
            }
            for n in &o.notes {
                lines.push(format!(
                    "        {}: {}",
                    escape_for_terminal(&o.url),
                    escape_for_terminal(n)
                ));
            }
            for l in lines {
                if tty {
                    bar.println(l);
                } else {
                    eprintln!("{l}");
                }
            }
        }
    };
    let summary = fetch::fetch_all(&mut store, &client, args.parallel as usize, &mut progress)?;
    bar.finish_and_clear();
    eprintln!(
        "抓取 fetched {} feeds: {} new, {} updated, {} failed",
        summary.feeds.len(),
        summary.new,
        summary.updated,
        summary.failed
    );
    Ok(if summary.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
