//! The bundled sample library, compiled into the binary and imported through the normal path.

use include_dir::{Dir, include_dir};

use crate::import::Source;

static ARTICLES: Dir = include_dir!("$CARGO_MANIFEST_DIR/assets/sample/articles");

/// Linux command tips: (command, explanation).
pub fn tips() -> Vec<(&'static str, &'static str)> {
    include_str!("../assets/sample/tips.tsv")
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .collect()
}

/// Short classical lines for the empty state.
pub fn verses() -> Vec<&'static str> {
    include_str!("../assets/sample/verses.txt")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect()
}

/// The sample articles as import sources, in file name order.
pub fn sources() -> Vec<Source> {
    let mut files: Vec<_> = ARTICLES.files().collect();
    files.sort_by_key(|f| f.path());
    files
        .into_iter()
        .map(|f| Source::Memory {
            name: format!("sample/{}", f.path().display()),
            data: f.contents(),
        })
        .collect()
}
