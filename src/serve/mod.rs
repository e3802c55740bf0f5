//! `atomdoc serve`: the knowledge graph in the browser, live.
//!
//! A small read-only web server (axum on tokio) over one shared [`Workspace`]: a page with
//! the graph (WebGL, sigma.js), a document panel, search, the query box and coverage, and a
//! JSON API the page asks (`api.rs`). Every answer comes from the workspace — its graph, the
//! export model (colours, orphans, broken placeholders, levels), `ask`, `search`, the checks'
//! findings — so the page shows what the CLI prints; nothing here re-implements a rule.
//! Changes a watcher reports are applied to the workspace in place ([`Shared::apply`]) and
//! announced to every open page as a server-sent event.
//!
//! Owns: routes, the `Host` check, security headers, the embedded assets (`assets.rs`),
//! Markdown → sanitised HTML for the document panel (`markdown.rs`).
//! Must not: read files (documents' text comes from the workspace, assets are compiled in),
//! write anything, print (the cli prints the URL and notices), or run programs.
//!
//! Security: loopback by default; every request's `Host` (and an absolute request target's
//! authority) must name the address served ([`guard::Hosts`]), so a DNS-rebinding page cannot
//! read the API; only `GET`/`HEAD`; no endpoint takes a file path other than a document's,
//! looked up in the corpus (anything else is a 404); every document-derived string reaches
//! the page as JSON text set through `textContent`, or as HTML cleaned by `ammonia`; a strict
//! Content-Security-Policy forbids inline scripts besides.

mod api;
mod assets;
mod guard;
mod markdown;
mod memo;

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use axum::Router;
use axum::routing::get;
use tokio::sync::broadcast;

use crate::workspace::{Applied, Change, Workspace};
pub use guard::Hosts;

/// Where to listen and which `Host` names to accept besides the address itself.
#[derive(Debug, Clone)]
pub struct Options {
    pub bind: IpAddr,
    /// 0: a free port the system picks.
    pub port: u16,
    /// Extra host names the `Host` header may carry (a machine name when serving a network).
    pub allow_hosts: Vec<String>,
}

/// The state every request shares: the one workspace, its generation (bumped by every
/// applied change, under the workspace's write lock, so a reader always sees the generation
/// of what it reads), the answers kept for this generation and the channel announcing changes.
pub struct Shared {
    workspace: RwLock<Workspace>,
    /// Why the checks cannot run (`[check]` invalid), for the coverage panel.
    checks_error: RwLock<Option<String>>,
    generation: AtomicU64,
    memo: memo::Memo,
    events: broadcast::Sender<Arc<str>>,
    hosts: Hosts,
}

impl Shared {
    fn new(workspace: Workspace, hosts: Hosts) -> Shared {
        let (events, _) = broadcast::channel(64);
        let shared = Shared {
            workspace: RwLock::new(workspace),
            checks_error: RwLock::new(None),
            generation: AtomicU64::new(1),
            memo: memo::Memo::default(),
            events,
            hosts,
        };
        shared.start_checks(&mut shared.write());
        shared
    }

    /// Runs the checks once, so that the workspace keeps their findings up to date from now
    /// on (the document panel and coverage read them), and reads every document's text.
    fn start_checks(&self, ws: &mut Workspace) {
        let error = ws.diagnostics().err().map(|e| e.to_string());
        *self.checks_error.write().unwrap_or_else(|e| e.into_inner()) = error;
    }

