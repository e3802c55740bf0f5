//! `atomdoc lsp`: the language server on standard input and output. The server itself is
//! `crate::lsp`; this face only says how a folder's workspace is opened (the global flags,
//! the cache) and maps the session's end to an exit status.

use std::path::Path;

use super::{GlobalArgs, cache_mode, exit};
use crate::config;
use crate::lsp::{self, Ended};
use crate::workspace::Workspace;

pub fn run(global: &GlobalArgs) -> anyhow::Result<u8> {
    let global = global.clone();
    let opener: lsp::Opener = Box::new(move |folder: &Path| {
        let open = || -> anyhow::Result<Workspace> {
            let (location, config) =
                config::locate(global.repo.as_deref(), global.root.as_deref(), folder)?;
            let mode = cache_mode(&global, &location, &config, folder)?;
            Ok(Workspace::open(location, config, &mode)?)
        };
        open().map_err(|e| format!("{e:#}"))
    });
    let stdin = std::io::BufReader::new(std::io::stdin());
    let ended = lsp::serve(stdin, std::io::stdout(), opener);
    Ok(match ended {
        Ended::Cleanly => exit::OK,
        Ended::Abruptly => exit::FINDINGS,
    })
}
