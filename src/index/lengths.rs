//! Document lengths for ranking, persisted: one row of `search_lengths` holds every indexed
//! document's length in tokens (4 bytes an article, from the smallest id), and the *stamp* of
//! the index it was computed from.
//!
//! The stamp is the index's structure record (FTS5 rewrites it on every flush of new terms and
//! every merge, with a write counter) followed by its averages record (document count and token
//! totals): any committed change to the index changes it. Import calls [`save`] at the end of
//! each run, after flushing the index, inside its transaction; a reader that finds the stamp
//! still current uses the blob (one row, ~0.3 ms for 100,000 articles) and otherwise ranks with
//! FTS5's own per-row lengths (never wrong, only slower).

use rusqlite::{Connection, OptionalExtension, params};

/// The table, created by schema version 5.
pub const TABLE_SQL: &str = "CREATE TABLE IF NOT EXISTS search_lengths(\n    \
    id INTEGER PRIMARY KEY CHECK (id = 1),\n    stamp BLOB NOT NULL,\n    \
    first INTEGER NOT NULL,\n    data BLOB NOT NULL\n);";

/// A length not known (an id with no document).
pub const NO_LENGTH: u32 = u32::MAX;

/// FTS5's row ids of its averages and structure records in `fts_data`.
const AVERAGES_ROWID: i64 = 1;
const STRUCTURE_ROWID: i64 = 10;

/// Ids spread wider than this many slots per document are not kept (a blob mostly of holes).
const MAX_SPREAD: i64 = 4;

/// The index's current stamp.
fn stamp(conn: &Connection) -> rusqlite::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut st =
        conn.prepare_cached("SELECT block FROM fts_data WHERE id IN (?1, ?2) ORDER BY id DESC")?;
    let mut rows = st.query(params![AVERAGES_ROWID, STRUCTURE_ROWID])?;
    while let Some(r) = rows.next()? {
        let b = r.get_ref(0)?.as_blob_or_null()?.unwrap_or_default();
        out.extend_from_slice(&(b.len() as u32).to_le_bytes());
        out.extend_from_slice(b);
    }
    Ok(out)
}

/// The sum of the varints in an `fts_docsize` blob: the document's tokens in all columns.
pub fn blob_tokens(mut b: &[u8]) -> Option<u32> {
    let mut total: u32 = 0;
    while !b.is_empty() {
        // SQLite's varint: 7 bits a byte, big-endian, high bit set on all but the last byte.
        let mut v: u64 = 0;
        let mut used = 0;
        for (i, &byte) in b.iter().enumerate().take(9) {
            used = i + 1;
            if i == 8 {
                v = (v << 8) | u64::from(byte);
                break;
            }
            v = (v << 7) | u64::from(byte & 0x7f);
            if byte & 0x80 == 0 {
                break;
            }
        }
        total = total.checked_add(u32::try_from(v).ok()?)?;
        b = &b[used..];
    }
    Some(total)
}

/// Every document's length from the index itself (`fts_docsize`, one row per document):
/// `(first id, lengths from it)`, or `None` when the ids are too sparse for a vector.
pub fn scan(conn: &Connection) -> rusqlite::Result<Option<(i64, Vec<u32>)>> {
    let mut pairs: Vec<(i64, u32)> = Vec::new();
    let mut st = conn.prepare_cached("SELECT id, sz FROM fts_docsize ORDER BY id")?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let sz = r.get_ref(1)?.as_blob_or_null()?.unwrap_or_default();
        if let Some(n) = blob_tokens(sz) {
            pairs.push((id, n.min(NO_LENGTH - 1)));
        }
    }
    let first = pairs.first().map_or(0, |p| p.0);
    let span = pairs.last().map_or(0, |p| p.0 - first + 1);
    if span > MAX_SPREAD * pairs.len() as i64 + 1024 {
        return Ok(None);
    }
    let mut v = vec![NO_LENGTH; span.max(0) as usize];
    for (id, n) in pairs {
        v[(id - first) as usize] = n;
    }
    Ok(Some((first, v)))
}

/// Writes the lengths of the index as it is now, with its stamp. Run by a writer at the end of
/// its changes, inside its transaction: flushes the index's pending terms first, so that the
/// stamp is the one the commit leaves.
pub fn save(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute("INSERT INTO fts(fts) VALUES ('flush')", [])?;
    let Some((first, lengths)) = scan(conn)? else {
        conn.execute("DELETE FROM search_lengths", [])?;
        return Ok(());
    };
    let mut data = Vec::with_capacity(lengths.len() * 4);
    for n in &lengths {
        data.extend_from_slice(&n.to_le_bytes());
    }
    conn.prepare_cached(
        "INSERT OR REPLACE INTO search_lengths(id, stamp, first, data) VALUES (1, ?1, ?2, ?3)",
    )?
    .execute(params![stamp(conn)?, first, data])?;
    Ok(())
}

/// The saved lengths if they are those of the index as it is now: `(first id, lengths)`.
/// `None` when they are stale, missing, or the store predates them.
pub fn load(conn: &Connection) -> rusqlite::Result<Option<(i64, Vec<u32>)>> {
    let row: Option<(Vec<u8>, i64, Vec<u8>)> =
        match conn.prepare_cached("SELECT stamp, first, data FROM search_lengths WHERE id = 1") {
            Ok(mut st) => st
                .query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?,
            // A store of an older schema, opened read-only: no table yet.
            Err(rusqlite::Error::SqliteFailure(_, Some(m))) if m.contains("no such table") => None,
            Err(e) => return Err(e),
        };
    let Some((saved, first, data)) = row else {
        return Ok(None);
    };
    if saved != stamp(conn)? || data.len() % 4 != 0 {
        return Ok(None);
    }
    let lengths = data
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    Ok(Some((first, lengths)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{Options, Source, import};
    use crate::store::Store;

    fn import_lines(store: &mut Store, lines: &'static str) {
        import(
            store,
            vec![Source::Memory {
                name: "a.jsonl".into(),
                data: lines.as_bytes(),
            }],
            Options::default(),
        )
        .unwrap();
    }

    #[test]
    fn import_saves_lengths_that_match_the_index_and_any_other_write_makes_them_stale() {
        let mut store = Store::open_in_memory().unwrap();
        // A new store's migration saved the lengths of its empty index.
        assert_eq!(load(store.conn()).unwrap(), Some((0, vec![])));
        import_lines(
            &mut store,
            "{\"id\":\"a\",\"title\":\"数据\",\"body\":\"数据备份\"}\n{\"id\":\"b\",\"title\":\"x\",\"body\":\"y z\"}\n",
        );
        let saved = load(store.conn())
            .unwrap()
            .expect("import saves the lengths");
        assert_eq!(Some(saved.clone()), scan(store.conn()).unwrap());
        assert_eq!(saved.1.len(), 2);
        // Updating an article (same totals or not) changes the index's stamp.
        store
            .conn()
            .execute(
                "INSERT INTO fts(rowid, title, tags, author, body) VALUES (99, 'q', '', '', 'r')",
                [],
            )
            .unwrap();
        assert_eq!(
            load(store.conn()).unwrap(),
            None,
            "a write the import did not see"
        );
        import_lines(
            &mut store,
            "{\"id\":\"a\",\"title\":\"数据\",\"body\":\"数据备份恢复\"}\n",
        );
        let again = load(store.conn()).unwrap().expect("saved again");
        assert_eq!(Some(again), scan(store.conn()).unwrap());
    }
}
