//! `zk_rank`, the ranking function of the search index: BM25 as FTS5's own `bm25()` computes
//! it (k1 = 1.2, b = 0.75, column weights, document length from the index), except that the
//! caller says what the query's terms are and how rare each one is.
//!
//! Two things make `bm25()` slow on this index, and both are wasted work here:
//! * It counts every phrase's documents again before the first row (a whole extra pass over the
//!   matches), even when the query has one term and that term's rarity cannot change the order.
//! * A prefix (`"kaf"*`) is searched as an OR of the index terms it stands for (FTS5 merges the
//!   whole doclist of every expansion before returning a row otherwise), and `bm25()` would then
//!   weigh `kafka` and `kafkaconsumer` as two terms, the rarer one far above the other.
//!
//! So a statement calls `zk_rank(fts, plan)`, where the plan gives each phrase of the MATCH
//! expression its term (a group: the expansions of one prefix share one) or none (category and
//! tag markers, exclusions), and each term's document frequency. Frequencies are summed per
//! term before BM25's saturation, and a query of one term is scored without its IDF (a
//! constant factor). Scores are negative; lower is better, as with `bm25()`.
//!
//! `bm25()` also looks up each matching row's length in the index's `fts_docsize` table (a
//! B-tree search per row, a fifth of the ranking time). `zk_rank` reads the lengths from a
//! table of every document's length that [`refresh_lengths`] keeps per connection, loaded from
//! the one row import saves ([`crate::index::lengths`]; reading the 100,000 rows of
//! `fts_docsize` instead took 30 ms, most of a one-shot `zhiku search`), reloaded whenever the
//! store has changed.

use std::cell::RefCell;
use std::ffi::{CStr, c_int, c_void};
use std::fmt::Write as _;
use std::sync::Arc;

use rusqlite::{Connection, ffi};

use super::lengths::NO_LENGTH;

/// BM25 parameters, as in FTS5's `bm25()`.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// How common a term is, for its IDF.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Df {
    /// It occurs in exactly this many documents.
    Exact(u64),
    /// It occurs in about this share of the documents (estimated from a sample).
    Share(f64),
}

/// What `zk_rank` needs to know about a statement's query.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Weights of the title, tags, author and body columns.
    pub weights: [f64; 4],
    /// For each phrase of the MATCH expression (in order), the term it counts for.
    pub groups: Vec<Option<usize>>,
    /// For each term, its document frequency; empty when there is only one term.
    pub df: Vec<Df>,
}

impl Plan {
    /// The plan as the text argument of `zk_rank`: `10,6,3,1;0,0,-,1;d123,s0.25`.
    pub fn encode(&self) -> String {
        let mut s = String::new();
        let w: Vec<String> = self.weights.iter().map(f64::to_string).collect();
        s.push_str(&w.join(","));
        s.push(';');
        for (i, g) in self.groups.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            match g {
                Some(g) => write!(s, "{g}").expect("writing to a String"),
                None => s.push('-'),
            }
        }
        s.push(';');
        for (i, d) in self.df.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            match d {
                Df::Exact(n) => write!(s, "d{n}"),
                Df::Share(x) => write!(s, "s{x}"),
            }
            .expect("writing to a String");
        }
        s
    }

    fn decode(s: &str) -> Option<Plan> {
        let mut parts = s.split(';');
        let mut weights = [1.0; 4];
        let ws: Vec<f64> = list(parts.next()?)
            .map(|w| w.parse().ok())
            .collect::<Option<_>>()?;
        if ws.len() != 4 {
            return None;
        }
        weights.copy_from_slice(&ws);
        let groups: Vec<Option<usize>> = list(parts.next()?)
            .map(|g| match g {
                "-" => Some(None),
                g => g.parse().ok().map(Some),
            })
            .collect::<Option<_>>()?;
        let df: Vec<Df> = list(parts.next()?)
            .map(|d| match d.split_at_checked(1)? {
                ("d", n) => n.parse().ok().map(Df::Exact),
                ("s", x) => x.parse().ok().map(Df::Share),
                _ => None,
            })
            .collect::<Option<_>>()?;
        let plan = Plan {
            weights,
            groups,
            df,
        };
        let terms = plan.terms();
        if parts.next().is_some() || (terms > 1 && plan.df.len() != terms) {
            return None;
        }
        Some(plan)
    }

    /// The number of terms.
    fn terms(&self) -> usize {
        self.groups.iter().flatten().max().map_or(0, |g| g + 1)
    }
}

