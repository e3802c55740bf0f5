//! The server's workspaces: one live [`Workspace`] per workspace folder (one per repository:
//! two folders of the same repository share it), the changes waiting to be applied, and the
//! diagnostics published from the workspace's findings.
//!
//! Changes (typing, files on disk) are queued by the main loop without waiting; they are
//! applied by the debounce thread once the client is quiet, or at once before a request is
//! answered, so an answer always sees the latest text.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use lsp_types::Uri;
use serde_json::{Value, json};

use super::text::{self, Encoding};
use crate::check::{self, Diagnostic, Severity};
use crate::workspace::{Change, Workspace};

/// Opens the workspace of a folder (the face decides flags, cache and config discovery).
pub type Opener = Box<dyn Fn(&Path) -> Result<Opened, String> + Send + Sync>;

/// A workspace as the face opened it.
pub struct Opened {
    pub ws: Workspace,
    /// The cache folder it uses, if any (a watcher never reports it).
    pub cache: Option<PathBuf>,
}

/// A change to a file, by absolute path, before it is known which folder it belongs to.
#[derive(Debug, Clone)]
pub enum Event {
    Overlay(PathBuf, String),
    Close(PathBuf),
    /// A file changed, as atomdoc's own watcher saw it (already filtered like a load's walk).
    File(PathBuf),
    /// A file changed, as the editor reported it: counted only when a load's walk would see
    /// it (ignore files, hidden folders), or when it is gone from a place the walk enters.
    Reported(PathBuf),
    Renamed(PathBuf, PathBuf),
    /// The watcher of the repository lost track (why): load it again.
    Rescan(PathBuf, String),
}

/// One repository the client works in.
pub struct Folder {
    /// The repository, absolute.
    pub repo: PathBuf,
    pub ws: Workspace,
    pub cache: Option<PathBuf>,
    /// atomdoc's own watcher, when the editor does not watch files.
    pub watcher: Option<crate::workspace::watch::Watcher>,
    /// Where each rule's explanation was written (`.atomdoc/explain/AD010.md`), for the
    /// diagnostics' `codeDescription` links; empty when it could not be written.
    explain: HashMap<&'static str, Uri>,
}

impl Folder {
    pub fn new(opened: Opened) -> Result<Folder, String> {
        let Opened { mut ws, cache } = opened;
        // Asked once here: from now on `Workspace::apply` keeps the findings up to date and
        // reports what changed.
        ws.diagnostics().map_err(|e| e.to_string())?;
        let repo = crate::boundary::read::absolute(&ws.location.repo);
        let explain = write_explanations(&repo);
        Ok(Folder {
            repo,
            ws,
            cache,
            watcher: None,
            explain,
        })
    }

    pub fn uri(&self, rel: &str) -> Uri {
        text::uri_of(&self.repo.join(rel))
    }

    pub fn rel(&self, abs: &Path) -> Option<String> {
        text::relative_to(&self.repo, abs)
    }

    /// The current text of a document or template: the editor's buffer when open, else the
    /// file as the checks read it.
    pub fn text(&self, rel: &str) -> Option<&str> {
        self.ws.sources().get(rel).map(String::as_str)
    }

    /// The `publishDiagnostics` parameters for one file.
    pub fn publish(&self, rel: &str, enc: Encoding) -> Value {
        let source = self.text(rel).unwrap_or("");
        let list: Vec<Value> = self
            .ws
            .diagnostics_of(rel)
            .iter()
            .map(|d| self.diagnostic(d, source, enc))
            .collect();
        json!({ "uri": self.uri(rel), "diagnostics": list })
    }

    fn diagnostic(&self, d: &Diagnostic, source: &str, enc: Encoding) -> Value {
        let line = d.line.saturating_sub(1);
        let line_text = text::line_text(source, line);
        let start = text::byte_of_char(line_text, d.column);
        let end = span_end(line_text, start, &d.subject);
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let mut v = json!({
            "range": text::range_on_line(line, line_text, start, end, enc),
            "severity": match d.severity { Severity::Error => 1, Severity::Warning => 2 },
            "code": d.code,
            "source": "atomdoc",
            "message": message,
            "data": { "rule": d.rule, "subject": d.subject },
        });
        if let Some(href) = self.explain.get(d.code) {
            v["codeDescription"] = json!({ "href": href });
        }
        if d.code == "AD014" {
            // "Unnecessary" draws an orphan faded, the way editors show unused code.
            v["tags"] = json!([1]);
        }
        v
    }
}

