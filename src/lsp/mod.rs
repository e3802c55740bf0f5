//! `atomdoc lsp`: the Language Server Protocol over a reader and a writer (stdin/stdout).
//!
//! A thin face over [`Workspace`](crate::workspace::Workspace): one live workspace per
//! repository the client opens; `didOpen`/`didChange`/`didClose` become overlays,
//! `didChangeWatchedFiles` (or the fallback watcher) file changes, both applied through
//! `Workspace::apply`. Diagnostics are the workspace's findings; answers come from the corpus,
//! the graph and the search index. Nothing here resolves a link or runs a rule.
//!
//! Threads: the reader and writer (`transport`), the main loop (requests, in order), and the
//! debounce thread that applies queued changes once typing pauses. A request first applies
//! whatever is queued, so it answers on the latest text. A panic in a handler is caught: the
//! request gets an `InternalError`, the log says why, the server keeps serving.
//!
//! Must not: print (the writer owns the output), read a file outside a workspace folder's
//! repository, or write anything but atomdoc's own `.atomdoc/explain/` pages.

mod complete;
mod edit;
mod navigate;
mod state;
mod text;
mod transport;

use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::Uri;
use serde_json::{Value, json};

use crate::workspace::{Change, watch};
use state::{Event, Folders, log};
pub use state::{Opened, Opener};
use text::Encoding;

/// How long the client must be quiet before queued edits are applied (and diagnostics
/// published) without a request asking for them: enough to gather the burst of
/// notifications one editor command sends, short enough not to be seen. Edits that arrive
/// while a batch is being applied wait for the next one, so typing never waits for an apply.
const DEBOUNCE: Duration = Duration::from_millis(15);

/// Edits that keep coming are applied at least this often.
const MAX_WAIT: Duration = Duration::from_millis(250);

/// A request that fails on purpose when `ATOMDOC_LSP_TEST_PANIC` is set: how the protocol
/// tests prove a panicking handler leaves the server serving.
const PANIC_METHOD: &str = "atomdoc/testPanic";

/// How a session ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Ended {
    /// `shutdown`, then `exit`.
    Cleanly,
    /// `exit` without `shutdown`, or the input closed.
    Abruptly,
}

/// Serves one client until `exit` or the end of its input.
pub fn serve(
    input: impl BufRead + Send + 'static,
    output: impl Write + Send + 'static,
    opener: Opener,
) -> Ended {
    let (incoming, out, writer) = transport::start(input, output);
    let ended = Server::new(out, opener).run(&incoming);
    let _ = writer.join();
    ended
}

/// What the debounce thread and the main loop share.
struct Shared {
    folders: Mutex<Folders>,
    /// Changes not applied yet, in the order they came, and files just opened.
    queue: Mutex<(Vec<Event>, Vec<PathBuf>)>,
    out: Sender<Value>,
    enc: Mutex<Encoding>,
}

impl Shared {
    fn folders(&self) -> MutexGuard<'_, Folders> {
        // A panic while the lock was held (caught, logged) must not stop the server.
        self.folders.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn encoding(&self) -> Encoding {
        *self.enc.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn queue(&self, event: Event, opened: Option<PathBuf>) {
        let mut q = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        q.0.push(event);
        q.1.extend(opened);
    }

    /// Applies what is queued, publishes what changed, and returns the folders locked.
    fn flushed(&self) -> MutexGuard<'_, Folders> {
        let mut folders = self.folders();
        let (events, opened) =
            std::mem::take(&mut *self.queue.lock().unwrap_or_else(|e| e.into_inner()));
        if !events.is_empty() || !opened.is_empty() {
            let outbox = folders.flush(events, &opened, self.encoding());
            for (method, params) in outbox {
                self.notify(method, params);
            }
        }
        folders
    }

    fn notify(&self, method: &str, params: Value) {
        let n = Notification::new(method.to_string(), params);
        let _ = self
            .out
            .send(transport::to_value(&Message::Notification(n)));
    }

    fn log(&self, kind: u8, message: String) {
        let (method, params) = log(kind, message);
        self.notify(method, params);
    }

    fn respond(&self, response: Response) {
        let _ = self
            .out
            .send(transport::to_value(&Message::Response(response)));
    }
}

/// What the client can do, from `initialize`.
#[derive(Default)]
struct Client {
    watches_files: bool,
    document_changes: bool,
    resource_create: bool,
    resource_rename: bool,
}

