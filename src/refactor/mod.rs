//! Refactoring a docs tree: `atomdoc mv`, `atomdoc fix`, `atomdoc undo`, and the rename and
//! quick fixes of the editor and web faces.
//!
//! - [`plan`] — the whole change, planned in memory from the corpus and the files' current
//!   text, never writing: [`plan_move`] (a document or a folder), [`plan_heading_rename`]
//!   (every fragment pointing at a heading), [`plan_link_fix`] (one broken link). Links are
//!   rewritten at the destination spans the parser recorded (`corpus::Span`), keeping each
//!   link's style. A [`Plan`] is what a language server turns into a `WorkspaceEdit`.
//! - [`fix`] — which broken links atomdoc is sure how to fix, and why the others are left.
//! - [`journal`] — carrying a plan out on disk: checked (every file still as planned),
//!   journalled under the cache folder, each file replaced atomically; recovery of an
//!   operation a crash interrupted; `undo`.
//!
//! Must not: print (the CLI does), read or write files except through `boundary`.

pub mod plan;

pub use plan::{
    FileEdit, FileState, Move, Plan, Pos, RefactorError, Sources, TextEdit, plan_heading_rename,
    plan_link_fix, plan_move,
};