/// Where a finding's span ends on its line: past its subject when the subject is written
/// there (a link target, a placeholder), else at the end of the line.
fn span_end(line: &str, start: usize, subject: &str) -> usize {
    if !subject.is_empty()
        && let Some(i) = line.get(start..).and_then(|rest| rest.find(subject))
    {
        let mut end = start + i + subject.len();
        // The closing `)` or backtick of the link, so the whole link is underlined.
        if line[end..].starts_with([')', '`', '>']) {
            end += 1;
        }
        return end;
    }
    if start >= line.len() {
        line.len()
    } else {
        line.len().max(start + 1)
    }
}

/// Writes every rule's `--explain` text to `.atomdoc/explain/CODE.md` (through the
/// boundary, as atomdoc's own state files), so a diagnostic's code links to a page the editor
/// opens offline. Files already holding the text are left alone; a repository where they
/// cannot be written gets diagnostics without links.
fn write_explanations(repo: &Path) -> HashMap<&'static str, Uri> {
    use crate::boundary::{owned, read, write};
    let mut out = HashMap::new();
    for rule in check::RULES {
        let rel = Path::new(".atomdoc/explain").join(format!("{}.md", rule.code));
        let body = format!(
            "# {} {}\n\n{}",
            rule.code,
            rule.name,
            check::rules::explanation(rule)
        );
        let path = repo.join(&rel);
        let same =
            read::read_text(&path, read::Links::Inside(repo), 1 << 20).is_ok_and(|t| t == body);
        let written = same
            || owned::state_file(repo, &rel)
                .and_then(|(dest, _)| write::write(&dest, body.as_bytes()))
                .is_ok();
        if written {
            out.insert(rule.code, text::uri_of(&path));
        }
    }
    out
}

/// Every folder, and what they have published.
pub struct Folders {
    pub list: Vec<Folder>,
    opener: Opener,
    /// Files whose diagnostics were published non-empty, by folder index: a file whose last
    /// finding went gets an empty list once.
    published: HashMap<usize, BTreeSet<String>>,
}