struct Server {
    shared: Arc<Shared>,
    client: Client,
    /// Open buffers by absolute path: their URI, and their text as the client has it.
    docs: HashMap<PathBuf, (Uri, String)>,
    wake: Option<Sender<()>>,
    next_id: i32,
    shut_down: bool,
    /// Folders named at `initialize` (none: the repository of the first file opened).
    roots: Vec<PathBuf>,
}

impl Server {
    fn new(out: Sender<Value>, opener: Opener) -> Server {
        Server {
            shared: Arc::new(Shared {
                folders: Mutex::new(Folders::new(opener)),
                queue: Mutex::new((Vec::new(), Vec::new())),
                out,
                enc: Mutex::new(Encoding::Utf16),
            }),
            client: Client::default(),
            docs: HashMap::new(),
            wake: None,
            next_id: 0,
            shut_down: false,
            roots: Vec::new(),
        }
    }

    fn run(mut self, incoming: &Receiver<transport::Incoming>) -> Ended {
        let ended = self.serve(incoming);
        // Stop the helper threads so the writer can finish: dropping the workspaces stops
        // their watchers (whose threads hold a waker), dropping the waker stops the debounce
        // thread (which holds the shared state and so the writer's channel).
        self.shared.folders().list.clear();
        self.wake = None;
        ended
    }

    fn serve(&mut self, incoming: &Receiver<transport::Incoming>) -> Ended {
        let mut initialized = false;
        for msg in incoming {
            let msg = match msg {
                transport::Incoming::Message(m) => m,
                transport::Incoming::Problem(why) => {
                    self.shared.log(1, why);
                    continue;
                }
            };
            match msg {
                Message::Request(req) if !initialized => {
                    if req.method == "initialize" {
                        initialized = self.initialize(req);
                    } else {
                        self.error(
                            req.id,
                            ErrorCode::ServerNotInitialized,
                            "the server is not initialized yet; send `initialize` first".into(),
                        );
                    }
                }
                Message::Notification(n) if n.method == "exit" => {
                    return if self.shut_down {
                        Ended::Cleanly
                    } else {
                        Ended::Abruptly
                    };
                }
                Message::Notification(_) if !initialized => {}
                Message::Request(req) if self.shut_down => {
                    self.error(
                        req.id,
                        ErrorCode::InvalidRequest,
                        "the server is shutting down; send `exit`".into(),
                    );
                }
                Message::Request(req) => self.request(req),
                Message::Notification(n) => self.notification(n),
                Message::Response(_) => {}
            }
        }
        Ended::Abruptly
    }

    fn error(&self, id: RequestId, code: ErrorCode, message: String) {
        self.shared
            .respond(Response::new_err(id, code as i32, message));
    }

