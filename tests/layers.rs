//! The crate's layers: only the reader (`src/ui/`) and `src/main.rs` use ratatui or crossterm,
//! and the command line and the taxonomy find the configuration file without the reader.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Lines of code (not comments) of `path` that mention one of `words`.
fn uses(path: &Path, words: &[&str]) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            let t = l.trim_start();
            !t.starts_with("//") && words.iter().any(|w| t.contains(w))
        })
        .map(|(i, l)| format!("{}:{}: {}", path.display(), i + 1, l.trim()))
        .collect()
}

#[test]
fn only_the_reader_and_main_touch_the_terminal_library() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    assert!(files.len() > 20, "found the sources");
    let ui = root.join("src/ui");
    let mut bad = Vec::new();
    for f in files
        .iter()
        .filter(|f| !f.starts_with(&ui) && !f.ends_with("src/main.rs"))
    {
        bad.extend(uses(f, &["ratatui", "crossterm"]));
    }
    assert!(
        bad.is_empty(),
        "ratatui/crossterm outside src/ui:\n{}",
        bad.join("\n")
    );
    // The check sees what it looks for.
    assert!(!uses(&ui.join("mod.rs"), &["ratatui"]).is_empty());
}

#[test]
fn the_configuration_file_is_found_without_the_reader() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src/taxonomy"), &mut files);
    let mut bad = Vec::new();
    for f in &files {
        bad.extend(uses(f, &["crate::ui"]));
    }
    // The command line checks the reader's settings (`zhiku config`), nothing else of it.
    bad.extend(uses(&root.join("src/cli.rs"), &["ui::config::path"]));
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