/// Notifications to send after a flush: `(method, params)`.
pub type Outbox = Vec<(&'static str, Value)>;

impl Folders {
    pub fn new(opener: Opener) -> Folders {
        Folders {
            list: Vec::new(),
            opener,
            published: HashMap::new(),
        }
    }

    /// The folder holding `abs` (the deepest repository containing it) and its path inside.
    pub fn locate(&self, abs: &Path) -> Option<(usize, String)> {
        self.list
            .iter()
            .enumerate()
            .filter_map(|(i, f)| f.rel(abs).map(|rel| (i, rel, f.repo.as_os_str().len())))
            .max_by_key(|&(_, _, depth)| depth)
            .map(|(i, rel, _)| (i, rel))
    }

    /// Adds the workspace of `dir` unless a folder already holds it; the index of the folder
    /// added.
    pub fn open(&mut self, dir: &Path) -> Result<Option<usize>, String> {
        if self.list.iter().any(|f| dir.starts_with(&f.repo)) {
            return Ok(None);
        }
        let folder = Folder::new((self.opener)(dir)?)?;
        if self.list.iter().any(|f| f.repo == folder.repo) {
            return Ok(None);
        }
        self.list.push(folder);
        Ok(Some(self.list.len() - 1))
    }

    /// Loads folder `i` again (its watcher lost track), keeping the editors' buffers; the
    /// files whose diagnostics to publish again.
    fn reload(&mut self, i: usize) -> Result<BTreeSet<String>, String> {
        let old = &self.list[i];
        let overlays: Vec<Change> = old
            .ws
            .overlays()
            .iter()
            .map(|(path, text)| Change::Overlay {
                path: path.clone(),
                text: text.clone(),
            })
            .collect();
        let mut paths: BTreeSet<String> = old.ws.overlays().keys().cloned().collect();
        paths.extend(self.published.get(&i).into_iter().flatten().cloned());
        let mut opened = (self.opener)(&old.repo)?;
        if !overlays.is_empty() {
            opened.ws.apply(overlays).map_err(|e| e.to_string())?;
        }
        let mut folder = Folder::new(opened)?;
        folder.watcher = self.list[i].watcher.take();
        self.list[i] = folder;
        Ok(paths)
    }

    /// The files the editor reported for folder `i` that a load's walk counts: seen by the
    /// walk, or gone from a folder the walk enters (a file deleted or renamed away).
    fn counted(&self, i: usize, reported: Vec<String>) -> Vec<String> {
        let folder = &self.list[i];
        let Ok(view) =
            crate::corpus::scan::DiskRepo::new(&folder.repo, folder.ws.config.links.clone())
        else {
            return reported;
        };
        let seen = crate::corpus::scan::seen(&view, &reported);
        reported
            .into_iter()
            .filter(|rel| {
                let parent = rel.rsplit_once('/').map_or("", |(d, _)| d);
                seen.files.contains(rel)
                    || seen.folders.contains(rel)
                    || (!crate::boundary::read::exists(&folder.repo.join(rel))
                        && (parent.is_empty() || seen.folders.contains(parent)))
            })
            .collect()
    }

    /// Applies `events` (in order) to the folders they belong to, and says which diagnostics
    /// to publish: those of every file whose findings changed, and those of `opened`.
    /// Paths outside every folder are dropped: nothing outside a workspace is read.
    pub fn flush(&mut self, events: Vec<Event>, opened: &[PathBuf], enc: Encoding) -> Outbox {
        let mut by_folder: HashMap<usize, Vec<Change>> = HashMap::new();
        let mut reported: HashMap<usize, Vec<String>> = HashMap::new();
        let mut rescan: BTreeSet<usize> = BTreeSet::new();
        let mut out = Outbox::new();
        for e in events {
            let mut put = |abs: &Path, make: &dyn Fn(String) -> Change| {
                if let Some((i, rel)) = self.locate(abs) {
                    by_folder.entry(i).or_default().push(make(rel));
                }
            };
            match e {
                Event::Overlay(p, t) => put(&p, &|rel| Change::Overlay {
                    path: rel,
                    text: t.clone(),
                }),
                Event::Close(p) => put(&p, &|rel| Change::Close(rel)),
                Event::File(p) => put(&p, &|rel| Change::File(rel)),
                Event::Reported(p) => {
                    if let Some((i, rel)) = self.locate(&p) {
                        reported.entry(i).or_default().push(rel);
                    }
                }
                Event::Renamed(from, to) => match (self.locate(&from), self.locate(&to)) {
                    (Some((i, a)), Some((j, b))) if i == j => {
                        by_folder
                            .entry(i)
                            .or_default()
                            .push(Change::Renamed { from: a, to: b });
                    }
                    (a, b) => {
                        for (i, rel) in a.into_iter().chain(b) {
                            by_folder.entry(i).or_default().push(Change::File(rel));
                        }
                    }
                },
                Event::Rescan(repo, why) => {
                    if let Some(i) = self.list.iter().position(|f| f.repo == repo) {
                        out.push(log(
                            3,
                            format!("{}: {why}; loading it again", repo.display()),
                        ));
                        rescan.insert(i);
                    }
                }
            }
        }
        for (i, rels) in reported {
            let counted = self.counted(i, rels);
            by_folder
                .entry(i)
                .or_default()
                .extend(counted.into_iter().map(Change::File));
        }
        let mut to_publish: HashMap<usize, BTreeSet<String>> = HashMap::new();
        for p in opened {
            if let Some((i, rel)) = self.locate(p) {
                to_publish.entry(i).or_default().insert(rel);
            }
        }
        for i in rescan {
            // Loaded again from the files: the batch's other changes are in it.
            by_folder.remove(&i);
            match self.reload(i) {
                Ok(paths) => to_publish.entry(i).or_default().extend(paths),
                Err(e) => out.push(log(
                    1,
                    format!("cannot load {} again: {e}", self.list[i].repo.display()),
                )),
            }
        }
        let mut ids: Vec<usize> = by_folder.keys().copied().collect();
        ids.sort_unstable();
        for i in ids {
            let changes = by_folder.remove(&i).unwrap_or_default();
            match self.list[i].ws.apply(changes) {
                Ok(applied) => {
                    let paths = to_publish.entry(i).or_default();
                    for d in applied
                        .diagnostics_added
                        .iter()
                        .chain(&applied.diagnostics_fixed)
                    {
                        paths.insert(d.path.clone());
                    }
                    paths.extend(applied.removed.iter().cloned());
                }
                Err(e) => out.push(log(1, format!("cannot apply changes: {e}"))),
            }
        }
        for (i, paths) in to_publish {
            let folder = &self.list[i];
            let published = self.published.entry(i).or_default();
            for rel in paths {
                let params = folder.publish(&rel, enc);
                let empty = params["diagnostics"].as_array().is_none_or(Vec::is_empty);
                if empty
                    && !published.remove(&rel)
                    && !opened
                        .iter()
                        .any(|p| folder.rel(p).as_deref() == Some(rel.as_str()))
                {
                    continue;
                }
                if !empty {
                    published.insert(rel);
                }
                out.push(("textDocument/publishDiagnostics", params));
            }
        }
        out
    }
}

/// A `window/logMessage` notification (type 1 error, 3 info, 4 log).
pub fn log(kind: u8, message: String) -> (&'static str, Value) {
    (
        "window/logMessage",
        json!({ "type": kind, "message": message }),
    )
}
