//! The `zhiku` binary: command line, or the reader when no command is given.

use std::process::ExitCode;

use clap::Parser;
use zhiku::cli::{Cli, run};
use zhiku::text::sanitize::escape_for_terminal;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.command.is_none() {
        eprintln!("zhiku: the reader is not built yet; try `zhiku search 故障` or `zhiku --help`");
        return ExitCode::from(2);
    }
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("zhiku: {}", escape_for_terminal(&e.to_string()));
            ExitCode::from(2)
        }
    }
}
