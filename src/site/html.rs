//! How text and links enter the site's pages, so that manifest text stays inert.
//!
//! Pages are [maud] templates: element and attribute names are written in the source, and
//! maud escapes `&`, `<`, `>` and `"` in everything spliced into a template. Only
//! `maud::PreEscaped` skips that, and no template names it (a test checks). Text from
//! manifests goes in as [`Text`], which writes it as the terminal does: characters that
//! could reorder or hide text (controls, bidirectional overrides, zero-width characters)
//! become visible escapes such as `\u{202e}`. [`document`] finishes every page, and makes
//! visible any such character that reached it some other way. Links to the outside are
//! [`Href`]s, which accept only https URLs.

use std::fmt::{self, Display, Write};

use maud::{Markup, Render};

use crate::text;

/// Escapes text for HTML element content and quoted attribute values. Characters that
/// could reorder or hide text (controls, bidirectional overrides, zero-width characters)
/// are written as visible escapes such as `\u{202e}`, as on the terminal; line breaks and
/// tabs stay, as the white space they are in HTML.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    escape_into(s, &mut out);
    out
}

fn escape_into(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            '\r' => out.push('\n'),
            c if text::is_forbidden(c) => visible(c, out),
            c => out.push(c),
        }
    }
}

/// `\u{202e}` for U+202E.
fn visible(c: char, out: &mut String) {
    let _ = write!(out, "\\u{{{:x}}}", c as u32);
}

/// Text for a page: anything shown (a manifest's string, an id, a version, an error),
/// escaped by [`escape`]. The way text from manifests enters a template:
/// `p { (Text(&component.summary)) }`.
#[derive(Debug, Clone, Copy)]
pub struct Text<T>(pub T);

impl<T: Display> Render for Text<T> {
    fn render_to(&self, buffer: &mut String) {
        // Escapes each piece as `Display` writes it: escaping is per character, so the
        // pieces need not be joined first.
        struct Escaping<'a>(&'a mut String);
        impl Write for Escaping<'_> {
            fn write_str(&mut self, s: &str) -> fmt::Result {
                escape_into(s, self.0);
                Ok(())
            }
        }
        let _ = write!(Escaping(buffer), "{}", self.0);
    }
}

/// A link target: a path inside the site, or an https URL from a manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Href(String);

impl Href {
    /// A link within the site, relative to the page it is written on. Callers build these
    /// from ids and versions, never from free text.
    pub fn internal(path: String) -> Href {
        Href(path)
    }

    /// An https URL with a host and nothing that could hide or break it; anything else
    /// (`javascript:`, `http:`, relative paths, text with spaces) is refused.
    pub fn external(url: &str) -> Option<Href> {
        if url.contains(char::is_whitespace) || text::find_forbidden(url, false).is_some() {
            return None;
        }
        let parsed = url::Url::parse(url).ok()?;
        let host_ok = parsed.host_str().is_some_and(|h| !h.is_empty());
        (parsed.scheme() == "https" && host_ok && parsed.username().is_empty())
            .then(|| Href(parsed.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Written escaped, as an attribute value: `a href=(href) { … }`.
impl Render for Href {
    fn render_to(&self, buffer: &mut String) {
        escape_into(&self.0, buffer);
    }
}

/// A page's finished bytes. Its templates hold no apostrophes outside text and
/// double-quoted attribute values, where `&#39;` means the same, so every apostrophe is
/// written as `&#39;`, as manifest text is. Text that reached the page without [`Text`]
/// has had only maud's escaping: any control, bidirectional or invisible character in it
/// is made visible here, so that it cannot hide or reorder what the page shows (debug
/// builds stop instead, so that tests with hostile manifests find the template that
/// forgot [`Text`]).
pub fn document(page: Markup) -> String {
    let (out, hidden) = finish(page.into_string());
    debug_assert_eq!(
        hidden, 0,
        "text reached a page without html::Text: {out:.2000}"
    );
    out
}

/// [`document`]'s pass over the page: its bytes, and how many hidden characters it had to
/// make visible.
fn finish(page: String) -> (String, usize) {
    if !page
        .chars()
        .any(|c| c == '\'' || (text::is_forbidden(c) && c != '\n' && c != '\t'))
    {
        return (page, 0);
    }
    let mut out = String::with_capacity(page.len() + 64);
    let mut hidden = 0usize;
    for c in page.chars() {
        match c {
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            '\r' => {
                hidden += 1;
                out.push('\n');
            }
            c if text::is_forbidden(c) => {
                hidden += 1;
                visible(c, &mut out);
            }
            c => out.push(c),
        }
    }
    (out, hidden)
}

#[cfg(test)]
mod tests {
    use super::*;
    use maud::html;

    #[test]
    fn escapes_markup_and_makes_hidden_characters_visible() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(escape("evil\u{202e}txt"), "evil\\u{202e}txt");
        assert_eq!(escape("a\u{0}b\u{1b}\u{9b}"), "a\\u{0}b\\u{1b}\\u{9b}");
        assert_eq!(escape("two\nlines\r\n"), "two\nlines\n\n");
    }

    #[test]
    fn text_escapes_whatever_it_displays() {
        let version = semver::Version::new(1, 2, 3);
        let page = html! {
            p title=(Text("\" onmouseover=\"x")) { (Text("<b>")) }
            p { (Text(format_args!("{version} <{}>", "\u{202e}"))) }
        };
        assert_eq!(
            page.into_string(),
            "<p title=\"&quot; onmouseover=&quot;x\">&lt;b&gt;</p><p>1.2.3 &lt;\\u{202e}&gt;</p>"
        );
    }

    #[test]
    fn only_https_urls_become_links() {
        assert!(Href::external("https://www.fixmystreet.com").is_some());
        for bad in [
            "javascript:alert(1)",
            " javascript:alert(1)",
            "JAVASCRIPT:alert(1)",
            "http://example.com",
            "data:text/html,<script>alert(1)</script>",
            "//example.com",
            "https://",
            "https://exa mple.com",
            "https://example.com/\u{202e}",
            "https://user@example.com",
            "vbscript:x",
        ] {
            assert!(Href::external(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn a_document_writes_apostrophes_as_before() {
        let page = html! { p title="it's" { "council's" (Text("it's")) } };
        assert_eq!(
            document(page),
            "<p title=\"it&#39;s\">council&#39;sit&#39;s</p>"
        );
    }

    /// Text spliced without [`Text`] is still inert (in a release build, where
    /// [`document`] does not stop).
    #[test]
    fn a_document_makes_hidden_characters_visible() {
        let raw = "evil\u{202e}\r";
        let page = html! { p title=(raw) { (raw) } }.into_string();
        assert_eq!(
            finish(page),
            (
                "<p title=\"evil\\u{202e}\n\">evil\\u{202e}\n</p>".to_owned(),
                4
            )
        );
    }

    /// Debug builds refuse a page with hidden characters: a template forgot [`Text`].
    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "without html::Text")]
    fn a_document_with_hidden_characters_is_a_defect() {
        let raw = "evil\u{202e}";
        document(html! { p { (raw) } });
    }

    /// `PreEscaped` skips escaping: no template may use it.
    #[test]
    fn no_template_skips_escaping() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/site");
        let mut stack = vec![dir.clone()];
        let mut checked = 0;
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    checked += 1;
                    let src = std::fs::read_to_string(&path).unwrap();
                    if path != dir.join("html.rs") {
                        assert!(
                            !src.contains("PreEscaped"),
                            "{} skips escaping",
                            path.display()
                        );
                    }
                }
            }
        }
        assert!(checked > 5, "only {checked} files read");
    }
}
