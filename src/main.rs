//! The `zhiku` binary: command line, or the reader when no command is given.

use std::process::ExitCode;

use clap::Parser;
use zhiku::cli::{Cli, run};
use zhiku::text::sanitize::escape_for_terminal;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.command.is_none() {
        return match reader(&cli) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("zhiku: {}", escape_for_terminal(&e.to_string()));
                ExitCode::from(2)
            }
        };
    }
    match run(cli) {
        Ok(code) => code,
        // `zhiku export | head`: the reader went away; nothing is wrong.
        Err(zhiku::cli::CliError::Io(e) | zhiku::cli::CliError::Write(_, e))
            if e.kind() == std::io::ErrorKind::BrokenPipe =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("zhiku: {}", escape_for_terminal(&e.to_string()));
            ExitCode::from(2)
        }
    }
}

fn reader(cli: &Cli) -> color_eyre::Result<()> {
    color_eyre::install()?;
    let store = zhiku::cli::open_store(&cli.db, zhiku::store::Access::Read)?;
    let path = store.path().to_path_buf();
    drop(store);
    zhiku::ui::run(&path)
}