fn list(s: &str) -> impl Iterator<Item = &str> {
    s.split(',').filter(|x| !x.is_empty())
}

/// BM25's IDF, floored as `bm25()` floors it (a term in more than half the documents).
fn idf(rows: f64, df: f64) -> f64 {
    let x = ((rows - df + 0.5) / (df + 0.5)).ln();
    if x <= 0.0 { 1e-6 } else { x }
}

/// Every indexed document's length in tokens, as of one state of the store.
#[derive(Debug)]
pub struct Lengths {
    /// `PRAGMA data_version` and this connection's total changes when it was read: either
    /// moves when the store is written, by another connection or by this one.
    version: (i64, i64),
    /// Lengths by row id, from the smallest id (empty when none are saved).
    first: i64,
    dense: Vec<u32>,
}

impl Lengths {
    fn get(&self, id: i64) -> Option<u32> {
        let i = usize::try_from(id.checked_sub(self.first)?).ok()?;
        self.dense.get(i).copied().filter(|&n| n != NO_LENGTH)
    }
}

/// The name of the connection's [`Lengths`] slot (SQLite client data).
const LENGTHS: &CStr = c"zk_lengths";

type Slot = RefCell<Option<Arc<Lengths>>>;

/// The connection's slot for [`Lengths`], made by [`register`].
fn slot<'a>(db: *mut ffi::sqlite3) -> Option<&'a Slot> {
    // SAFETY: the pointer was set by `register` from a `Box<Slot>` and lives until the
    // connection closes; callers hold the connection (or are inside one of its statements).
    unsafe {
        ffi::sqlite3_get_clientdata(db, LENGTHS.as_ptr())
            .cast::<Slot>()
            .as_ref()
    }
}

unsafe extern "C" fn drop_slot(p: *mut c_void) {
    // SAFETY: `p` came from `Box::into_raw` in `register`; SQLite calls this once, on close.
    unsafe { drop(Box::from_raw(p.cast::<Slot>())) }
}

/// Whether the connection's table of document lengths has been read (for tests: a search that
/// ranks nothing must not read it).
#[cfg(test)]
pub(crate) fn lengths_loaded(conn: &Connection) -> bool {
    // SAFETY: the handle of a connection we borrow.
    slot(unsafe { conn.handle() }).is_some_and(|s| s.borrow().is_some())
}

/// Makes sure the connection's table of document lengths matches the store, reading it again
/// if the store has changed since. Call before running ranked statements.
pub fn refresh_lengths(conn: &Connection) -> rusqlite::Result<()> {
    // SAFETY: the handle of a connection we borrow.
    let Some(slot) = slot(unsafe { conn.handle() }) else {
        return Ok(());
    };
    let data_version: i64 = conn.query_row("PRAGMA data_version", [], |r| r.get(0))?;
    // SAFETY: as above.
    let changes = unsafe { ffi::sqlite3_total_changes64(conn.handle()) };
    let version = (data_version, changes);
    if slot
        .try_borrow()
        .is_ok_and(|l| l.as_ref().is_some_and(|l| l.version == version))
    {
        return Ok(());
    }
    // The lengths import saved, when they are still those of the index; otherwise none, and
    // `zk_rank` asks FTS5 for each row's length (a store another writer changed).
    let (first, dense) = crate::index::lengths::load(conn)?.unwrap_or_default();
    if let Ok(mut l) = slot.try_borrow_mut() {
        *l = Some(Arc::new(Lengths {
            version,
            first,
            dense,
        }));
    }
    Ok(())
}

