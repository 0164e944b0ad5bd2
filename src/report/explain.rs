//! Explanations in words: why no plan exists (`resolve::Explanation`), line by line, and
//! in brief for answers that give a reason on one line. The resolver returns typed
//! lines; this is the only place they become sentences.

use std::fmt::{self, Display, Formatter, Write};

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use crate::model::Id;
use crate::resolve::explain::{
    Brief, Cause, Conflicting, Exclusion, ExplainNode, Explanation, Head, Line, Met, NoMatch,
    Reason, Releases, Summary, What,
};

/// `items` joined by `sep`.
fn join<T: Display>(items: &[T], sep: &str) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(sep)
}

/// `` `a`, `b` ``.
fn quoted(ids: &[Id]) -> Vec<String> {
    ids.iter().map(|n| format!("`{n}`")).collect()
}

/// `a 1.0.0, b 2.0.0`.
fn pins(pins: &[(Id, semver::Version)]) -> String {
    pins.iter()
        .map(|(id, v)| format!("{id} {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Display for What {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            What::Interface { id, req } => write!(f, "interface {id} {req}"),
            What::Capability { id } => write!(f, "capability {id}"),
            What::Component { id } => write!(f, "component {id}"),
            What::Range { component, range } => write!(f, "{component} {range}"),
            What::Any { component } => write!(f, "{component}"),
            What::Outside { component, range } => write!(f, "{component} outside {range}"),
            What::Something => f.write_str("something"),
            What::OneOfSeveral => f.write_str("one of several components"),
        }
    }
}

impl Display for NoMatch {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            NoMatch::NoOtherProvides { id, req } => {
                write!(f, "no other component provides interface {id} {req}")
            }
            NoMatch::NoneProvides { id, req } => {
                write!(f, "no component provides interface {id} {req}")
            }
            NoMatch::NoCapability { id } => write!(f, "no component serves capability {id}"),
            NoMatch::NoComponent { id } => write!(f, "the registry has no component {id}"),
            NoMatch::NoRelease {
                component,
                versions,
            } => {
                let has = if versions.is_empty() {
                    "no releases".to_owned()
                } else {
                    join(versions, ", ")
                };
                write!(f, "no release of {component} matches (it has {has})")
            }
            NoMatch::Nothing => f.write_str("nothing matches"),
        }
    }
}

impl Display for Head {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Head::MustBeInPlan(what) => write!(f, "{what} must be in the plan"),
            Head::Need {
                name,
                need: Some(need),
                ..
            } => write!(f, "need `{name}` ({need})"),
            Head::Need {
                name,
                need: None,
                what,
            } => write!(f, "need `{name}` ({what})"),
            Head::Needs { names, what } => {
                write!(f, "needs {} ({what})", quoted(names).join(", "))
            }
            Head::DependsOn(what) => write!(f, "depends on {what}"),
            Head::Requires(what) => write!(f, "requires {what} from another component"),
        }
    }
}

impl Display for Releases {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.component, join(&self.versions, ", "))
    }
}

impl Display for Exclusion {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Exclusion::Replaced => f.write_str("it is the component being replaced"),
            Exclusion::Policy(rule) => write!(f, "{rule}"),
            Exclusion::Yanked(reason) => write!(f, "it is yanked ({reason})"),
        }
    }
}

impl Display for Conflicting {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.component {
            Some(c) => write!(f, "{c}")?,
            None => f.write_str("another component")?,
        }
        match &self.outside {
            Some(r) => write!(f, " {r}"),
            None => Ok(()),
        }
    }
}

impl Display for Line {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Line::TooDeep { what, depth } => write!(
                f,
                "{what} … (the explanation stops here, {depth} levels deep)"
            ),
            Line::Requirement { head, nested, met } => {
                let sep = if *nested { ", which" } else { "" };
                match met {
                    Met::Unmet(nothing) => write!(f, "{head}, but {nothing}"),
                    Met::CanBeMetBy => write!(f, "{head}{sep} can be met by:"),
                    Met::CannotBeMet => write!(f, "{head}{sep} cannot be met:"),
                }
            }
            Line::Releases(r) => write!(f, "{r}"),
            Line::SeeAbove(r) => write!(f, "{r} (see above)"),
            Line::Excluded { releases, reason } => write!(f, "{releases} is excluded: {reason}"),
            Line::OneRelease { releases, others } if others.is_empty() => write!(
                f,
                "{releases}, but another release of {} is needed elsewhere (a plan holds one release per component)",
                releases.component
            ),
            Line::OneRelease { releases, others } => write!(
                f,
                "{releases}, but {} {} is wanted elsewhere (a plan holds one release per component)",
                releases.component,
                join(others, ", ")
            ),
            Line::Kept(r) => write!(
                f,
                "{r}, but another version is kept from [current] or the lock file"
            ),
            Line::ConflictsWith { releases, with } => write!(
                f,
                "{releases}, which conflicts with {}, needed elsewhere",
                join(with, " and ")
            ),
            Line::Which(r) => write!(f, "{r}, which:"),
            Line::Unreached(p) => write!(
                f,
                "{} would be in the plan, but no need reaches it there",
                pins(p)
            ),
            Line::Empty => Ok(()),
        }
    }
}

