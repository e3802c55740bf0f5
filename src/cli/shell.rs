//! `atomdoc completions SHELL` and `atomdoc man`: generated from the clap definitions, so
//! they always list the flags and commands this binary has. Neither loads a tree.

use std::io::Write;

use clap::CommandFactory;

use super::{Cli, exit};

/// Prints the completion script for `shell` (bash, zsh, fish, powershell, elvish).
pub fn completions(shell: clap_complete::Shell) -> anyhow::Result<u8> {
    let mut command = Cli::command();
    // Generated into memory first: clap_complete panics when its writer fails, and a closed
    // stdout (`atomdoc completions bash | head`) must end the run quietly.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "atomdoc", &mut script);
    let mut out = std::io::stdout().lock();
    out.write_all(&script)?;
    out.flush()?;
    Ok(exit::OK)
}

/// Prints the manual page, `atomdoc(1)`, in roff.
pub fn man() -> anyhow::Result<u8> {
    let mut out = std::io::stdout().lock();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    out.flush()?;
    Ok(exit::OK)
}