/// A statement's state, kept by FTS5 between rows.
struct State {
    plan: Plan,
    /// IDF of each term (1 for a query of one term).
    idf: Vec<f64>,
    avgdl: f64,
    /// Weighted frequency of each term in the current row.
    freq: Vec<f64>,
    /// The connection's document lengths, if loaded.
    lengths: Option<Arc<Lengths>>,
}

/// Readies a connection for searching (every store connection is): registers `zk_rank`, and
/// creates `temp.zk_vocab`, the view of the index's terms that prefixes are expanded from.
pub fn register(conn: &Connection) -> rusqlite::Result<()> {
    register_rank(conn)?;
    conn.execute_batch(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.zk_vocab USING fts5vocab(main, 'fts', 'row')",
    )
}

fn register_rank(conn: &Connection) -> rusqlite::Result<()> {
    let fail = |msg: &str| {
        rusqlite::Error::SqliteFailure(
            ffi::Error::new(ffi::SQLITE_ERROR),
            Some(format!("cannot register zk_rank: {msg}")),
        )
    };
    // SAFETY: the handle is this open connection's, used on this thread only while `conn` is
    // borrowed. The statement is finalised on every path. `sqlite3_bind_pointer` writes the
    // fts5_api pointer into `api`, which outlives the step. The function pointer and its
    // name are 'static; no user data is passed.
    unsafe {
        let db = conn.handle();
        if slot(db).is_none() {
            let boxed = Box::into_raw(Box::new(Slot::default()));
            // On failure SQLite has already called `drop_slot` on the pointer.
            if ffi::sqlite3_set_clientdata(db, LENGTHS.as_ptr(), boxed.cast(), Some(drop_slot))
                != ffi::SQLITE_OK
            {
                return Err(fail("no client data"));
            }
        }
        let mut stmt: *mut ffi::sqlite3_stmt = std::ptr::null_mut();
        if ffi::sqlite3_prepare_v2(
            db,
            c"SELECT fts5(?1)".as_ptr(),
            -1,
            &mut stmt,
            std::ptr::null_mut(),
        ) != ffi::SQLITE_OK
        {
            // Reading the schema failed (a read-only folder, a busy or damaged store): that
            // error, with its own code, is what the caller needs to see.
            let why = CStr::from_ptr(ffi::sqlite3_errmsg(db))
                .to_string_lossy()
                .into_owned();
            return Err(rusqlite::Error::SqliteFailure(
                ffi::Error::new(ffi::sqlite3_extended_errcode(db)),
                Some(why),
            ));
        }
        let mut api: *mut ffi::fts5_api = std::ptr::null_mut();
        ffi::sqlite3_bind_pointer(
            stmt,
            1,
            (&mut api as *mut *mut ffi::fts5_api).cast::<c_void>(),
            c"fts5_api_ptr".as_ptr(),
            None,
        );
        ffi::sqlite3_step(stmt);
        ffi::sqlite3_finalize(stmt);
        if api.is_null() || (*api).iVersion < 2 {
            return Err(fail("no fts5_api"));
        }
        let Some(create) = (*api).xCreateFunction else {
            return Err(fail("no xCreateFunction"));
        };
        if create(
            api,
            c"zk_rank".as_ptr(),
            std::ptr::null_mut(),
            Some(zk_rank),
            None,
        ) != ffi::SQLITE_OK
        {
            return Err(fail("xCreateFunction failed"));
        }
    }
    Ok(())
}

/// The FTS5 auxiliary function. Any failure becomes an SQL error of the statement.
unsafe extern "C" fn zk_rank(
    api: *const ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    ctx: *mut ffi::sqlite3_context,
    n: c_int,
    args: *mut *mut ffi::sqlite3_value,
) {
    // SAFETY: FTS5 calls this with valid pointers for the duration of the call (see `score`).
    unsafe {
        match score(api, fts, ctx, n, args) {
            Ok(s) => ffi::sqlite3_result_double(ctx, s),
            Err(rc) => ffi::sqlite3_result_error_code(ctx, rc),
        }
    }
}

