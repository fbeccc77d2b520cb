//! The search index's format: the one owner of what the store writes into FTS5 and what search
//! reads back from it.
//!
//! * [`tokens`]: the tokeniser (Han runs as overlapping bigrams plus the last character, Latin
//!   and digit runs as folded words), used both to write a row and to plan a query.
//! * The filter markers ([`tag_marker`], [`category_marker`], [`author_marker`]) written into
//!   the tags column, so that `tag:` `cat:` `author:` are index terms intersected with the text.
//! * [`batch`]: a row tokenised apart from writing it, and rows written in batches (FTS5
//!   writes a segment at every statement savepoint, so one row at a time made one per article).
//! * [`write_row`] and [`reindex_all`]: an article's row of the index, and the whole index
//!   rebuilt (schema migrations).
//! * [`register`]: readies a connection for searching (`zk_rank`, the vocabulary view).
//! * [`lengths`]: every document's length in tokens, kept as one blob that import rewrites at
//!   the end of each run, so that a search process does not read 100,000 rows to rank.
//! * [`rank`]: `zk_rank`, BM25 with the query's own terms (the crate's one `unsafe` module).

pub mod batch;
pub mod lengths;
#[allow(unsafe_code)]
pub mod rank;
pub mod tokens;

use rusqlite::Connection;
use sha2::{Digest, Sha256};

pub use batch::{IndexBatch, IndexRow, Tokens};
pub use tokens::{Run, index_text, runs};

/// The search-index token marking articles with a tag (`tag:` filters match it).
pub fn tag_marker(tag_id: i64) -> String {
    format!("zkt{tag_id}")
}

/// The search-index token marking the articles filed under a category (`cat:` filters and the
/// tree's category scope match it).
pub fn category_marker(category_id: i64) -> String {
    format!("zkc{category_id}")
}

/// The search-index token marking articles by an author (`author:` filters match it):
/// a hash of the folded name, so any spelling of the name's case meets the same token.
pub fn author_marker(author: &str) -> String {
    let hash = Sha256::digest(crate::text::search_fold_str(author.trim()).as_bytes());
    let hex: String = hash.iter().take(5).map(|b| format!("{b:02x}")).collect();
    format!("zka{hex}")
}

/// The text indexed for an article's tag names.
pub fn tags_text(tags: &[String]) -> String {
    index_text(&tags.join(" "))
}

/// An article's tag as the index needs it: name, tag id, the tag's category id.
pub type TagRow = (String, i64, i64);

/// Writes an article's row of the search index. The tags column holds the tag names' tokens
/// and the tag markers, and the marker of the one category the article is filed under (so
/// that `cat:` finds exactly the articles the tree counts).
pub fn write_row(
    conn: &Connection,
    id: i64,
    title: &str,
    author: Option<&str>,
    body: &str,
    category_id: i64,
    tags: &[TagRow],
) -> rusqlite::Result<()> {
    IndexRow::new(id, title, author, body, category_id, tags).write(conn)
}

/// Removes an article's row of the search index (before it is written again).
pub fn delete_row(conn: &Connection, id: i64) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM fts WHERE rowid = ?1")?
        .execute([id])?;
    Ok(())
}

/// Rebuilds the whole search index from the articles (schema migrations), with a progress bar
/// on stderr when it is a terminal and the rebuild takes more than a second (a store of
/// 100,000 articles takes a minute or more; the reader opens its store before the screen).
pub fn reindex_all(conn: &Connection) -> rusqlite::Result<()> {
    use std::io::IsTerminal;
    conn.execute("INSERT INTO fts(fts) VALUES ('delete-all')", [])?;
    let total: i64 = conn.query_row("SELECT count(*) FROM articles", [], |r| r.get(0))?;
    let mut progress = crate::progress::Progress::new(
        total as u64,
        std::io::stderr().is_terminal(),
        crate::present::REINDEX_PROGRESS,
    );
    let mut st =
        conn.prepare("SELECT id, title, author, body, category_id FROM articles ORDER BY id")?;
    let mut tag_st = conn.prepare(
        "SELECT t.name, t.id, t.category_id FROM article_tags x JOIN tags t ON t.id = x.tag_id \
         WHERE x.article_id = ?1 ORDER BY x.position",
    )?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let (title, author, body): (String, Option<String>, String) =
            (r.get(1)?, r.get(2)?, r.get(3)?);
        let tags: Vec<TagRow> = tag_st
            .query_map([id], |t| Ok((t.get(0)?, t.get(1)?, t.get(2)?)))?
            .collect::<Result<_, _>>()?;
        write_row(conn, id, &title, author.as_deref(), &body, r.get(4)?, &tags)?;
        progress.advance(1);
    }
    progress.finish();
    Ok(())
}

/// Readies a connection for searching (every store connection is): registers `zk_rank`, and
/// creates `temp.zk_vocab`, the view of the index's terms that prefixes are expanded from.
pub fn register(conn: &Connection) -> rusqlite::Result<()> {
    rank::register(conn)
}
