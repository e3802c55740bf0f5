//! `atomdoc mcp`: a Model Context Protocol server (the official Rust SDK, `rmcp`) resident on
//! one live workspace, for AI agents.
//!
//! Tools (each with a JSON schema from its argument type): `query`, `search`,
//! `get_document`, `related`, `backlinks`, `check`, `suggest_related`; their answers are
//! computed in [`tools`] from the answer layer, as JSON text, in pages of at most
//! [`tools::MAX_ROWS`] rows and [`tools::MAX_BYTES`] bytes with a `next_offset` to continue
//! from. A bad argument or query is a tool error (`isError`) whose text is what the CLI would
//! print (the query language's caret text). Documents are resources too,
//! `atomdoc://<repo-relative path>`; only documents are served, so nothing outside the
//! repository is ever read.
//!
//! The workspace is shared with the watcher's thread ([`crate::workspace::watch::Live`]),
//! which applies each change under the lock: a call answers from the tree as of the last
//! batch. The transport (stdio) is the face's (`cli`), which owns stdout.

pub mod tools;

use std::sync::{Arc, Mutex, MutexGuard};

use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{
    CallToolResult, ContentBlock, Implementation, ListResourcesResult, PaginatedRequestParams,
    ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult, Resource,
    ResourceContents, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, schemars, tool, tool_handler, tool_router};
use serde::Deserialize;
use serde_json::Value;

use crate::workspace::Workspace;
use tools::Page;

/// The scheme of the documents' resource URIs.
pub const SCHEME: &str = "atomdoc://";
/// Resources per page of `resources/list`.
const RESOURCES_PER_PAGE: usize = 500;

/// What the server tells an agent about itself.
const INSTRUCTIONS: &str = "atomdoc answers questions about a tree of Markdown documentation \
(a knowledge graph of documents and their links, with a full-text index), kept up to date as \
files change. Start with `search` or `query` (e.g. `docs in <category>`, `orphans`, `broken`), \
read with `get_document`, gather context with `related` and `backlinks`, and verify edits with \
`check`. Long answers come in pages: pass `offset` = `next_offset` to continue.";

