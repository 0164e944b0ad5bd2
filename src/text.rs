//! Untrusted text: which characters manifests may not contain, and how text from
//! manifests is made safe to print on a terminal.

use std::borrow::Cow;
use std::fmt::Write;

/// Characters that can change what a terminal or editor shows: C0 and C1 controls, DEL,
/// bidirectional overrides and isolates, and invisible zero-width characters.
pub fn is_forbidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2060}'..='\u{2069}'
                | '\u{feff}'
        )
}

/// The first forbidden character in `s`, if any, with its character index.
pub fn find_forbidden(s: &str, allow_newlines: bool) -> Option<(usize, char)> {
    s.chars()
        .enumerate()
        .find(|&(_, c)| is_forbidden(c) && !(allow_newlines && (c == '\n' || c == '\t')))
}

/// `s` with every forbidden character written as an escape (`\n`, `\t`, `\u{1b}`), so
/// that text from a manifest can never drive the terminal.
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_forbidden) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if is_forbidden(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Shortens `s` to at most `max` characters, ending with `…` when cut.
pub fn truncate(s: &str, max: usize) -> Cow<'_, str> {
    if s.chars().count() <= max {
        return Cow::Borrowed(s);
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_controls_and_bidi() {
        assert_eq!(escape("plain text"), "plain text");
        assert_eq!(escape("a\u{1b}[31mred"), "a\\u{1b}[31mred");
        assert_eq!(escape("evil\u{202e}txt"), "evil\\u{202e}txt");
        assert_eq!(escape("two\nlines"), "two\\nlines");
        assert_eq!(escape("csi\u{9b}2J"), "csi\\u{9b}2J");
    }

    #[test]
    fn finds_forbidden_characters() {
        assert_eq!(find_forbidden("ok", false), None);
        assert_eq!(find_forbidden("a\nb", true), None);
        assert_eq!(find_forbidden("a\nb", false), Some((1, '\n')));
        assert_eq!(find_forbidden("x\u{200b}", false), Some((1, '\u{200b}')));
    }

    #[test]
    fn truncates_on_characters() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("ábc", 3), "ábc");
    }
}
