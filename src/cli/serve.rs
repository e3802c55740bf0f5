//! `atomdoc serve`: loads the tree, binds the server, prints its URL, opens a browser when
//! asked, and applies the file watcher's changes ([`crate::workspace::watch`]) to the served
//! workspace (a fresh load when the watcher cannot say what changed).

use std::io::Write;
use std::net::IpAddr;

use clap::Args;

use super::{GlobalArgs, load_with_mode};
use crate::serve::{Options, Server};
use crate::store::CacheMode;
use crate::workspace::watch::{self, Event};

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Port to listen on [default: a free port]
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Address to listen on; anything but loopback lets others on the network read the docs
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDRESS")]
    pub bind: IpAddr,
    /// Also accept requests addressed to this host name (when serving a network; repeatable)
    #[arg(long, value_name = "NAME")]
    pub allow_host: Vec<String>,
    /// Open the page in the default browser
    #[arg(long)]
    pub open: bool,
}

pub fn run(global: &GlobalArgs, args: ServeArgs) -> anyhow::Result<u8> {
    let (workspace, mode) = load_with_mode(global)?;
    let cache = match &mode {
        CacheMode::Disk(dir) => Some(dir.clone()),
        CacheMode::Memory => None,
    };
    let watched = watch::start(&workspace.location, &workspace.config, cache.as_deref());
    let documents = workspace.corpus.docs.len();
    let options = Options {
        bind: args.bind,
        port: args.port,
        allow_hosts: args.allow_host,
    };
    let server = Server::bind(workspace, &options)?;
    let shared = server.shared();
    for notice in shared.take_notices() {
        let _ = writeln!(std::io::stderr(), "{}", crate::render::sanitize(&notice));
    }
    if !args.bind.is_loopback() {
        let _ = writeln!(
            std::io::stderr(),
            "warning: serving on {}: anyone who can reach this address can read every document",
            args.bind
        );
    }
    {
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "atomdoc serve: {} ({documents} documents; Ctrl-C stops)",
            server.url()
        )?;
        out.flush()?;
    }
    if args.open {
        open_browser(server.url());
    }
    // The watcher lives as long as the server: dropping it would stop the updates.
    let _watcher = match watched {
        Ok((watcher, events)) => {
            let global = global.clone();
            std::thread::Builder::new()
                .name("atomdoc-serve-live".into())
                .spawn(move || follow(&global, &shared, &events))?;
            Some(watcher)
        }
        Err(e) => {
            let _ = writeln!(
                std::io::stderr(),
                "warning: cannot watch the files ({e}); the page will not follow changes"
            );
            None
        }
    };
    server.run()?;
    Ok(super::exit::OK)
}

/// Applies each batch the watcher reports to the served workspace (reloading it when the
/// watcher lost track), printing notices and failures as warnings.
fn follow(
    global: &GlobalArgs,
    shared: &crate::serve::Shared,
    events: &std::sync::mpsc::Receiver<Event>,
) {
    for event in events {
        let failure = match event {
            Event::Changes(changes) => shared.apply(changes).err().map(|e| e.to_string()),
            Event::Rescan(_) => match load_with_mode(global) {
                Ok((workspace, _)) => {
                    shared.replace(workspace);
                    None
                }
                Err(e) => Some(format!("{e:#}")),
            },
        };
        let mut err = std::io::stderr().lock();
        for notice in shared.take_notices() {
            let _ = writeln!(err, "{}", crate::render::sanitize(&notice));
        }
        if let Some(why) = failure {
            let _ = writeln!(
                err,
                "warning: cannot follow a change: {}; the page shows the tree as before",
                crate::render::sanitize(&why)
            );
        }
    }
}

/// Opens `url` with the desktop's opener; a failure is a warning (the URL is printed).
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        let _ = writeln!(
            std::io::stderr(),
            "warning: cannot open a browser ({opener}: {e}); open {url} yourself"
        );
    }
}