/// What a conflict's needs come to: `need `a` cannot be met`, or several.
fn needs_unmet(needs: &[Id], with: bool) -> Option<String> {
    let quoted = quoted(needs);
    match quoted.as_slice() {
        [] => None,
        [one] => Some(format!("need {one} cannot be met")),
        many if with => Some(format!("needs {} cannot all be met", many.join(", "))),
        many => Some(format!(
            "needs {} and {} cannot all be met together",
            many[..many.len() - 1].join(", "),
            many[many.len() - 1]
        )),
    }
}

impl Display for Summary {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Summary::Conflict { with, needs } if !with.is_empty() => {
                write!(f, "no plan exists with {}", join(with, " and "))?;
                match needs_unmet(needs, true) {
                    Some(n) => write!(f, ": {n}"),
                    None => Ok(()),
                }
            }
            Summary::Conflict { needs, .. } => match needs_unmet(needs, false) {
                Some(n) => write!(f, "no plan exists: {n}"),
                None => f.write_str("no plan exists"),
            },
            Summary::NoReleaseToMoveTo(id) => {
                write!(f, "no plan exists: {id} has no release to move to")
            }
            Summary::Unreached(p) => write!(f, "no plan exists with {}", pins(p)),
        }
    }
}

impl Display for Cause<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self.0 {
            Summary::Conflict { with, needs } if with.is_empty() && !needs.is_empty() => {
                f.write_str(&needs_unmet(needs, false).unwrap_or_default())
            }
            Summary::NoReleaseToMoveTo(id) => write!(f, "{id} has no release to move to"),
            summary => write!(f, "{summary}"),
        }
    }
}

impl Display for Reason<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Line(l) => write!(f, "{l}"),
            Reason::Summary(s) => write!(f, "{s}"),
        }
    }
}

/// The summary and the most specific reason on one line: `need `x` cannot be met:
/// ... is excluded: ...`, or the reason alone when the summary says no more than "no plan
/// exists". A summary "with" something keeps the space it had after "no plan exists".
impl Display for Brief {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let reason = self.reason();
        match &self.summary {
            Summary::Conflict { with, needs } if with.is_empty() && needs.is_empty() => {
                write!(f, "{reason}")
            }
            Summary::Conflict { with, .. } if with.is_empty() => {
                write!(f, "{}: {reason}", self.summary.cause())
            }
            Summary::NoReleaseToMoveTo(_) => write!(f, "{}: {reason}", self.summary.cause()),
            summary => {
                let said = summary.to_string();
                let rest = said.strip_prefix("no plan exists").unwrap_or(&said);
                write!(f, "{rest}: {reason}")
            }
        }
    }
}

/// The explanation as indented text: the summary, then one `- line` per node.
pub fn text(e: &Explanation) -> String {
    let mut out = format!("{}\n", e.summary);
    fn walk(out: &mut String, nodes: &[ExplainNode], depth: usize) {
        for n in nodes {
            let _ = writeln!(out, "{}- {}", "  ".repeat(depth), n.line);
            walk(out, &n.children, depth + 1);
        }
    }
    walk(&mut out, &e.tree, 0);
    out
}

/// `{"summary": "...", "needs": [...], "tree": [{"text": "...", "children": [...]}]}`.
impl Serialize for Explanation {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Explanation", 3)?;
        st.serialize_field("summary", &self.summary.to_string())?;
        st.serialize_field("needs", &self.needs)?;
        st.serialize_field("tree", &self.tree)?;
        st.end()
    }
}

impl Serialize for ExplainNode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let fields = if self.children.is_empty() { 1 } else { 2 };
        let mut st = s.serialize_struct("ExplainNode", fields)?;
        st.serialize_field("text", &self.line.to_string())?;
        if self.children.is_empty() {
            st.skip_field("children")?;
        } else {
            st.serialize_field("children", &self.children)?;
        }
        st.end()
    }
}

