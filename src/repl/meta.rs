//! Meta-commands (`:help`, `:format`, `:save` …): parsing and the help text. Pure.

/// Every meta-command, as completion offers them.
pub const NAMES: &[&str] = &[
    "help", "format", "x", "time", "reload", "explain", "save", "run", "export", "more", "quit",
];

/// Topics `:help` knows.
pub const HELP_TOPICS: &[&str] = &["queries", "fields", "names", "output", "commands", "keys"];

/// A parsed meta-command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Meta {
    Help(Option<String>),
    /// `:format` alone shows the current format.
    Format(Option<String>),
    /// `:x`: records (one block per row) on or off, as psql's `\x`.
    Expanded,
    Time,
    Reload,
    Explain(String),
    Save {
        name: String,
        query: String,
    },
    /// `:run` alone lists the saved queries.
    Run(Option<String>),
    Export {
        what: String,
        file: String,
    },
    More,
    Quit,
}

impl Meta {
    /// The full name for a name or its accepted abbreviation (`:q`, `:h`, `:exit`).
    pub fn canonical(name: &str) -> Option<&'static str> {
        let name = name.to_ascii_lowercase();
        let full = match name.as_str() {
            "h" | "?" => "help",
            "q" | "exit" => "quit",
            "f" => "format",
            _ => return NAMES.iter().copied().find(|n| *n == name),
        };
        Some(full)
    }

    /// Parses a line starting with `:`. The error says what was wrong and what to type.
    pub fn parse(line: &str) -> Result<Meta, String> {
        let body = line.trim().strip_prefix(':').unwrap_or(line).trim_start();
        let (name, rest) = match body.find(char::is_whitespace) {
            Some(i) => (&body[..i], body[i..].trim()),
            None => (body, ""),
        };
        let Some(canonical) = Meta::canonical(name) else {
            return Err(format!(
                "unknown command `:{name}`; the commands are {}",
                NAMES
                    .iter()
                    .map(|n| format!(":{n}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ));
        };
        let none = |what: Meta| {
            if rest.is_empty() {
                Ok(what)
            } else {
                Err(format!("`:{canonical}` takes no argument"))
            }
        };
        match canonical {
            "help" => Ok(Meta::Help((!rest.is_empty()).then(|| rest.to_string()))),
            "format" => Ok(Meta::Format((!rest.is_empty()).then(|| rest.to_string()))),
            "x" => none(Meta::Expanded),
            "time" => none(Meta::Time),
            "reload" => none(Meta::Reload),
            "more" => none(Meta::More),
            "quit" => none(Meta::Quit),
            "explain" if rest.is_empty() => Err("usage: :explain <query>".into()),
            "explain" => Ok(Meta::Explain(rest.to_string())),
            "save" => {
                let (name, query) = match rest.find(char::is_whitespace) {
                    Some(i) => (&rest[..i], rest[i..].trim()),
                    None => (rest, ""),
                };
                if name.is_empty() || query.is_empty() {
                    return Err("usage: :save NAME <query>".into());
                }
                check_name(name)?;
                Ok(Meta::Save {
                    name: name.to_string(),
                    query: query.to_string(),
                })
            }
            "run" if rest.is_empty() => Ok(Meta::Run(None)),
            "run" => {
                check_name(rest)?;
                Ok(Meta::Run(Some(rest.to_string())))
            }
            "export" => {
                let mut words = rest.split_whitespace();
                match (words.next(), words.next(), words.next()) {
                    (Some(what), Some(file), None) => Ok(Meta::Export {
                        what: what.to_string(),
                        file: file.to_string(),
                    }),
                    _ => Err("usage: :export dot FILE".into()),
                }
            }
            _ => unreachable!("every name in NAMES is handled"),
        }
    }
}

/// A saved query's name becomes a file name: letters, digits, `-` and `_` only.
pub fn check_name(name: &str) -> Result<(), String> {
    if crate::saved::valid_name(name) {
        Ok(())
    } else {
        Err(format!(
            "invalid query name `{name}`: use letters, digits, `-` and `_` (at most 64)"
        ))
    }
}

/// The text `:help [topic]` prints.
pub fn help(topic: Option<&str>) -> Result<&'static str, String> {
    Ok(match topic.map(str::to_ascii_lowercase).as_deref() {
        None => HELP,
        Some("queries" | "query" | "language") => HELP_QUERIES,
        Some("fields" | "field" | "where") => HELP_FIELDS,
        Some("names" | "name" | "documents") => HELP_NAMES,
        Some("output" | "format") => HELP_OUTPUT,
        Some("commands" | "meta") => HELP_COMMANDS,
        Some("keys" | "editing") => HELP_KEYS,
        Some(other) => {
            return Err(format!(
                "no help topic `{other}`; topics: {}",
                HELP_TOPICS.join(", ")
            ));
        }
    })
}

const HELP: &str = "\
Type a query and press Enter; press Tab at any point to see what may come next.

  orphans                              topic documents nothing links to
  orphans in integrations              … in one category (or category/subcategory)
  broken where reason = anchor         broken links, filtered
  links from services to integrations  links between two categories
  backlinks of redis/key-naming        who links to a document
  docs where title ~ \"redis\" sort by inlinks desc limit 5
  path from <document> to <document>   the shortest chain of links
  search \"connection pool\"             full-text search
  stats                                whole-tree counts

More help: :help queries | fields | names | output | commands | keys
Commands:  :format table|records|json|jsonl|csv  :x  :time  :reload  :explain Q
           :save NAME Q  :run NAME  :export dot FILE  :more  :quit
";

const HELP_QUERIES: &str = "\
A query is a source, then optional clauses, in this order:

  SOURCE [in PLACE] [where CONDITION] [sort by FIELD [asc|desc]] [limit N]

Sources:
  docs                          every document
  orphans [by related]          topic documents with no incoming link (or no related link)
  broken                        broken links (reason: missing, anchor, outside, placeholder)
  links [from PLACE] [to PLACE] links between two different documents
  backlinks of DOC              links into a document
  neighbors of DOC [depth N]    documents within N link steps
  path from DOC to DOC          the shortest chain of links, following their direction
  hubs [limit N]                the most linked-to documents
  categories | matrix | stats   summaries per category, category × category, whole tree
  search \"words\"                full-text search, best first (search ~\"typo\" tolerates typos)
  similar to DOC                documents whose text is closest to DOC
  suggest related for DOC       links that could be added (also: for orphans)

  docs missing section \"Best Practices\"    docs with section \"Checklist\"

Conditions: FIELD OP VALUE with = != < <= > >= and ~ (contains, any case), joined with
and, or, not and parentheses. Quote values with spaces: title ~ \"connection pool\".

Examples:
  docs where inlinks = 0 and category = services
  docs where related < 2
  links where kind = related
  orphans in integrations/redis
  neighbors of redis/key-naming depth 2
";

const HELP_FIELDS: &str = "\
Document fields (docs, orphans, hubs, neighbors):
  path title category subcategory kind inlinks outlinks related broken words sections orphan
Link fields (links, broken, backlinks):
  source target resolved kind status reason line column

  kind of a document: topic, index, meta     kind of a link: related, inline
  reason: missing, anchor, outside, placeholder

Tab after `where`, `and`, `or` or `sort by` lists the fields of the query's rows.
";

const HELP_NAMES: &str = "\
A document can be named by its path from the repository or from the docs root, with or
without .md, or by any unique end of its path: redis/key-naming, key-naming.md.
A place (after `in`, `from`, `to`) is a category, category/subcategory, or a document.
Tab after `in`, `of`, `from` or `to` offers them; type any part of a path first to narrow.
";

const HELP_OUTPUT: &str = "\
:format table   aligned columns and a count line (the default)
:format records one block per row, a `column | value` line each (:x toggles it)
:format json    an array of row objects with stable keys (piped: JSON Lines)
:format jsonl   JSON Lines: one object per row, one row per line
:format csv     a header row, then one row per line
Piped (atomdoc repl < FILE), what commands such as :format say goes to stderr, so
stdout holds only answers; `atomdoc repl --format json` sets the format from the start.
Long tables are cut to the terminal's height with a count; :more shows the rest.
:time toggles printing how long each query took.
";

const HELP_COMMANDS: &str = "\
:help [topic]        this help; topics: queries fields names output commands keys
:format table|records|json|jsonl|csv
:x                   records on or off (one block per row, for wide rows)
:time                toggle timing per query
:reload              re-read the docs tree (after you edit files)
:explain QUERY       the query in its core form: source, filter, sort, limit
:save NAME QUERY     save a query to .atomdoc/queries/NAME.aq
:run [NAME]          run a saved query (alone: list them); @NAME does the same
:export dot FILE     write the last answer as a Graphviz graph (not inside the docs tree)
:more                the rest of a result that was cut to the screen
:quit                leave (also Ctrl-D)
";

const HELP_KEYS: &str = "\
Tab        complete (lists when several fit)  →             accept the grey hint
↑ ↓        history (saved between sessions)  Ctrl-R        search history
Ctrl-C     cancel the line                    Ctrl-D        leave
An unclosed quote or parenthesis continues the query on the next line.
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_command() {
        assert_eq!(Meta::parse(":q"), Ok(Meta::Quit));
        assert_eq!(
            Meta::parse("  :help fields "),
            Ok(Meta::Help(Some("fields".into())))
        );
        assert_eq!(
            Meta::parse(":format json"),
            Ok(Meta::Format(Some("json".into())))
        );
        assert_eq!(
            Meta::parse(":save gate broken where reason = anchor"),
            Ok(Meta::Save {
                name: "gate".into(),
                query: "broken where reason = anchor".into()
            })
        );
        assert_eq!(Meta::parse(":run gate"), Ok(Meta::Run(Some("gate".into()))));
        assert_eq!(Meta::parse(":run"), Ok(Meta::Run(None)));
        assert_eq!(
            Meta::parse(":export dot out.dot"),
            Ok(Meta::Export {
                what: "dot".into(),
                file: "out.dot".into()
            })
        );
    }

    #[test]
    fn every_example_in_the_help_parses() {
        let mut checked = 0;
        for topic in [None, Some("queries")] {
            for line in help(topic).unwrap().lines() {
                let Some(text) = line.strip_prefix("  ") else {
                    continue;
                };
                let example = text.split("  ").next().unwrap().trim();
                let first = example.split_whitespace().next().unwrap_or("");
                if !crate::query::source_words().any(|w| w == first)
                    || example.contains(['<', '|', '['])
                {
                    continue;
                }
                assert!(
                    crate::query::parse(example).is_ok(),
                    "help example does not parse: {example}"
                );
                checked += 1;
            }
        }
        assert!(checked >= 12, "only {checked} examples found");
    }

    #[test]
    fn errors_say_what_to_type() {
        assert!(Meta::parse(":frobnicate").unwrap_err().contains(":help"));
        assert_eq!(
            Meta::parse(":save onlyname").unwrap_err(),
            "usage: :save NAME <query>"
        );
        assert!(
            Meta::parse(":save ../x orphans")
                .unwrap_err()
                .contains("invalid query name")
        );
        assert_eq!(
            Meta::parse(":time on").unwrap_err(),
            "`:time` takes no argument"
        );
        assert!(help(Some("nope")).unwrap_err().contains("topics"));
    }
}
