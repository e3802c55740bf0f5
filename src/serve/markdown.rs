//! A document's Markdown as HTML for the document panel: pulldown-cmark renders it, links
//! that resolve to documents become links into the page (`#doc=PATH`, from the corpus's own
//! resolution), and `ammonia` cleans the result, so no script, handler, style or unsafe URL
//! written in a document reaches the page.

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag};

use crate::corpus::{Corpus, Document};

/// The HTML of `source`, the text of `doc`.
pub fn to_html(corpus: &Corpus, doc: &Document, source: &str) -> String {
    let documents: HashMap<&str, &str> = doc
        .links
        .iter()
        .filter_map(|l| Some((l.target.as_str(), corpus.doc(l.to_doc?).path.as_str())))
        .collect();
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    let events = Parser::new_ext(source, options).map(|event| match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let dest_url = match documents.get(dest_url.as_ref()) {
                Some(path) => CowStr::from(format!("#doc={}", encode(path))),
                None => dest_url,
            };
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            })
        }
        other => other,
    });
    let mut html = String::with_capacity(source.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&html)
        .to_string()
}

/// `path` for a URL fragment's value: everything but unreserved characters and `/`
/// percent-encoded (what the page's `URLSearchParams` decodes).
fn encode(path: &str) -> String {
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
    const KEEP: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~')
        .remove(b'/');
    utf8_percent_encode(path, KEEP).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn html_of(files: &[(&str, &str)], path: &str) -> String {
        let corpus = Corpus::from_files("docs", files, &Config::default());
        let doc = corpus.doc(corpus.doc_id(path).unwrap());
        let source = files.iter().find(|(p, _)| *p == path).unwrap().1;
        to_html(&corpus, doc, source)
    }

    #[test]
    fn links_to_documents_open_in_the_page() {
        let html = html_of(
            &[
                (
                    "docs/a/x.md",
                    "# X\n\nSee [y](../b/y%20z.md) and [ext](https://e.example).\n",
                ),
                ("docs/b/y z.md", "# Y\n"),
            ],
            "docs/a/x.md",
        );
        assert!(html.contains(r##"href="#doc=docs/b/y%20z.md""##), "{html}");
        assert!(html.contains(r#"href="https://e.example""#), "{html}");
        assert!(html.contains("noopener"), "{html}");
    }

    #[test]
    fn hostile_markup_is_removed() {
        let source = "# <img src=x onerror=alert(1)>\n\n<script>alert(2)</script>\n\n\
                      [click](javascript:alert(3)) <a href=\"#\" onclick=\"alert(4)\">a</a>\n\n\
                      <iframe src=\"https://e.example\"></iframe><style>body{}</style>\n";
        let html = html_of(&[("docs/a/x.md", source)], "docs/a/x.md");
        for bad in [
            "onerror",
            "<script",
            "javascript:",
            "onclick",
            "<iframe",
            "<style",
        ] {
            assert!(!html.contains(bad), "{bad} in {html}");
        }
    }
}
