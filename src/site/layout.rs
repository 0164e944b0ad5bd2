//! The frame every page shares: document head, skip link, header with the site's
//! sections, breadcrumbs, the main landmark and the footer.

use maud::{DOCTYPE, Markup, html};

use super::html::{self, Href, Text};

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
    let title = format!("{} – {}", page.title, frame.registry_name);
    html::document(html! {
        (DOCTYPE) "\n"
        html lang="en-GB" {
            "\n"
            head {
                "\n"
                meta charset="utf-8"; "\n"
                meta name="viewport" content="width=device-width, initial-scale=1"; "\n"
                meta http-equiv="Content-Security-Policy" content=(CSP); "\n"
                meta name="referrer" content="no-referrer"; "\n"
                meta name="generator" content="stackreg site"; "\n"
                title { (Text(&title)) } "\n"
                link rel="stylesheet" href=(href(&page.path, "assets/site.css")); "\n"
                @if page.search {
                    script src=(href(&page.path, "assets/search.js")) defer="" {} "\n"
                }
            }
            "\n"
            body {
                "\n"
                a.skip-link href="#main" { "Skip to main content" } "\n"
                (header(frame, page))
                div.width {
                    "\n"
                    @if !page.crumbs.is_empty() {
                        nav.breadcrumbs aria-label="Breadcrumb" {
                            ol {
                                @for (label, to) in &page.crumbs {
                                    li { a href=(href(&page.path, to)) { (Text(label)) } }
                                }
                            }
                        }
                        "\n"
                    }
                    main #main tabindex="-1" { "\n" (page.body) }
                    "\n"
                }
                "\n"
                (footer(frame))
            }
            "\n"
        }
        "\n"
    })
}

fn header(frame: &Frame<'_>, page: &Page) -> Markup {
    html! {
        header.site-header {
            div.width.header-inner {
                a.site-name href=(href(&page.path, "index.html")) { (Text(frame.registry_name)) }
                span.site-kind { "Component catalogue" }
            }
            "\n"
            nav.site-nav aria-label="Catalogue sections" {
                ul.width {
                    @for s in Section::ALL {
                        li {
                            @if s == page.section {
                                // The section's own index is the current page; on the
                                // pages within it, the section is current.
                                @let current = if page.path == s.path() { "page" } else { "true" };
                                a href=(href(&page.path, s.path())) aria-current=(current) {
                                    (s.label())
                                }
                            } @else {
                                a href=(href(&page.path, s.path())) { (s.label()) }
                            }
                        }
                    }
                }
            }
            "\n"
            (banner(frame))
        }
        "\n"
    }
}

fn banner(frame: &Frame<'_>) -> Markup {
    let errors = frame.registry_errors;
    html! {
        @if frame.sample || errors > 0 {
            div.banner {
                div.width {
                    @if frame.sample {
                        p {
                            strong.tag.tag-sample { "Sample data" }
                            " This registry describes itself as sample data: products, \
                             suppliers, versions and dates are illustrative."
                        }
                    }
                    @if errors > 0 {
                        p {
                            strong.tag.tag-warning { "Check" }
                            " The registry has " (errors) " validation error"
                            @if errors != 1 { "s" }
                            "; these pages show what could be read. Run `stackreg validate` \
                             for details."
                        }
                    }
                }
            }
            "\n"
        }
    }
}

fn footer(frame: &Frame<'_>) -> Markup {
    html! {
        footer.site-footer {
            div.width {
                p {
                    "Generated by stackreg from the registry "
                    strong { (Text(frame.registry_name)) }
                    @if let Some(commit) = frame.commit {
                        " at commit "
                        code { (Text(commit.chars().take(12).collect::<String>())) }
                    }
                    ". Pages are static: they work offline and from any web host, \
                     and load nothing from elsewhere."
                }
            }
        }
        "\n"
    }
}
