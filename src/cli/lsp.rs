//! `atomdoc lsp`: the language server on standard input and output. The server itself is
//! `crate::lsp`; this face only says how a folder's workspace is opened (the global flags,
//! the cache) and maps the session's end to an exit status.

use std::path::Path;

use super::{GlobalArgs, cache_mode, exit};
use crate::config;
use crate::lsp::{self, Ended};
use crate::store::CacheMode;
use crate::workspace::Workspace;

pub fn run(global: &GlobalArgs) -> anyhow::Result<u8> {
    let global = global.clone();
    let opener: lsp::Opener = Box::new(move |folder: &Path| {
        let open = || -> anyhow::Result<lsp::Opened> {
            let (location, config) =
                config::locate(global.repo.as_deref(), global.root.as_deref(), folder)?;
            let mode = cache_mode(&global, &location, &config, folder)?;
            let cache = match &mode {
                CacheMode::Disk(dir) => Some(dir.clone()),
                CacheMode::Memory => None,
            };
            let ws = Workspace::open(location, config, &mode)?;
            Ok(lsp::Opened { ws, cache })
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