/// A brief explanation is written as its one line.
impl Serialize for Brief {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> Id {
        Id::parse(s).unwrap()
    }

    fn releases(c: &str, vs: &[&str]) -> Releases {
        Releases {
            component: id(c),
            versions: vs
                .iter()
                .map(|v| semver::Version::parse(v).unwrap())
                .collect(),
        }
    }

    fn explanation(summary: Summary, leaf: Line) -> Explanation {
        Explanation {
            summary,
            needs: Vec::new(),
            tree: vec![ExplainNode {
                line: Line::Requirement {
                    head: Head::Need {
                        name: id("crm"),
                        need: None,
                        what: What::Capability { id: id("crm") },
                    },
                    nested: false,
                    met: Met::CannotBeMet,
                },
                children: vec![ExplainNode {
                    line: leaf,
                    children: Vec::new(),
                }],
            }],
        }
    }

    #[test]
    fn summaries_and_their_causes() {
        let one = Summary::Conflict {
            with: Vec::new(),
            needs: vec![id("crm")],
        };
        assert_eq!(one.to_string(), "no plan exists: need `crm` cannot be met");
        assert_eq!(one.cause().to_string(), "need `crm` cannot be met");
        let many = Summary::Conflict {
            with: Vec::new(),
            needs: vec![id("a"), id("b"), id("c")],
        };
        assert_eq!(
            many.to_string(),
            "no plan exists: needs `a`, `b` and `c` cannot all be met together"
        );
        let with = Summary::Conflict {
            with: vec![What::Any { component: id("x") }],
            needs: vec![id("a"), id("b")],
        };
        assert_eq!(
            with.to_string(),
            "no plan exists with x: needs `a`, `b` cannot all be met"
        );
        // Only "no plan exists: " comes off; a summary "with" something stays whole.
        assert_eq!(with.cause().to_string(), with.to_string());
        let moved = Summary::NoReleaseToMoveTo(id("x"));
        assert_eq!(moved.cause().to_string(), "x has no release to move to");
    }

    #[test]
    fn lines_in_words() {
        let excluded = Line::Excluded {
            releases: releases("hollyblue-crm", &["5.0.0", "6.0.0"]),
            reason: Exclusion::Yanked("broken".into()),
        };
        assert_eq!(
            excluded.to_string(),
            "hollyblue-crm 5.0.0, 6.0.0 is excluded: it is yanked (broken)"
        );
        let one = Line::OneRelease {
            releases: releases("x", &["2.0.0"]),
            others: vec![semver::Version::new(1, 0, 0)],
        };
        assert_eq!(
            one.to_string(),
            "x 2.0.0, but x 1.0.0 is wanted elsewhere (a plan holds one release per component)"
        );
        let unmet = Line::Requirement {
            head: Head::Requires(What::Interface {
                id: id("notify-api"),
                req: semver::VersionReq::parse("^2").unwrap(),
            }),
            nested: true,
            met: Met::Unmet(NoMatch::NoRelease {
                component: id("lib"),
                versions: Vec::new(),
            }),
        };
        assert_eq!(
            unmet.to_string(),
            "requires interface notify-api ^2 from another component, but no release of lib matches (it has no releases)"
        );
    }

    #[test]
    fn briefs_give_the_cause_and_the_deepest_first_reason() {
        let leaf = Line::Excluded {
            releases: releases("crm", &["1.0.0"]),
            reason: Exclusion::Replaced,
        };
        let e = explanation(
            Summary::Conflict {
                with: Vec::new(),
                needs: vec![id("crm")],
            },
            leaf.clone(),
        );
        assert_eq!(e.first_reason(), Reason::Line(&leaf));
        assert_eq!(
            e.brief().to_string(),
            "need `crm` cannot be met: crm 1.0.0 is excluded: it is the component being replaced"
        );
        let plain = explanation(
            Summary::Conflict {
                with: Vec::new(),
                needs: Vec::new(),
            },
            leaf.clone(),
        );
        assert_eq!(
            plain.brief().to_string(),
            "crm 1.0.0 is excluded: it is the component being replaced"
        );
        assert_eq!(
            text(&e),
            "no plan exists: need `crm` cannot be met\n- need `crm` (capability crm) cannot be met:\n  - crm 1.0.0 is excluded: it is the component being replaced\n"
        );
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["summary"], "no plan exists: need `crm` cannot be met");
        assert_eq!(
            json["tree"][0]["children"][0],
            serde_json::json!({"text": "crm 1.0.0 is excluded: it is the component being replaced"})
        );
    }
}
