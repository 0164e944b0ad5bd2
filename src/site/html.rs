//! An HTML builder that makes manifest text inert.
//!
//! Every string that is not a compile-time literal goes through [`escape`] on its way in:
//! element and attribute names are `&'static str`, attribute values and text are escaped,
//! and a finished fragment can only be added to another builder as [`Markup`], which only
//! this module can make. Links to the outside are [`Href`]s, which accept only https URLs.

use std::fmt::Write;

use crate::text;

/// Escapes text for HTML element content and quoted attribute values. Characters that
/// could reorder or hide text (controls, bidirectional overrides, zero-width characters)
/// are written as visible escapes such as `\u{202e}`, as on the terminal; line breaks and
/// tabs stay, as the white space they are in HTML.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            '\r' => out.push('\n'),
            c if text::is_forbidden(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
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

/// A finished, safe fragment of HTML or SVG.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Markup(String);

impl Markup {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// Builds HTML (or inline SVG) one element at a time.
#[derive(Debug, Default)]
pub struct Html {
    buf: String,
}

/// Attributes of one element: names are literals, values are escaped when written.
pub type Attrs<'a> = &'a [(&'static str, &'a str)];

impl Html {
    pub fn new() -> Html {
        Html::default()
    }

    fn open_tag(&mut self, name: &'static str, attrs: Attrs<'_>) {
        self.buf.push('<');
        self.buf.push_str(name);
        for (k, v) in attrs {
            let _ = write!(self.buf, " {k}=\"{}\"", escape(v));
        }
        self.buf.push('>');
    }

    /// `<name attrs>…</name>`, with the body written by `body`.
    pub fn el(
        &mut self,
        name: &'static str,
        attrs: Attrs<'_>,
        body: impl FnOnce(&mut Html),
    ) -> &mut Html {
        self.open_tag(name, attrs);
        body(self);
        let _ = write!(self.buf, "</{name}>");
        self
    }

    /// `<name attrs>text</name>`.
    pub fn el_text(&mut self, name: &'static str, attrs: Attrs<'_>, text: &str) -> &mut Html {
        self.el(name, attrs, |h| {
            h.text(text);
        })
    }

    /// An element with no content or end tag (`<meta>`, `<input>`).
    pub fn void(&mut self, name: &'static str, attrs: Attrs<'_>) -> &mut Html {
        self.open_tag(name, attrs);
        self
    }

    /// Escaped text.
    pub fn text(&mut self, text: &str) -> &mut Html {
        self.buf.push_str(&escape(text));
        self
    }

    /// A literal from this program's source (markup, punctuation, whitespace).
    pub fn lit(&mut self, literal: &'static str) -> &mut Html {
        self.buf.push_str(literal);
        self
    }

    /// A line break in the source, to keep pages readable and diffs small.
    pub fn nl(&mut self) -> &mut Html {
        self.buf.push('\n');
        self
    }

    /// A fragment built earlier.
    pub fn markup(&mut self, m: &Markup) -> &mut Html {
        self.buf.push_str(&m.0);
        self
    }

    /// `<a href>text</a>`.
    pub fn link(&mut self, href: &Href, text: &str) -> &mut Html {
        self.el_text("a", &[("href", href.as_str())], text)
    }

    /// A link to an external URL when it is https, else the URL as plain text.
    pub fn external_link(&mut self, url: &str) -> &mut Html {
        match Href::external(url) {
            Some(href) => self.el_text(
                "a",
                &[
                    ("href", href.as_str()),
                    ("rel", "external noopener noreferrer"),
                ],
                url,
            ),
            None => self.el_text("span", &[("class", "unlinked-url")], url),
        }
    }

    pub fn finish(self) -> Markup {
        Markup(self.buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn attribute_values_cannot_break_out() {
        let mut h = Html::new();
        h.el_text("p", &[("title", "\" onmouseover=\"x")], "<b>");
        assert_eq!(
            h.finish().as_str(),
            "<p title=\"&quot; onmouseover=&quot;x\">&lt;b&gt;</p>"
        );
        let mut h = Html::new();
        h.external_link("javascript:alert(1)");
        let out = h.finish().into_string();
        assert!(!out.contains("href"), "{out}");
    }
}
