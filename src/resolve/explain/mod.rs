//! Explanations of why no plan exists, as typed data: which needs, which releases and
//! ranges, which policy rules and yanks are involved. Built from the solver's conflict
//! graph (`conflict`), but nothing of the solver shows in the result, and no word: the
//! report (`report::explain`) says them in the stack's own words.

mod conflict;

use semver::{Version, VersionReq};

pub use super::provider::Exclusion;
use crate::model::{Id, Need};
pub(crate) use conflict::explain;

/// One line of an explanation, with the lines that explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExplainNode {
    pub line: Line,
    pub children: Vec<ExplainNode>,
}

/// Why no plan exists. The words are the report's (`report::explain`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    /// In one sentence.
    pub summary: Summary,
    /// The needs involved in the conflict.
    pub needs: Vec<Id>,
    /// The reasoning, need by need.
    pub tree: Vec<ExplainNode>,
}

/// The one sentence of an explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Summary {
    /// These needs cannot be met (together), with what was required besides.
    Conflict { with: Vec<What>, needs: Vec<Id> },
    /// An upgrade has no release to move to.
    NoReleaseToMoveTo(Id),
    /// The only plans holding these releases hold one that no need reaches.
    Unreached(Vec<(Id, Version)>),
}

/// What a requirement asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum What {
    Interface {
        id: Id,
        req: VersionReq,
    },
    Capability {
        id: Id,
    },
    /// A component the registry does not have.
    Component {
        id: Id,
    },
    /// Releases of a component in a range.
    Range {
        component: Id,
        range: VersionReq,
    },
    /// Any release of a component.
    Any {
        component: Id,
    },
    /// Releases of a component outside a range (what a `conflicts` entry leaves).
    Outside {
        component: Id,
        range: VersionReq,
    },
    /// A placeholder the explanation cannot name.
    Something,
    /// A union of requirements with no recorded meaning.
    OneOfSeveral,
}

/// Why a requirement has no candidate at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoMatch {
    /// No component but the one requiring it provides the interface in range.
    NoOtherProvides {
        id: Id,
        req: VersionReq,
    },
    NoneProvides {
        id: Id,
        req: VersionReq,
    },
    NoCapability {
        id: Id,
    },
    NoComponent {
        id: Id,
    },
    /// The component has no release in range (these are the ones it has).
    NoRelease {
        component: Id,
        versions: Vec<Version>,
    },
    Nothing,
}

/// Who has a requirement: a stack need (or a required component), or a release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Head {
    /// A component the request requires.
    MustBeInPlan(What),
    /// One stack need, with how the stack describes it.
    Need {
        name: Id,
        need: Option<Need>,
        what: What,
    },
    Needs {
        names: Vec<Id>,
        what: What,
    },
    /// A release's dependency on a component.
    DependsOn(What),
    /// A release's requirement of an interface or capability.
    Requires(What),
}

/// How a requirement stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Met {
    Unmet(NoMatch),
    CanBeMetBy,
    CannotBeMet,
}

/// Releases of one component, told together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Releases {
    pub component: Id,
    pub versions: Vec<Version>,
}

/// A component a candidate conflicts with: `None` when the explanation cannot name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflicting {
    pub component: Option<Id>,
    /// The range a `conflicts` entry leaves, when it is one.
    pub outside: Option<VersionReq>,
}

/// One line of an explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// The explanation stops, `depth` requirements deep.
    TooDeep { what: What, depth: usize },
    /// A requirement: whose (`head`), whether it belongs to a release (`nested`), and
    /// how it stands.
    Requirement { head: Head, nested: bool, met: Met },
    /// Candidate releases with nothing more to say.
    Releases(Releases),
    /// Releases already explained above.
    SeeAbove(Releases),
    Excluded {
        releases: Releases,
        reason: Exclusion,
    },
    /// Another release of the component is wanted elsewhere (`others`, when known).
    OneRelease {
        releases: Releases,
        others: Vec<Version>,
    },
    /// Another version is kept from `[current]` or the lock file.
    Kept(Releases),
    ConflictsWith {
        releases: Releases,
        with: Vec<Conflicting>,
    },
    /// Releases whose own requirements follow.
    Which(Releases),
    /// These releases would be in the plan, but no need reaches them.
    Unreached(Vec<(Id, Version)>),
    /// Nothing to say (a group of no releases, which the solver never gives).
    Empty,
}

/// The part of a summary after "no plan exists: " (all of it when there is no such
/// part), for answers that say "no plan" in their own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cause<'a>(pub &'a Summary);

impl Summary {
    pub fn cause(&self) -> Cause<'_> {
        Cause(self)
    }
}

/// The most specific reason of an explanation: a line, or the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason<'a> {
    Line(&'a Line),
    Summary(&'a Summary),
}

/// An explanation in brief: its summary and its most specific line, for answers that
/// give the reason on one line (`not-viable` candidates and upgrades).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Brief {
    pub summary: Summary,
    pub reason: Option<Line>,
}

impl Explanation {
    /// The most specific line of the explanation: the deepest first leaf, which is where
    /// the conflict bottoms out (an exclusion, nothing providing an interface).
    pub fn first_reason(&self) -> Reason<'_> {
        let Some(mut node) = self.tree.first() else {
            return Reason::Summary(&self.summary);
        };
        while let Some(child) = node.children.first() {
            node = child;
        }
        Reason::Line(&node.line)
    }

    /// The summary and the most specific reason.
    pub fn brief(&self) -> Brief {
        Brief {
            summary: self.summary.clone(),
            reason: match self.first_reason() {
                Reason::Line(l) => Some(l.clone()),
                Reason::Summary(_) => None,
            },
        }
    }
}

impl Brief {
    pub fn reason(&self) -> Reason<'_> {
        match &self.reason {
            Some(l) => Reason::Line(l),
            None => Reason::Summary(&self.summary),
        }
    }
}
