//! The frame every page shares: document head, skip link, header with the site's
//! sections, breadcrumbs, the main landmark and the footer.

use super::html::{Href, Html, Markup};

/// The site's sections, as named in the header navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Components,
    Interfaces,
    Capabilities,
    Stacks,
}

impl Section {
    const ALL: [Section; 4] = [
        Section::Components,
        Section::Interfaces,
        Section::Capabilities,
        Section::Stacks,
    ];

    fn label(self) -> &'static str {
        match self {
            Section::Components => "Components",
            Section::Interfaces => "Interfaces",
            Section::Capabilities => "Capabilities",
            Section::Stacks => "Stacks",
        }
    }

    /// The section's index page, from the site root. Index pages sit beside the folders
    /// of their section, never in them, so that no id can take an index page's name
    /// (a capability or a stack called `index`).
    pub fn path(self) -> &'static str {
        match self {
            Section::Components => "index.html",
            Section::Interfaces => "interfaces.html",
            Section::Capabilities => "capabilities.html",
            Section::Stacks => "stacks.html",
        }
    }
}

/// What the frame needs to know about the site.
pub struct Frame<'a> {
    pub registry_name: &'a str,
    /// The registry commit the site was generated from, if any.
    pub commit: Option<&'a str>,
    /// Shown on every page when the registry says it holds sample data.
    pub sample: bool,
    pub registry_errors: usize,
}

/// One page before framing.
pub struct Page {
    /// The page's path from the site root (`components/fixmystreet.html`).
    pub path: String,
    /// The `<title>`, before the registry's name.
    pub title: String,
    pub section: Section,
    /// Breadcrumbs above the page heading: (label, path from the root); the current page
    /// is not included.
    pub crumbs: Vec<(String, String)>,
    pub body: Markup,
    /// Whether the page uses the search script.
    pub search: bool,
}

/// Content-Security-Policy: only the site's own files may be loaded; no inline script,
/// no plug-ins, no form submissions, no network.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
                   base-uri 'none'; form-action 'none'";

/// The relative prefix from a page at `path` back to the site root (`../` per folder).
pub fn root_of(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

/// A link from the page at `from` to the site path `to`.
pub fn href(from: &str, to: &str) -> Href {
    Href::internal(format!("{}{to}", root_of(from)))
}

/// The page's complete HTML document.
pub fn render(frame: &Frame<'_>, page: &Page) -> String {
    let root = root_of(&page.path);
    let mut h = Html::new();
    h.lit("<!DOCTYPE html>\n");
    h.el("html", &[("lang", "en-GB")], |h| {
        h.nl();
        h.el("head", &[], |h| {
            h.nl();
            h.void("meta", &[("charset", "utf-8")]).nl();
            h.void(
                "meta",
                &[
                    ("name", "viewport"),
                    ("content", "width=device-width, initial-scale=1"),
                ],
            )
            .nl();
            h.void(
                "meta",
                &[("http-equiv", "Content-Security-Policy"), ("content", CSP)],
            )
            .nl();
            h.void("meta", &[("name", "referrer"), ("content", "no-referrer")])
                .nl();
            h.void(
                "meta",
                &[("name", "generator"), ("content", "stackreg site")],
            )
            .nl();
            let title = format!("{} – {}", page.title, frame.registry_name);
            h.el_text("title", &[], &title).nl();
            let css = format!("{root}assets/site.css");
            h.void("link", &[("rel", "stylesheet"), ("href", &css)])
                .nl();
            if page.search {
                let js = format!("{root}assets/search.js");
                h.el("script", &[("src", &js), ("defer", "")], |_| {}).nl();
            }
        });
        h.nl();
        h.el("body", &[], |h| {
            h.nl();
            h.el_text(
                "a",
                &[("class", "skip-link"), ("href", "#main")],
                "Skip to main content",
            )
            .nl();
            header(h, frame, page);
            h.el("div", &[("class", "width")], |h| {
                h.nl();
                if !page.crumbs.is_empty() {
                    h.el(
                        "nav",
                        &[("class", "breadcrumbs"), ("aria-label", "Breadcrumb")],
                        |h| {
                            h.el("ol", &[], |h| {
                                for (label, to) in &page.crumbs {
                                    h.el("li", &[], |h| {
                                        h.link(&href(&page.path, to), label);
                                    });
                                }
                            });
                        },
                    )
                    .nl();
                }
                h.el("main", &[("id", "main"), ("tabindex", "-1")], |h| {
                    h.nl();
                    h.markup(&page.body);
                })
                .nl();
            })
            .nl();
            footer(h, frame);
        })
        .nl();
    })
    .nl();
    h.finish().into_string()
}

fn header(h: &mut Html, frame: &Frame<'_>, page: &Page) {
    h.el("header", &[("class", "site-header")], |h| {
        h.el("div", &[("class", "width header-inner")], |h| {
            let home = href(&page.path, "index.html");
            h.el_text(
                "a",
                &[("class", "site-name"), ("href", home.as_str())],
                frame.registry_name,
            );
            h.el_text("span", &[("class", "site-kind")], "Component catalogue");
        })
        .nl();
        h.el(
            "nav",
            &[("class", "site-nav"), ("aria-label", "Catalogue sections")],
            |h| {
                h.el("ul", &[("class", "width")], |h| {
                    for s in Section::ALL {
                        let to = href(&page.path, s.path());
                        h.el("li", &[], |h| {
                            if s == page.section {
                                // The section's own index is the current page; on the
                                // pages within it, the section is current.
                                let current = if page.path == s.path() {
                                    "page"
                                } else {
                                    "true"
                                };
                                h.el_text(
                                    "a",
                                    &[("href", to.as_str()), ("aria-current", current)],
                                    s.label(),
                                );
                            } else {
                                h.link(&to, s.label());
                            }
                        });
                    }
                });
            },
        )
        .nl();
        banner(h, frame);
    })
    .nl();
}

fn banner(h: &mut Html, frame: &Frame<'_>) {
    if frame.sample || frame.registry_errors > 0 {
        h.el("div", &[("class", "banner")], |h| {
            h.el("div", &[("class", "width")], |h| {
                if frame.sample {
                    h.el("p", &[], |h| {
                        h.el_text("strong", &[("class", "tag tag-sample")], "Sample data");
                        h.lit(" ");
                        h.text(
                            "This registry describes itself as sample data: products, \
                             suppliers, versions and dates are illustrative.",
                        );
                    });
                }
                if frame.registry_errors > 0 {
                    h.el("p", &[], |h| {
                        h.el_text("strong", &[("class", "tag tag-warning")], "Check");
                        h.lit(" ");
                        let s = if frame.registry_errors == 1 { "" } else { "s" };
                        h.text(&format!(
                            "The registry has {} validation error{s}; these pages show what \
                             could be read. Run `stackreg validate` for details.",
                            frame.registry_errors
                        ));
                    });
                }
            });
        })
        .nl();
    }
}

fn footer(h: &mut Html, frame: &Frame<'_>) {
    h.el("footer", &[("class", "site-footer")], |h| {
        h.el("div", &[("class", "width")], |h| {
            h.el("p", &[], |h| {
                h.text("Generated by stackreg from the registry ");
                h.el_text("strong", &[], frame.registry_name);
                if let Some(commit) = frame.commit {
                    h.text(" at commit ");
                    let short: String = commit.chars().take(12).collect();
                    h.el_text("code", &[], &short);
                }
                h.text(
                    ". Pages are static: they work offline and from any web host, \
                     and load nothing from elsewhere.",
                );
            });
        });
    })
    .nl();
}
