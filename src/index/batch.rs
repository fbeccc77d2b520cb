//! An article's row of the index made in two steps: tokenised (pure, on any thread: an
//! import tokenises on a second one) and written, in batches.

use rusqlite::{Connection, params};

use super::{TagRow, author_marker, category_marker, index_text, tag_marker, tags_text};

/// An article's title, author and body as the index holds them (pure: any thread).
pub struct Tokens {
    title: String,
    author: String,
    body: String,
}

impl Tokens {
    pub fn of(title: &str, author: Option<&str>, body: &str) -> Tokens {
        Tokens {
            title: index_text(title),
            author: index_text(author.unwrap_or("")),
            body: index_text(body),
        }
    }
}

/// An article's row of the search index, tokenised, not yet written.
pub struct IndexRow {
    id: i64,
    text: Tokens,
    /// The tags column: tag names' tokens and the markers.
    tags: String,
}

impl IndexRow {
    pub fn new(
        id: i64,
        title: &str,
        author: Option<&str>,
        body: &str,
        category_id: i64,
        tags: &[TagRow],
    ) -> IndexRow {
        IndexRow::of_tokens(
            id,
            Tokens::of(title, author, body),
            author,
            category_id,
            tags,
        )
    }

    /// The row from text tokenised beforehand (an import tokenises on another thread).
    pub fn of_tokens(
        id: i64,
        tokens: Tokens,
        author: Option<&str>,
        category_id: i64,
        tags: &[TagRow],
    ) -> IndexRow {
        let names: Vec<String> = tags.iter().map(|t| t.0.clone()).collect();
        let mut tags_text = tags_text(&names);
        for (_, tag, _) in tags {
            tags_text.push(' ');
            tags_text.push_str(&tag_marker(*tag));
        }
        tags_text.push(' ');
        tags_text.push_str(&category_marker(category_id));
        if let Some(a) = author.filter(|a| !a.trim().is_empty()) {
            tags_text.push(' ');
            tags_text.push_str(&author_marker(a));
        }
        IndexRow {
            id,
            text: tokens,
            tags: tags_text,
        }
    }

    fn bytes(&self) -> usize {
        let t = &self.text;
        t.title.len() + self.tags.len() + t.author.len() + t.body.len()
    }

    pub fn write(&self, conn: &Connection) -> rusqlite::Result<()> {
        conn.prepare_cached(
            "INSERT INTO fts(rowid, title, tags, author, body) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            self.id,
            self.text.title,
            self.tags,
            self.text.author,
            self.text.body
        ])?;
        Ok(())
    }
}

/// Index rows held back and written together. FTS5 writes its pending terms out as a new
/// segment at every statement savepoint of the transaction, and with foreign keys on, filing
/// an article (`UPDATE articles`, `DELETE FROM article_tags`) opens one: written one by one
/// between those statements, every article became a segment of its own, and merging those
/// segments was 58 % of an import's instructions. Written in a batch, the pending terms
/// grow to FTS5's `hashsize` as meant.
#[derive(Default)]
pub struct IndexBatch {
    rows: Vec<IndexRow>,
    ids: std::collections::HashSet<i64>,
    bytes: usize,
}

impl IndexBatch {
    /// Tokenised text held before the batch is written (the memory it costs).
    pub const MAX_BYTES: usize = 24 << 20;

    /// Adds a row, writing the batch when it is full.
    pub fn push(&mut self, conn: &Connection, row: IndexRow) -> rusqlite::Result<()> {
        self.bytes += row.bytes();
        self.ids.insert(row.id);
        self.rows.push(row);
        if self.bytes >= Self::MAX_BYTES {
            self.flush(conn)?;
        }
        Ok(())
    }

    /// Writes every row held (before the transaction commits or the index is read).
    pub fn flush(&mut self, conn: &Connection) -> rusqlite::Result<()> {
        for r in self.rows.drain(..) {
            r.write(conn)?;
        }
        self.ids.clear();
        self.bytes = 0;
        Ok(())
    }

    /// Drops the row held for article `id`, if any (it is being written again).
    pub fn discard(&mut self, id: i64) -> bool {
        if !self.ids.remove(&id) {
            return false;
        }
        if let Some(i) = self.rows.iter().position(|r| r.id == id) {
            self.bytes -= self.rows[i].bytes();
            self.rows.remove(i);
        }
        true
    }
}