unsafe extern "C" fn drop_state(p: *mut c_void) {
    // SAFETY: `p` is the pointer `score` made with `Box::into_raw`, handed to FTS5 once; FTS5
    // calls this once when the statement ends (or when it cannot keep the pointer).
    unsafe { drop(Box::from_raw(p.cast::<State>())) }
}

/// Checks an FTS5 return code.
fn ok(rc: c_int) -> Result<(), c_int> {
    if rc == ffi::SQLITE_OK {
        Ok(())
    } else {
        Err(rc)
    }
}

/// # Safety
/// `api`, `fts` and `ctx` are the pointers FTS5 passes to an auxiliary function; `args` holds
/// `n` values.
unsafe fn score(
    api: *const ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    ctx: *mut ffi::sqlite3_context,
    n: c_int,
    args: *mut *mut ffi::sqlite3_value,
) -> Result<f64, c_int> {
    const ERR: c_int = ffi::SQLITE_ERROR;
    // SAFETY: see the function's contract; every API pointer is checked before it is called.
    unsafe {
        let api = &*api;
        let get_aux = api.xGetAuxdata.ok_or(ERR)?;
        let mut state = get_aux(fts, 0).cast::<State>();
        if state.is_null() {
            // The first row of this statement: read the plan and the index's statistics.
            if n != 1 {
                return Err(ERR);
            }
            let text = ffi::sqlite3_value_text(*args);
            let len = ffi::sqlite3_value_bytes(*args);
            if text.is_null() || len < 0 {
                return Err(ERR);
            }
            let bytes = std::slice::from_raw_parts(text, len as usize);
            let plan = std::str::from_utf8(bytes)
                .ok()
                .and_then(Plan::decode)
                .ok_or(ERR)?;
            if plan.groups.len() != api.xPhraseCount.ok_or(ERR)?(fts) as usize {
                return Err(ERR);
            }
            let (mut rows, mut tokens) = (0i64, 0i64);
            ok(api.xRowCount.ok_or(ERR)?(fts, &mut rows))?;
            ok(api.xColumnTotalSize.ok_or(ERR)?(fts, -1, &mut tokens))?;
            let rows_f = rows.max(1) as f64;
            let terms = plan.terms();
            let idf = if terms <= 1 {
                vec![1.0; terms]
            } else {
                plan.df
                    .iter()
                    .map(|d| match *d {
                        Df::Exact(n) => idf(rows_f, n as f64),
                        Df::Share(s) => idf(rows_f, s.clamp(0.0, 1.0) * rows_f),
                    })
                    .collect()
            };
            let avgdl = if tokens > 0 {
                tokens as f64 / rows_f
            } else {
                1.0
            };
            let lengths = slot(ffi::sqlite3_context_db_handle(ctx))
                .and_then(|s| s.try_borrow().ok().and_then(|l| l.clone()));
            let boxed = Box::into_raw(Box::new(State {
                plan,
                idf,
                avgdl,
                freq: vec![0.0; terms],
                lengths,
            }));
            // On failure FTS5 has already called `drop_state` on the pointer.
            ok(api.xSetAuxdata.ok_or(ERR)?(
                fts,
                boxed.cast::<c_void>(),
                Some(drop_state),
            ))?;
            state = boxed;
        }
        let st = &mut *state;
        st.freq.fill(0.0);
        let mut count: c_int = 0;
        ok(api.xInstCount.ok_or(ERR)?(fts, &mut count))?;
        let inst = api.xInst.ok_or(ERR)?;
        for i in 0..count {
            let (mut phrase, mut col, mut off) = (0, 0, 0);
            ok(inst(fts, i, &mut phrase, &mut col, &mut off))?;
            if let Some(Some(g)) = st.plan.groups.get(phrase as usize) {
                st.freq[*g] += st.plan.weights.get(col as usize).copied().unwrap_or(1.0);
            }
        }
        let known = match &st.lengths {
            Some(l) => l.get(api.xRowid.ok_or(ERR)?(fts)),
            None => None,
        };
        let len = match known {
            Some(n) => n as f64,
            None => {
                let mut len: c_int = 0;
                ok(api.xColumnSize.ok_or(ERR)?(fts, -1, &mut len))?;
                f64::from(len)
            }
        };
        let norm = K1 * (1.0 - B + B * len / st.avgdl);
        let mut total = 0.0;
        for (f, idf) in st.freq.iter().zip(&st.idf) {
            total += idf * (f * (K1 + 1.0)) / (f + norm);
        }
        Ok(-total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_round_trip() {
        let p = Plan {
            weights: [10.0, 6.0, 3.0, 1.0],
            groups: vec![Some(0), Some(0), None, Some(1)],
            df: vec![Df::Exact(123), Df::Share(0.25)],
        };
        assert_eq!(p.encode(), "10,6,3,1;0,0,-,1;d123,s0.25");
        assert_eq!(Plan::decode(&p.encode()), Some(p));
        let one = Plan {
            weights: [1.0; 4],
            groups: vec![Some(0)],
            df: vec![],
        };
        assert_eq!(Plan::decode(&one.encode()), Some(one));
        for bad in [
            "",
            "1,2,3;0;",
            "1,2,3,4;0,1;d1",
            "1,2,3,4;x;",
            "1,2,3,4;0;q1;",
        ] {
            assert_eq!(Plan::decode(bad), None, "{bad}");
        }
    }

    fn store(rows: &[(i64, &str, &str)]) -> crate::store::Store {
        let store = crate::store::Store::open_in_memory().unwrap();
        for (id, title, body) in rows {
            store
                .conn()
                .execute(
                    "INSERT INTO fts(rowid, title, tags, author, body) VALUES (?1, ?2, '', '', ?3)",
                    rusqlite::params![id, title, body],
                )
                .unwrap();
        }
        store
    }

    fn ranks(conn: &Connection, expr: &str, plan: &Plan, with: &str) -> Vec<(i64, f64, f64)> {
        conn.prepare(&format!(
            "SELECT rowid, zk_rank(fts, ?1), {with} FROM fts WHERE fts MATCH ?2 ORDER BY rowid"
        ))
        .unwrap()
        .query_map(rusqlite::params![plan.encode(), expr], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
    }

    const BM25: &str = "bm25(fts, 10.0, 6.0, 3.0, 1.0)";

    fn plan(groups: Vec<Option<usize>>, df: Vec<Df>) -> Plan {
        Plan {
            weights: [10.0, 6.0, 3.0, 1.0],
            groups,
            df,
        }
    }

    /// Our scores are `bm25()`'s times one factor (1 when the IDFs are given).
    fn assert_proportional(rows: &[(i64, f64, f64)]) {
        let ratio = rows[0].2 / rows[0].1;
        for (id, ours, theirs) in rows {
            assert!(*ours < 0.0, "{id}");
            assert!(
                (ours * ratio - theirs).abs() < 1e-9,
                "{id}: {ours} {theirs}"
            );
        }
    }

    #[test]
    fn one_term_orders_as_bm25_does() {
        let long = "kafka a b c d e f g h i j k l m n o p q r s t u v w";
        let s = store(&[
            (1, "x", "kafka a b c d e f g h"),
            (2, "kafka", "a b"),
            (3, "y", "kafka kafka kafka a"),
            (4, "z", long),
        ]);
        // Without the (constant) IDF the scores are bm25()'s divided by it: same order.
        let rows = ranks(s.conn(), "\"kafka\"", &plan(vec![Some(0)], vec![]), BM25);
        assert_proportional(&rows);
    }

    #[test]
    fn several_terms_match_bm25_with_exact_frequencies() {
        let s = store(&[
            (1, "redis", "kafka a b"),
            (2, "x", "kafka redis redis"),
            (3, "y", "redis c d e"),
            (4, "z", "kafka"),
            (5, "w", "kafka q"),
        ]);
        let p = plan(vec![Some(0), Some(1)], vec![Df::Exact(4), Df::Exact(3)]);
        let rows = ranks(s.conn(), "\"kafka\" OR \"redis\"", &p, BM25);
        assert!(rows.iter().all(|r| (r.1 - r.2).abs() < 1e-9), "{rows:?}");
    }

    #[test]
    fn expansions_count_as_one_term_and_markers_as_none() {
        let s = store(&[
            (1, "t", "kafka kafkaconsumer"),
            (2, "t", "kafka kafka"),
            (3, "t", "kafkaconsumer zkc1"),
        ]);
        let plan = Plan {
            weights: [1.0; 4],
            groups: vec![Some(0), Some(0), None],
            df: vec![],
        };
        let rows = ranks(
            s.conn(),
            "(\"kafka\" OR \"kafkaconsumer\") NOT \"zkc1\"",
            &plan,
            "0",
        );
        // Rows 1 and 2 have two occurrences of the term each, in bodies of the same length.
        assert_eq!(rows.len(), 2);
        assert!((rows[0].1 - rows[1].1).abs() < 1e-12, "{rows:?}");
    }

    #[test]
    fn varints_are_summed() {
        use crate::index::lengths::blob_tokens;
        assert_eq!(blob_tokens(&[]), Some(0));
        assert_eq!(blob_tokens(&[3, 0, 1, 0x7f]), Some(131));
        // 300 = 0b10_0101100: 0x82 0x2c.
        assert_eq!(blob_tokens(&[0x82, 0x2c, 5]), Some(305));
    }

    fn loaded(conn: &Connection) -> Arc<Lengths> {
        slot(unsafe { conn.handle() })
            .unwrap()
            .borrow()
            .clone()
            .unwrap()
    }

    #[test]
    fn the_length_table_gives_the_same_scores_and_follows_changes() {
        let s = store(&[
            (1, "kafka", "a b c d e f g h i j"),
            (2, "x", "kafka kafka a"),
            (
                40,
                "y",
                "kafka q r s t u v w x y z a b c d e f g h i j k l m n o p",
            ),
        ]);
        let conn = s.conn();
        let plan = plan(vec![Some(0)], vec![]);
        let before = ranks(conn, "\"kafka\"", &plan, "0");
        // Nothing saved: no table, and FTS5's own lengths.
        refresh_lengths(conn).unwrap();
        assert!(loaded(conn).dense.is_empty());
        crate::index::lengths::save(conn).unwrap();
        refresh_lengths(conn).unwrap();
        let l = loaded(conn);
        assert_eq!(
            (l.get(1), l.get(2), l.get(40), l.get(3)),
            (Some(11), Some(4), Some(28), None)
        );
        assert_eq!(ranks(conn, "\"kafka\"", &plan, "0"), before);
        // A new row the saved lengths do not know: they are stale and not used; the new row
        // scores as bm25 says.
        conn.execute(
            "INSERT INTO fts(rowid, title, tags, author, body) VALUES (1000000, '', '', '', 'kafka')",
            [],
        )
        .unwrap();
        refresh_lengths(conn).unwrap();
        assert!(loaded(conn).dense.is_empty());
        assert_proportional(&ranks(conn, "\"kafka\"", &plan, BM25));
        // Saved again: ids too sparse for a vector, so none are kept, and scores still agree.
        crate::index::lengths::save(conn).unwrap();
        refresh_lengths(conn).unwrap();
        assert!(loaded(conn).dense.is_empty());
        assert_proportional(&ranks(conn, "\"kafka\"", &plan, BM25));
    }

    #[test]
    fn a_wrong_plan_is_an_error_not_a_crash() {
        let s = store(&[(1, "t", "kafka")]);
        let conn = s.conn();
        for plan in ["garbage", "1,1,1,1;0,1;d1,d1"] {
            let r: rusqlite::Result<f64> = conn.query_row(
                "SELECT zk_rank(fts, ?1) FROM fts WHERE fts MATCH 'kafka'",
                [plan],
                |r| r.get(0),
            );
            assert!(r.is_err(), "{plan}");
        }
    }
}
