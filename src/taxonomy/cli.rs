//! The command line's side of the taxonomy: installing `taxonomy.toml`, re-tagging a store
//! classified with another taxonomy, `zhiku tree`, `zhiku retag`, and the base address
//! `import --base-url` remembers per source.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cli::CliError;
use crate::store::{RetagReport, Store};
use crate::text::sanitize::escape_for_terminal;

/// Installs the taxonomy and tree options the user configured (`taxonomy.toml` and
/// `hide_empty_categories` in `config.toml`), once per process. A bad file is an error that
/// names its line: classifying with something else would re-file the whole library.
pub fn install() -> Result<(), CliError> {
    static DONE: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();
    DONE.get_or_init(|| {
        super::set_hide_empty_categories(crate::config::user().hide_empty_categories);
        let Some(path) = super::user_path() else {
            return Ok(());
        };
        if let Some(t) = super::load_user(&path)? {
            super::set_active(t);
        }
        Ok(())
    })
    .clone()
    .map_err(|e| {
        CliError::Message(format!(
            "{e}\n(fix taxonomy.toml; `zhiku config` checks it)"
        ))
    })
}

/// Files the library again when it was classified with another taxonomy than the one in
/// force (the reader and every command call this when they open the store). A store that
/// cannot be written, or that another process is writing, is left as it is.
pub fn ensure_current(store: &mut Store) -> Result<Option<RetagReport>, CliError> {
    let t = super::taxonomy();
    if store.is_read_only() || !store.taxonomy_changed(&t)? {
        return Ok(None);
    }
    match store.retag(&t) {
        Ok(r) => Ok(Some(r)),
        Err(crate::store::StoreError::Busy(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// `zhiku retag`.
pub fn retag_cmd(db: &Option<PathBuf>) -> Result<ExitCode, CliError> {
    let mut store = crate::cli::open_store(db, crate::store::Access::Write)?;
    let t = super::taxonomy();
    let r = store.retag(&t)?;
    eprintln!(
        "重新分类 retagged {} articles: {} moved to another category, {} with inferred tags → {}",
        r.articles,
        r.moved,
        r.inferred,
        escape_for_terminal(&store.path().display().to_string())
    );
    Ok(ExitCode::SUCCESS)
}

/// `zhiku tree`: the tree as the reader shows it; with `all`, empty taxonomy categories too.
pub fn tree_cmd(db: &Option<PathBuf>, all: bool) -> Result<ExitCode, CliError> {
    let store = crate::cli::open_store(db, crate::store::Access::Read)?;
    let tree = store.tree_with(!all && super::hide_empty_categories())?;
    std::io::stdout()
        .lock()
        .write_all(tree.to_text().as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// `zhiku config`: checks `taxonomy.toml` too. Returns the line to print.
pub fn check_user_file() -> Result<Option<String>, CliError> {
    let Some(path) = super::user_path() else {
        return Ok(None);
    };
    let shown = escape_for_terminal(&path.display().to_string());
    match super::load_user(&path).map_err(CliError::Message)? {
        None => Ok(Some(format!(
            "{shown}: not present (built-in taxonomy in use)"
        ))),
        Some(t) => Ok(Some(format!(
            "{shown}: valid ({} categories, {} tags, {} meta tags, {} synonym groups)",
            t.categories.len(),
            t.tags().count(),
            t.meta.len(),
            t.synonyms.len()
        ))),
    }
}

fn base_url_key(source: &Path) -> String {
    let p = std::fs::canonicalize(source).unwrap_or_else(|_| source.to_path_buf());
    format!("base_url:{}", p.display())
}

/// The base address for an import of `paths`: the one given (checked, and remembered for
/// each path), else the one remembered for the first path that has one.
pub fn base_url(
    store: &Store,
    paths: &[PathBuf],
    given: Option<&str>,
) -> Result<Option<String>, CliError> {
    let files: Vec<&PathBuf> = paths.iter().filter(|p| p.as_os_str() != "-").collect();
    if let Some(g) = given {
        let url = crate::import::record::check_base_url(g).map_err(CliError::Message)?;
        for p in &files {
            store.set_setting(&base_url_key(p), &url)?;
        }
        return Ok(Some(url));
    }
    for p in files {
        if let Some(u) = store.setting(&base_url_key(p))? {
            return Ok(Some(u));
        }
    }
    Ok(None)
}