/// The MCP server: a live workspace and the tools' router.
#[derive(Clone)]
pub struct Server {
    workspace: Arc<Mutex<Workspace>>,
    tool_router: ToolRouter<Server>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct QueryArgs {
    /// A query of the atomdoc query language, e.g. `orphans`, `broken in services`, `docs
    /// where inlinks = 0 sort by words desc`, `links from services to integrations`,
    /// `neighbors of redis/connection-management depth 2`, `search "connection pool"`.
    pub query: String,
    /// Rows to skip (the `next_offset` of the previous page).
    pub offset: Option<usize>,
    /// Rows per page (default 50, at most 500).
    pub limit: Option<usize>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct SearchArgs {
    /// The words to look for; all must match. "Inner quotes" make a phrase.
    pub text: String,
    /// Only documents in this category or category/subcategory.
    pub within: Option<String>,
    /// Tolerate typos in every word.
    pub fuzzy: Option<bool>,
    /// Hits to skip (the `next_offset` of the previous page).
    pub offset: Option<usize>,
    /// Hits per page (default 50, at most 500).
    pub limit: Option<usize>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct DocumentArgs {
    /// The document: its repo-relative path, its path under the docs root, with or without
    /// `.md`, or any path suffix only it ends with (`redis/connection-management`).
    pub path: String,
    /// Only this section: a heading's text or its anchor; the section runs to the next
    /// heading of the same or a higher level.
    pub section: Option<String>,
    /// Byte offset in the text (the `text_next_offset` of the previous call).
    pub offset: Option<usize>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct RelatedArgs {
    /// The document (a path or a unique path suffix).
    pub path: String,
    /// Link steps to follow, either direction (default 2, at most 4).
    pub depth: Option<usize>,
    /// Documents to return (default 10, at most 100).
    pub limit: Option<usize>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct BacklinksArgs {
    /// The document linked to (a path or a unique path suffix).
    pub path: String,
    /// Rows to skip (the `next_offset` of the previous page).
    pub offset: Option<usize>,
    /// Rows per page (default 50, at most 500).
    pub limit: Option<usize>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct CheckArgs {
    /// Only the documents at or under this path (a document or a folder, repo-relative or
    /// under the docs root); the whole tree when absent.
    pub path: Option<String>,
    /// Findings to skip (the `next_offset` of the previous page).
    pub offset: Option<usize>,
    /// Findings per page (default 50, at most 500).
    pub limit: Option<usize>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct SuggestArgs {
    /// The document to suggest links for; when absent, suggestions for the orphans (documents
    /// nothing links to): which documents should link to each.
    pub path: Option<String>,
    /// With no `path`: only the orphans in this category, subcategory or folder.
    pub within: Option<String>,
    /// Rows to skip (the `next_offset` of the previous page).
    pub offset: Option<usize>,
    /// Rows per page (default 50, at most 500).
    pub limit: Option<usize>,
}

/// A tool's answer: JSON text, or a tool error saying what was wrong.
fn reply(answer: Result<Value, String>) -> CallToolResult {
    match answer {
        Ok(value) => CallToolResult::success(vec![ContentBlock::text(
            serde_json::to_string_pretty(&value).unwrap_or_default(),
        )]),
        Err(why) => CallToolResult::error(vec![ContentBlock::text(why)]),
    }
}

#[tool_router]
impl Server {
    pub fn new(workspace: Arc<Mutex<Workspace>>) -> Server {
        Server {
            workspace,
            tool_router: Self::tool_router(),
        }
    }

    fn workspace(&self) -> MutexGuard<'_, Workspace> {
        self.workspace.lock().unwrap_or_else(|e| e.into_inner())
    }

    #[tool(
        description = "Ask the docs graph a question in the atomdoc query language. Rows come back as JSON objects (documents: path, title, category, kind, inlinks, outlinks; links: source, line, target, resolved, kind, reason). Sources: docs, orphans, broken, links, all links, backlinks of D, neighbors of D [depth N], path from A to B, hubs, categories, matrix, stats, search \"T\", similar to D, suggest related for D, coverage. Clauses: in X, from X, to X, where <cond>, missing section \"S\", with section \"S\", sort by F [desc], limit N. A syntax error comes back as an error pointing at the column."
    )]
    async fn query(&self, Parameters(a): Parameters<QueryArgs>) -> CallToolResult {
        let page = Page::new(a.offset, a.limit);
        reply(tools::query_tool(&self.workspace(), &a.query, page))
    }

    #[tool(
        description = "Full-text search (BM25) over titles, headings, body and code of every document. Returns hits best first with path, title, category, score, the best matching line and an excerpt with **matches** marked."
    )]
    async fn search(&self, Parameters(a): Parameters<SearchArgs>) -> CallToolResult {
        let page = Page::new(a.offset, a.limit);
        let fuzzy = a.fuzzy.unwrap_or(false);
        reply(tools::search(
            &self.workspace(),
            &a.text,
            a.within.as_deref(),
            fuzzy,
            page,
        ))
    }

    #[tool(
        description = "Read one document (or one section of it): its Markdown text, title, category, kind, headings, the links it writes (links_out), the links into it from documents and referrers (links_in), and its broken links with did-you-mean suggestions. Long texts come in pages: pass offset = text_next_offset."
    )]
    async fn get_document(&self, Parameters(a): Parameters<DocumentArgs>) -> CallToolResult {
        reply(tools::get_document(
            &self.workspace(),
            &a.path,
            a.section.as_deref(),
            a.offset,
        ))
    }

