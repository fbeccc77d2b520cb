//! Every `zhiku …` command line README.md shows parses with the real command line, in every
//! form its synopsis allows (each `[optional]` part left out and put in, each `a | b` choice),
//! so the README can never again name a flag the program does not have.

use clap::Parser;
use zhiku::cli::Cli;

/// Command lines in README.md: inline code spans and lines of code blocks that start with
/// `zhiku `; a code block line ends at its description (two spaces after the command).
fn readme_commands(readme: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_block = false;
    for line in readme.lines() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
            continue;
        }
        if in_block {
            if let Some(cmd) = line.strip_prefix("zhiku") {
                let cmd = cmd.split("  ").next().unwrap_or("");
                out.push(format!("zhiku{cmd}").trim().to_owned());
            }
            continue;
        }
        for (i, span) in line.split('`').enumerate() {
            if i % 2 == 1 && (span == "zhiku" || span.starts_with("zhiku ")) {
                out.push(span.to_owned());
            }
        }
    }
    out
}

/// A sample value for a synopsis placeholder.
fn value(word: &str) -> String {
    match word.trim_end_matches("...") {
        "PATH" => "articles.jsonl".into(),
        "FILE" => "out.jsonl".into(),
        "QUERY" => "数据 备份".into(),
        "ID" => "s-001".into(),
        "N" => "5".into(),
        "YYYY-MM" => "2024-07".into(),
        w => w.to_owned(),
    }
}

/// Every concrete command line a synopsis stands for.
fn expand(synopsis: &str) -> Vec<Vec<String>> {
    let mut forms: Vec<Vec<String>> = vec![Vec::new()];
    let mut rest = synopsis;
    while !rest.is_empty() {
        rest = rest.trim_start();
        if let Some(inner) = rest.strip_prefix('[') {
            let end = inner.find(']').expect("a closing ] in the synopsis");
            let mut choices: Vec<Vec<String>> = vec![Vec::new()];
            for alt in inner[..end].split('|') {
                choices.push(alt.split_whitespace().map(value).collect());
            }
            forms = forms
                .iter()
                .flat_map(|f| {
                    choices.iter().map(move |c| {
                        let mut f = f.clone();
                        f.extend(c.iter().cloned());
                        f
                    })
                })
                .collect();
            rest = &inner[end + 1..];
        } else {
            let end = rest.find([' ', '[']).unwrap_or(rest.len());
            let word = &rest[..end];
            if !word.is_empty() {
                for f in &mut forms {
                    f.push(value(word));
                }
            }
            rest = &rest[end..];
        }
    }
    forms
}

#[test]
fn every_command_line_in_the_readme_parses() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let commands = readme_commands(&readme);
    assert!(
        commands.len() >= 15,
        "README.md shows {} command lines: {commands:?}",
        commands.len()
    );
    assert!(commands.iter().any(|c| c == "zhiku config --default"));
    let mut failures = Vec::new();
    for c in &commands {
        for form in expand(c) {
            if let Err(e) = Cli::try_parse_from(&form) {
                failures.push(format!("{form:?} (from `{c}`): {}", e.kind()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_expansion_finds_a_flag_that_does_not_exist() {
    let bad = expand("zhiku config [--path | --defaults]");
    assert_eq!(bad.len(), 3);
    assert!(bad.iter().any(|f| Cli::try_parse_from(f).is_err()));
    assert!(Cli::try_parse_from(["zhiku", "config", "--default-text"]).is_ok());
}