    /// Why the checks cannot run, if they cannot.
    fn checks_error(&self) -> Option<String> {
        self.checks_error
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The answer to the question `key`, kept from earlier in this generation or computed now
    /// by `compute` over the workspace (see [`memo`]).
    fn answer(
        &self,
        key: String,
        compute: impl FnOnce(&Workspace, u64) -> memo::Answer,
    ) -> memo::Answer {
        let ws = self.read();
        let generation = self.generation();
        self.memo
            .answer(generation, key, || compute(&ws, generation))
    }

    /// Computes the answers a page asks for first — the whole graph and coverage — so that
    /// the first page after the start finds them ready. (After a change the open pages ask
    /// at once anyway; warming then would only compete with them.)
    pub fn warm(&self) {
        let graph = api::GraphParams::default();
        self.answer(graph.key(), |ws, generation| {
            api::graph_answer(ws, generation, &graph)
        });
        let error = self.checks_error();
        self.answer(api::COVERAGE.into(), |ws, generation| {
            api::coverage_answer(ws, generation, error)
        });
    }

    fn read(&self) -> RwLockReadGuard<'_, Workspace> {
        self.workspace.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Workspace> {
        self.workspace.write().unwrap_or_else(|e| e.into_inner())
    }

    /// The generation of the answers: it grows with every change applied.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Applies a batch of changes to the workspace and tells every open page. A failed batch
    /// still starts a new generation (it may have changed part of the workspace), so no
    /// answer of the old one is sent again.
    pub fn apply(&self, changes: Vec<Change>) -> io::Result<Applied> {
        let (applied, generation) = {
            let mut ws = self.write();
            let applied = ws.apply(changes);
            (applied, self.next_generation())
        };
        let applied = applied?;
        self.announce(generation, &applied);
        Ok(applied)
    }

    /// Replaces the workspace by a fresh load (the watcher could not say what changed) and
    /// tells every open page.
    pub fn replace(&self, workspace: Workspace) {
        let generation = {
            let mut ws = self.write();
            *ws = workspace;
            self.start_checks(&mut ws);
            self.next_generation()
        };
        self.announce(generation, &Applied::default());
    }

    /// Bumps the generation (with the write lock held) and returns the new one.
    fn next_generation(&self) -> u64 {
        self.generation.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// Notices the workspace gathered (the cache, the search index), for the cli to print.
    pub fn take_notices(&self) -> Vec<String> {
        self.read().take_notices()
    }

    fn announce(&self, generation: u64, applied: &Applied) {
        let message = serde_json::json!({
            "generation": generation,
            "added": applied.added,
            "changed": applied.changed,
            "removed": applied.removed,
        });
        // Nobody listening is fine: the next page asks for the new state anyway.
        let _ = self.events.send(message.to_string().into());
    }
}

/// A bound server, not yet serving.
pub struct Server {
    listener: std::net::TcpListener,
    shared: Arc<Shared>,
    url: String,
}

impl Server {
    /// Binds the address `options` name (a free port when it is 0) over `workspace`.
    pub fn bind(workspace: Workspace, options: &Options) -> io::Result<Server> {
        let listener = std::net::TcpListener::bind(SocketAddr::new(options.bind, options.port))
            .map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!(
                        "cannot listen on {}: {e}; choose another --port or --bind",
                        SocketAddr::new(options.bind, options.port)
                    ),
                )
            })?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let hosts = Hosts::new(addr, &options.allow_hosts);
        let host = match addr.ip() {
            IpAddr::V6(ip) => format!("[{ip}]"),
            IpAddr::V4(ip) if ip.is_unspecified() => "127.0.0.1".to_string(),
            IpAddr::V4(ip) => ip.to_string(),
        };
        Ok(Server {
            listener,
            shared: Arc::new(Shared::new(workspace, hosts)),
            url: format!("http://{host}:{}/", addr.port()),
        })
    }

    /// The address to open in a browser.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The shared state, for the loop applying the watcher's changes.
    pub fn shared(&self) -> Arc<Shared> {
        Arc::clone(&self.shared)
    }

    /// Serves until the process ends. The first answers are computed meanwhile
    /// ([`Shared::warm`]).
    pub fn run(self) -> io::Result<()> {
        let shared = Arc::clone(&self.shared);
        std::thread::Builder::new()
            .name("atomdoc-serve-warm".into())
            .spawn(move || shared.warm())?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(self.listener)?;
            axum::serve(listener, router(self.shared)).await
        })
    }
}

/// Every route; anything else is a 404.
fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/", get(assets::index))
        .route("/assets/{*name}", get(assets::asset))
        .route("/api/graph", get(api::graph))
        .route("/api/doc", get(api::doc))
        .route("/api/search", get(api::search))
        .route("/api/query", get(api::query))
        .route("/api/coverage", get(api::coverage))
        .route("/api/events", get(api::events))
        .fallback(api::not_found)
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&shared),
            guard::guard,
        ))
        .with_state(shared)
}
