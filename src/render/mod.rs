//! Renderers: data in, text out through `impl Write`. No IO of their own.

pub mod rows;
pub mod stats;

/// Replaces control characters (including ESC, so no ANSI sequence from a document reaches
/// the terminal) with visible escapes.
pub fn sanitize(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars()
            .flat_map(|c| {
                if c.is_control() {
                    c.escape_default().collect::<Vec<_>>()
                } else {
                    vec![c]
                }
            })
            .collect(),
    )
}
