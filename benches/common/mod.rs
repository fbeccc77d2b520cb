//! What the benches share: the corpus size, where the bench store lives, building it, and
//! milliseconds.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use zhiku::import::{Options, Report, Source, import};
use zhiku::store::{Access, Store};

use super::corpus;

/// Setting in the bench store naming the corpus it holds, so a stale store is rebuilt.
const CORPUS_KEY: &str = "bench.corpus";

/// `ZHIKU_BENCH_N` or `default`.
pub fn bench_n(default: usize) -> usize {
    match std::env::var("ZHIKU_BENCH_N") {
        Ok(s) => s
            .trim()
            .replace('_', "")
            .parse()
            .unwrap_or_else(|_| panic!("ZHIKU_BENCH_N must be a number, got {s:?}")),
        Err(_) => default,
    }
}

/// True when run by `cargo bench` (which passes `--bench`), false under `cargo test`.
pub fn benchmarking() -> bool {
    std::env::args().any(|a| a == "--bench")
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}

/// `target/bench-100k.db` for 100,000 articles, `target/bench-2500.db` for 2,500.
pub fn store_path(n: usize) -> PathBuf {
    let name = if n >= 1000 && n % 1000 == 0 {
        format!("bench-{}k.db", n / 1000)
    } else {
        format!("bench-{n}.db")
    };
    target_dir().join(name)
}

fn corpus_label(n: usize) -> String {
    format!(
        "gen_corpus n={n} seed={} {}",
        corpus::DEFAULT_SEED,
        corpus::VERSION
    )
}

/// Whether the store at `path` exists and holds exactly the corpus of `n` articles.
pub fn store_is_current(path: &Path, n: usize) -> bool {
    let Ok(store) = Store::open_read_only(path) else {
        return false;
    };
    store.setting(CORPUS_KEY).ok().flatten() == Some(corpus_label(n))
}

/// A finished build of the bench store.
pub struct Built {
    pub path: PathBuf,
    pub generate: Duration,
    pub corpus_bytes: u64,
    pub report: Report,
    pub checkpoint: Duration,
    pub store_bytes: u64,
}

fn remove_store(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{suffix}", path.display()));
        if p.exists() {
            std::fs::remove_file(&p)
                .unwrap_or_else(|e| panic!("cannot remove {}: {e}", p.display()));
        }
    }
}

/// The bench store of `n` articles, built first when missing or stale; `who` names the bench in
/// what is printed.
pub fn current_store(n: usize, who: &str) -> PathBuf {
    let path = store_path(n);
    if !store_is_current(&path, n) {
        println!(
            "{who}: building the {n}-article store at {}",
            path.display()
        );
        let b = build_store(n);
        println!(
            "{who}: imported {n} articles in {:.1} s",
            b.report.elapsed.as_secs_f64()
        );
    }
    path
}

/// Generates `n` articles into a temporary JSON Lines file and imports them into a fresh store
/// at [`store_path`]; only the `import()` call is timed as the import.
pub fn build_store(n: usize) -> Built {
    corpus::self_check().expect("corpus generator");
    let tmp = tempfile::tempdir().expect("temp dir");
    let jsonl = tmp.path().join("corpus.jsonl");
    let t = Instant::now();
    let corpus_bytes = corpus::write_jsonl(&jsonl, n, corpus::DEFAULT_SEED).expect("write corpus");
    let generate = t.elapsed();
    let path = store_path(n);
    remove_store(&path);
    let mut store = Store::open(&path, Access::Write).expect("create store");
    let report = import(&mut store, vec![Source::Path(jsonl)], Options::default()).expect("import");
    assert!(
        report.rejected.is_empty(),
        "rejected: {:?}",
        &report.rejected[..report.rejected.len().min(5)]
    );
    assert_eq!(report.inserted, n, "every article is new");
    store
        .set_setting(CORPUS_KEY, &corpus_label(n))
        .expect("mark the store");
    let t = Instant::now();
    store
        .conn()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .expect("checkpoint");
    let checkpoint = t.elapsed();
    let store_bytes = store.size_on_disk();
    Built {
        path,
        generate,
        corpus_bytes,
        report,
        checkpoint,
        store_bytes,
    }
}

/// Bytes per table/index of the store (dbstat), largest first.
pub fn space_by_object(path: &Path) -> Vec<(String, u64)> {
    let store = Store::open_read_only(path).expect("open store");
    let mut st = store
        .conn()
        .prepare("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC")
        .expect("dbstat");
    st.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))
        .expect("dbstat")
        .collect::<Result<_, _>>()
        .expect("dbstat rows")
}

/// A duration in milliseconds.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

pub fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}