    fn initialize(&mut self, req: Request) -> bool {
        let params: lsp_types::InitializeParams = match serde_json::from_value(req.params) {
            Ok(p) => p,
            Err(e) => {
                self.error(req.id, ErrorCode::InvalidParams, format!("initialize: {e}"));
                return false;
            }
        };
        let caps = &params.capabilities;
        let offers_utf32 = caps
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref())
            .is_some_and(|encs| encs.iter().any(|e| e.as_str() == "utf-32"));
        let enc = if offers_utf32 {
            Encoding::Utf32
        } else {
            Encoding::Utf16
        };
        *self.shared.enc.lock().unwrap_or_else(|e| e.into_inner()) = enc;
        let ws_caps = caps.workspace.as_ref();
        self.client.watches_files = ws_caps
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        let edit = ws_caps.and_then(|w| w.workspace_edit.as_ref());
        self.client.document_changes = edit.and_then(|e| e.document_changes).unwrap_or(false);
        let ops = edit.and_then(|e| e.resource_operations.as_ref());
        self.client.resource_create =
            ops.is_some_and(|ops| ops.contains(&lsp_types::ResourceOperationKind::Create));
        self.client.resource_rename =
            ops.is_some_and(|ops| ops.contains(&lsp_types::ResourceOperationKind::Rename));
        let mut roots: Vec<PathBuf> = params
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|f| text::path_of(&f.uri))
            .collect();
        #[allow(deprecated)]
        if roots.is_empty()
            && let Some(root) = params.root_uri.as_ref().and_then(text::path_of)
        {
            roots.push(root);
        }
        self.roots = roots.clone();
        self.start_debounce();
        for root in &roots {
            self.open_folder(root);
        }
        let result = json!({
            "capabilities": capabilities(enc),
            "serverInfo": { "name": "atomdoc", "version": env!("CARGO_PKG_VERSION") },
        });
        self.shared.respond(Response::new_ok(req.id, result));
        true
    }

    fn start_debounce(&mut self) {
        let (tx, rx) = crossbeam_channel::unbounded::<()>();
        let shared = Arc::clone(&self.shared);
        std::thread::Builder::new()
            .name("lsp-debounce".into())
            .spawn(move || {
                while rx.recv().is_ok() {
                    // Wait until the client has been quiet for a moment.
                    let first = std::time::Instant::now();
                    while first.elapsed() < MAX_WAIT && rx.recv_timeout(DEBOUNCE).is_ok() {}
                    let flushed = catch_unwind(AssertUnwindSafe(|| drop(shared.flushed())));
                    if let Err(panic) = flushed {
                        shared.log(
                            1,
                            format!(
                                "internal error while applying changes: {}",
                                panic_text(&panic)
                            ),
                        );
                    }
                }
            })
            .expect("the debounce thread starts");
        self.wake = Some(tx);
    }

    fn queue(&self, event: Event, opened: Option<PathBuf>) {
        self.shared.queue(event, opened);
        if let Some(wake) = &self.wake {
            let _ = wake.send(());
        }
    }

    fn notification(&mut self, n: Notification) {
        let outcome = catch_unwind(AssertUnwindSafe(|| self.notification_inner(n)));
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(why)) => self.shared.log(1, why),
            Err(panic) => self
                .shared
                .log(1, format!("internal error: {}", panic_text(&panic))),
        }
    }

    fn notification_inner(&mut self, n: Notification) -> Result<(), String> {
        use lsp_types::*;
        fn params<T: serde::de::DeserializeOwned>(n: Notification) -> Result<T, String> {
            let method = n.method.clone();
            serde_json::from_value(n.params).map_err(|e| format!("{method}: bad parameters: {e}"))
        }
        match n.method.as_str() {
            "initialized" if self.client.watches_files => self.register_watcher(),
            "textDocument/didOpen" => {
                let p: DidOpenTextDocumentParams = params(n)?;
                let Some(abs) = text::path_of(&p.text_document.uri) else {
                    return Ok(());
                };
                // Only Markdown buffers are documents; another file open in the editor (its
                // `atomdoc.toml`, say) counts as it is on disk.
                if abs.extension().is_none_or(|e| e != "md") {
                    return Ok(());
                }
                self.adopt(&abs);
                self.docs.insert(
                    abs.clone(),
                    (p.text_document.uri, p.text_document.text.clone()),
                );
                self.queue(Event::Overlay(abs.clone(), p.text_document.text), Some(abs));
            }
            "textDocument/didChange" => {
                let p: DidChangeTextDocumentParams = params(n)?;
                let Some(abs) = text::path_of(&p.text_document.uri) else {
                    return Ok(());
                };
                let enc = self.shared.encoding();
                let Some((_, text)) = self.docs.get_mut(&abs) else {
                    return Ok(());
                };
                for c in p.content_changes {
                    text::apply_change(text, c.range, &c.text, enc);
                }
                let text = text.clone();
                self.queue(Event::Overlay(abs, text), None);
            }
            "textDocument/didClose" => {
                let p: DidCloseTextDocumentParams = params(n)?;
                if let Some(abs) = text::path_of(&p.text_document.uri)
                    && self.docs.remove(&abs).is_some()
                {
                    self.queue(Event::Close(abs), None);
                }
            }
            "workspace/didChangeWatchedFiles" => {
                let p: DidChangeWatchedFilesParams = params(n)?;
                for change in p.changes {
                    if let Some(abs) = text::path_of(&change.uri)
                        && !is_bookkeeping(&abs)
                    {
                        self.queue(Event::Reported(abs), None);
                    }
                }
            }
            "workspace/didRenameFiles" => {
                let p: RenameFilesParams = params(n)?;
                for f in p.files {
                    let from = f.old_uri.parse().ok().and_then(|u: Uri| text::path_of(&u));
                    let to = f.new_uri.parse().ok().and_then(|u: Uri| text::path_of(&u));
                    if let (Some(from), Some(to)) = (from, to) {
                        self.queue(Event::Renamed(from, to), None);
                    }
                }
            }
            "workspace/didChangeWorkspaceFolders" => {
                let p: DidChangeWorkspaceFoldersParams = params(n)?;
                for f in p.event.added {
                    if let Some(dir) = text::path_of(&f.uri) {
                        self.open_folder(&dir);
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// With no folder named at `initialize`, the repository of the first file opened becomes
    /// the workspace (an editor started on a single file).
    fn adopt(&mut self, abs: &std::path::Path) {
        if !self.roots.is_empty() {
            return;
        }
        if self.shared.folders().locate(abs).is_some() {
            return;
        }
        if let Some(dir) = abs.parent() {
            self.open_folder(dir);
        }
    }

    /// Opens the workspace of `dir` (unless a folder holds it already) and, when the editor
    /// does not watch files, starts atomdoc's own watcher on it.
    fn open_folder(&mut self, dir: &std::path::Path) {
        let mut folders = self.shared.folders();
        let added = match folders.open(dir) {
            Ok(added) => added,
            Err(e) => {
                self.shared.log(1, format!("{}: {e}", dir.display()));
                return;
            }
        };
        let Some(i) = added.filter(|_| !self.client.watches_files) else {
            return;
        };
        let folder = &mut folders.list[i];
        let started = watch::start(
            &folder.ws.location,
            &folder.ws.config,
            folder.cache.as_deref(),
        );
        let (watcher, batches) = match started {
            Ok(w) => w,
            Err(e) => {
                self.shared.log(
                    1,
                    format!(
                        "{}: {e}; changes on disk are not seen",
                        folder.repo.display()
                    ),
                );
                return;
            }
        };
        folder.watcher = Some(watcher);
        let repo = folder.repo.clone();
        // Weak: the watcher lives in the shared state, and must not keep it alive.
        let shared = Arc::downgrade(&self.shared);
        let wake = self.wake.clone();
        // Forwards the watcher's batches into the queue; ends when the watcher is dropped
        // (with the server's state) or the server is gone.
        std::thread::Builder::new()
            .name("lsp-watch".into())
            .spawn(move || {
                for batch in batches {
                    let Some(shared) = shared.upgrade() else {
                        return;
                    };
                    match batch {
                        watch::Event::Changes(changes) => {
                            for c in changes {
                                let event = match c {
                                    Change::Renamed { from, to } => {
                                        Event::Renamed(repo.join(from), repo.join(to))
                                    }
                                    Change::File(p)
                                    | Change::Close(p)
                                    | Change::Overlay { path: p, .. } => Event::File(repo.join(p)),
                                };
                                shared.queue(event, None);
                            }
                        }
                        watch::Event::Rescan(why) => {
                            shared.queue(Event::Rescan(repo.clone(), why), None)
                        }
                    }
                    if let Some(wake) = &wake {
                        let _ = wake.send(());
                    }
                }
            })
            .expect("the watch thread starts");
    }

    fn register_watcher(&mut self) {
        self.next_id += 1;
        let req = Request::new(
            RequestId::from(format!("atomdoc-{}", self.next_id)),
            "client/registerCapability".into(),
            json!({ "registrations": [{
                "id": "atomdoc-watch",
                "method": "workspace/didChangeWatchedFiles",
                "registerOptions": { "watchers": [{ "globPattern": "**/*" }] },
            }]}),
        );
        let _ = self
            .shared
            .out
            .send(transport::to_value(&Message::Request(req)));
    }

    fn request(&mut self, req: Request) {
        if req.method == "shutdown" {
            self.shut_down = true;
            self.shared.respond(Response::new_ok(req.id, Value::Null));
            return;
        }
        let id = req.id.clone();
        let method = req.method.clone();
        let outcome = catch_unwind(AssertUnwindSafe(|| self.answer(req)));
        match outcome {
            Ok(Ok(value)) => self.shared.respond(Response::new_ok(id, value)),
            Ok(Err(Failure(code, message))) => self.error(id, code, message),
            Err(panic) => {
                let why = format!(
                    "internal error in {method}: {}; the server keeps serving",
                    panic_text(&panic)
                );
                self.shared.log(1, why.clone());
                self.error(id, ErrorCode::InternalError, why);
            }
        }
    }

    fn answer(&mut self, req: Request) -> Result<Value, Failure> {
        if req.method == PANIC_METHOD && std::env::var_os("ATOMDOC_LSP_TEST_PANIC").is_some() {
            panic!("the test asked for a panic");
        }
        let enc = self.shared.encoding();
        let folders = self.shared.flushed();
        let ctx = Ctx {
            folders: &folders,
            docs: &self.docs,
            enc,
            client: &self.client,
        };
        let p = req.params;
        match req.method.as_str() {
            "textDocument/completion" => complete::completion(&ctx, parse(p)?),
            "textDocument/definition" => navigate::definition(&ctx, parse(p)?),
            "textDocument/references" => navigate::references(&ctx, parse(p)?),
            "textDocument/hover" => navigate::hover(&ctx, parse(p)?),
            "textDocument/documentLink" => navigate::document_links(&ctx, parse(p)?),
            "textDocument/documentSymbol" => navigate::document_symbols(&ctx, parse(p)?),
            "workspace/symbol" => navigate::workspace_symbols(&ctx, parse(p)?),
            "textDocument/codeLens" => navigate::code_lens(&ctx, parse(p)?),
            "workspace/executeCommand" => navigate::execute(&ctx, parse(p)?),
            "textDocument/prepareRename" => edit::prepare_rename(&ctx, parse(p)?),
            "textDocument/rename" => edit::rename(&ctx, parse(p)?),
            "workspace/willRenameFiles" => edit::will_rename(&ctx, parse(p)?),
            "textDocument/codeAction" => edit::code_actions(&ctx, parse(p)?),
            other => Err(Failure(
                ErrorCode::MethodNotFound,
                format!("unknown method `{other}`"),
            )),
        }
    }
}

/// Whether a path lies in git's or atomdoc's own folder (`.git/`, `.atomdoc/`): an editor
/// watching every file reports their churn, which is never a document nor a link target
/// worth resolving every link again for.
fn is_bookkeeping(path: &std::path::Path) -> bool {
    path.components()
        .any(|c| matches!(c.as_os_str().to_str(), Some(".git" | ".atomdoc")))
}

/// An error answer: its code and message.
pub struct Failure(pub ErrorCode, pub String);

fn parse<T: serde::de::DeserializeOwned>(params: Value) -> Result<T, Failure> {
    serde_json::from_value(params)
        .map_err(|e| Failure(ErrorCode::InvalidParams, format!("bad parameters: {e}")))
}

fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into())
}

/// What a handler sees: the folders (changes applied), the open buffers, the encoding.
pub struct Ctx<'a> {
    folders: &'a Folders,
    docs: &'a HashMap<PathBuf, (Uri, String)>,
    enc: Encoding,
    client: &'a Client,
}

/// A file of a folder a request is about.
pub struct Target<'a> {
    folder: &'a state::Folder,
    rel: String,
    /// Its current text (the open buffer, else the file as the checks read it).
    text: &'a str,
}