    #[tool(
        description = "Documents related to one document, for gathering context around a topic: its neighbours by link distance (either direction, up to depth) and the documents most similar in text, ranked together (score = 1/distance + similarity relative to the best match). Each row says its distance (null: not linked within depth) and similarity (null: not among the most similar)."
    )]
    async fn related(&self, Parameters(a): Parameters<RelatedArgs>) -> CallToolResult {
        let depth = a.depth.unwrap_or(2).clamp(1, 4);
        let limit = a.limit.unwrap_or(10).clamp(1, 100);
        reply(tools::related(&self.workspace(), &a.path, depth, limit))
    }

    #[tool(
        description = "The links into a document: every document and referrer (a Markdown file outside the docs root) that links to it, with line and link kind (inline, related, include)."
    )]
    async fn backlinks(&self, Parameters(a): Parameters<BacklinksArgs>) -> CallToolResult {
        let page = Page::new(a.offset, a.limit);
        reply(tools::backlinks(&self.workspace(), &a.path, page))
    }

    #[tool(
        description = "The template checks' findings (code AD001…, rule, severity, message, path, line, column, help), for the whole tree or for the documents at or under a path, as `atomdoc check` finds them before any baseline. Use it to verify a document after editing it: the answer reflects the files as saved."
    )]
    async fn check(&self, Parameters(a): Parameters<CheckArgs>) -> CallToolResult {
        let page = Page::new(a.offset, a.limit);
        reply(tools::check(&mut self.workspace(), a.path.as_deref(), page))
    }

    #[tool(
        description = "Links the tree is missing: for a document, the documents it should link to and does not (source, target, score, why); without a document, for each orphan the documents that should add it to their Related Documents."
    )]
    async fn suggest_related(&self, Parameters(a): Parameters<SuggestArgs>) -> CallToolResult {
        let page = Page::new(a.offset, a.limit);
        reply(tools::suggest_related(
            &self.workspace(),
            a.path.as_deref(),
            a.within.as_deref(),
            page,
        ))
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .build(),
        )
        .with_server_info(Implementation::new("atomdoc", env!("CARGO_PKG_VERSION")))
        .with_instructions(INSTRUCTIONS)
    }

    async fn list_resources(
        &self,
        request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        let start = match request.and_then(|r| r.cursor) {
            None => 0,
            Some(c) => c.parse::<usize>().map_err(|_| {
                ErrorData::invalid_params(
                    format!("bad cursor `{c}`; pass the nextCursor of the previous page"),
                    None,
                )
            })?,
        };
        let ws = self.workspace();
        let docs = &ws.corpus.docs;
        let resources = docs
            .iter()
            .skip(start)
            .take(RESOURCES_PER_PAGE)
            .map(|d| {
                let mut r = Resource::new(format!("{SCHEME}{}", d.path), d.path.clone())
                    .with_title(d.display_title())
                    .with_mime_type("text/markdown");
                if let Some(c) = &d.category {
                    r = r.with_description(format!("{} document in {c}", d.kind.as_str()));
                }
                r
            })
            .collect();
        let mut result = ListResourcesResult::with_all_items(resources);
        let next = start + RESOURCES_PER_PAGE;
        result.next_cursor = (next < docs.len()).then(|| next.to_string());
        Ok(result)
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let uri = request.uri;
        let ws = self.workspace();
        let text = uri
            .strip_prefix(SCHEME)
            .filter(|p| ws.corpus.doc_id(p).is_some())
            .and_then(|p| ws.sources().get(p));
        let Some(text) = text else {
            return Err(ErrorData::resource_not_found(
                format!(
                    "no document `{uri}`; documents are {SCHEME}<repo-relative path>, listed by resources/list"
                ),
                None,
            ));
        };
        let contents = ResourceContents::TextResourceContents {
            uri: uri.clone(),
            mime_type: Some("text/markdown".into()),
            text: text.clone(),
            meta: None,
        };
        Ok(ReadResourceResult::new(vec![contents]).into())
    }
}