impl<'a> Ctx<'a> {
    /// The file `uri` names, when it lies in a folder (else the request answers nothing).
    fn target(&self, uri: &Uri) -> Option<Target<'a>> {
        let abs = text::path_of(uri)?;
        let (i, rel) = self.folders.locate(&abs)?;
        let folder = &self.folders.list[i];
        let text = match self.docs.get(&abs) {
            Some((_, t)) => t.as_str(),
            None => folder.text(&rel)?,
        };
        Some(Target { folder, rel, text })
    }
}

fn capabilities(enc: Encoding) -> Value {
    let md = json!({ "filters": [{ "pattern": { "glob": "**/*.md" } }, { "pattern": { "glob": "**/*", "matches": "folder" } }] });
    json!({
        "positionEncoding": match enc { Encoding::Utf16 => "utf-16", Encoding::Utf32 => "utf-32" },
        "textDocumentSync": { "openClose": true, "change": 2 },
        "completionProvider": { "triggerCharacters": ["(", "/", "#", "`", "."], "resolveProvider": false },
        "definitionProvider": true,
        "referencesProvider": true,
        "hoverProvider": true,
        "documentLinkProvider": { "resolveProvider": false },
        "documentSymbolProvider": true,
        "workspaceSymbolProvider": true,
        "codeLensProvider": { "resolveProvider": false },
        "renameProvider": { "prepareProvider": true },
        "codeActionProvider": { "codeActionKinds": ["quickfix", "refactor"] },
        "executeCommandProvider": { "commands": [navigate::BACKLINKS_COMMAND] },
        "workspace": {
            "workspaceFolders": { "supported": true, "changeNotifications": true },
            "fileOperations": { "willRename": md, "didRename": md },
        },
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    #[test]
    fn git_and_atomdoc_folders_are_bookkeeping() {
        assert!(super::is_bookkeeping(Path::new("/r/.git/index")));
        assert!(super::is_bookkeeping(Path::new(
            "/r/.atomdoc/cache/snapshot.bin"
        )));
        assert!(!super::is_bookkeeping(Path::new(
            "/r/docs/atomic/.github.md"
        )));
        assert!(!super::is_bookkeeping(Path::new("/r/docs/atomic/a.md")));
    }
}
