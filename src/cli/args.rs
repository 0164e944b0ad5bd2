//! The command-line surface, as clap derive types. Parsing only: each subcommand's
//! behaviour lives in its own file next to this one.

use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::model::{Kind, Lifecycle};

/// Manage a git-backed registry of council technology components: list and compare them,
/// resolve a council's stack, find swap-in alternatives and validate manifests in CI.
#[derive(Debug, Parser)]
#[command(name = "stackreg", version, about, max_term_width = 100)]
#[command(
    after_help = "Exit codes: 0 success, 1 a negative answer (invalid manifests, no plan, stale lock), 2 could not run."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args, Clone)]
pub struct Global {
    /// Registry folder or git URL [default: $STACKREG_REGISTRY, the stack's registry, or
    /// registry/ in the current git repository]
    #[arg(long, global = true, value_name = "PATH|URL")]
    pub registry: Option<String>,
    /// Read the registry at this git revision instead of the working tree
    #[arg(long, global = true, value_name = "REV")]
    pub rev: Option<String>,
    /// Output format [default: table]
    #[arg(long, global = true, value_enum, value_name = "FMT")]
    pub format: Option<Format>,
    /// When to use colour
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Print only data and errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more about what is happening
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Read remote registries from the local cache only, never the network
    #[arg(long, global = true)]
    pub offline: bool,
    /// Give up a resolution after this many solver steps (and a command after ten times
    /// as many in all) [default: 20000]
    #[arg(long, global = true, value_name = "N", env = "STACKREG_MAX_STEPS")]
    pub max_steps: Option<u64>,
    /// Read the registry only at a commit signed by a key in this allowed-signers file
    /// (git's `gpg.ssh.allowedSignersFile` format)
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        env = "STACKREG_REQUIRE_SIGNED"
    )]
    pub require_signed: Option<PathBuf>,
}

/// Output formats. Each command accepts the ones that make sense for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Markdown,
    Csv,
    Github,
    Dot,
    Mermaid,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Markdown => "markdown",
            Format::Csv => "csv",
            Format::Github => "github",
            Format::Dot => "dot",
            Format::Mermaid => "mermaid",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List components, optionally filtered
    List(ListArgs),
    /// Show one component (or, with --interface, one interface)
    Show(ShowArgs),
    /// List interfaces with their providers and consumers
    Interfaces,
    /// Check the registry, or the given manifests and stacks
    Validate(ValidateArgs),
    /// Resolve a stack to a plan: one release per component that meets every need
    Resolve(ResolveArgs),
    /// Show every chain of needs and dependencies that puts a component in the plan
    Why(WhyArgs),
    /// Print the plan's dependency graph (tree, dot, mermaid or json)
    Graph(GraphArgs),
    /// Show newer releases and support end dates for the plan
    Outdated(OutdatedArgs),
    /// Show what could swap in for a component of the plan, or (--all) the lock-in report
    Alternatives(AlternativesArgs),
    /// Print the JSON Schema of a manifest kind
    Schema(SchemaArgs),
    /// Print shell completions
    Completions(CompletionsArgs),
    /// Git operations on the registry: init, publish, yank, log, diff, fetch
    Registry(RegistryArgs),
    /// Write the catalogue and stack reports as a static website
    Site(SiteArgs),
}

fn lifecycle_parser() -> impl TypedValueParser<Value = Lifecycle> {
    PossibleValuesParser::new(Lifecycle::ALL.iter().map(|l| l.as_str()))
        .try_map(|s| Lifecycle::parse(&s).ok_or("unknown lifecycle"))
}

fn kind_parser() -> impl TypedValueParser<Value = Kind> {
    PossibleValuesParser::new(Kind::ALL.iter().map(|k| k.as_str()))
        .try_map(|s| Kind::parse(&s).ok_or("unknown kind"))
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Text to look for in ids, names, summaries, suppliers and capabilities
    pub query: Option<String>,
    /// Only components serving this capability (repeatable)
    #[arg(long, value_name = "ID")]
    pub capability: Vec<String>,
    /// Only components with a release providing this interface (repeatable)
    #[arg(long, value_name = "ID")]
    pub interface: Vec<String>,
    /// Only components whose supplier contains this text (repeatable)
    #[arg(long, value_name = "TEXT")]
    pub supplier: Vec<String>,
    /// Only components at this lifecycle stage (repeatable)
    #[arg(long, value_parser = lifecycle_parser())]
    pub lifecycle: Vec<Lifecycle>,
    /// Only components of this kind (repeatable)
    #[arg(long, value_parser = kind_parser())]
    pub kind: Vec<Kind>,
    /// Only components with an OSI-approved licence
    #[arg(long)]
    pub open_source: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The component, optionally with one release: `fixmystreet` or `fixmystreet@5.0.0`
    #[arg(value_name = "ID[@VERSION]", required_unless_present = "interface")]
    pub id: Option<String>,
    /// Show this interface instead: its versions, providers and consumers
    #[arg(long, value_name = "ID", conflicts_with = "id")]
    pub interface: Option<String>,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Manifests or stack files to check (default: the whole registry)
    pub files: Vec<PathBuf>,
    /// Also fail if a release published at this git revision was changed or removed
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
}

#[derive(Debug, Args)]
pub struct ResolveArgs {
    /// The stack file
    pub stack: PathBuf,
    /// Write the plan to the lock file next to the stack (`x.toml` → `x.lock`)
    #[arg(long, conflicts_with = "locked")]
    pub lock: bool,
    /// Fail (exit 1) if the lock file is missing or would change
    #[arg(long)]
    pub locked: bool,
}

#[derive(Debug, Args)]
pub struct WhyArgs {
    /// The stack file
    pub stack: PathBuf,
    /// The component to explain
    pub id: String,
}

#[derive(Debug, Args)]
pub struct GraphArgs {
    /// The stack file
    pub stack: PathBuf,
}

#[derive(Debug, Args)]
pub struct AlternativesArgs {
    /// The stack file
    pub stack: PathBuf,
    /// The component of the plan to find alternatives for
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub id: Option<String>,
    /// Every component of the plan: the lock-in report
    #[arg(long)]
    pub all: bool,
    /// Also show candidates the stack's policy excludes, marked with the rule
    #[arg(long)]
    pub ignore_policy: bool,
}

#[derive(Debug, Args)]
pub struct OutdatedArgs {
    /// The stack file
    pub stack: PathBuf,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which file kind
    #[arg(value_enum)]
    pub kind: SchemaArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaArg {
    Registry,
    Interface,
    Component,
    Stack,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to generate completions for
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct RegistryArgs {
    #[command(subcommand)]
    pub command: RegistryCommand,
}

#[derive(Debug, Subcommand)]
pub enum RegistryCommand {
    /// Create a new git repository laid out as a registry
    Init(InitArgs),
    /// Check manifests against the registry and commit them, one commit per run
    Publish(PublishArgs),
    /// Mark a release as yanked (or, with --undo, not yanked), in one commit
    Yank(YankArgs),
    /// The registry's history: who changed what, release by release
    Log(LogArgs),
    /// What changed between two revisions: releases, interfaces, breaking changes
    Diff(DiffArgs),
    /// Fetch a remote registry into the local cache now
    Fetch,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to create (it must not exist, or be empty)
    pub dir: PathBuf,
    /// The registry's name [default: the folder's name]
    #[arg(long)]
    pub name: Option<String>,
    /// What the registry catalogues and who maintains it
    #[arg(long, default_value = "")]
    pub description: String,
    /// The first branch
    #[arg(long, default_value = "main")]
    pub branch: String,
    /// Commit author, "Name <email>" [default: git config user.name and user.email]
    #[arg(long, value_name = "NAME <EMAIL>")]
    pub author: Option<String>,
}

#[derive(Debug, Args)]
pub struct PublishArgs {
    /// Component, interface or stack manifests (anywhere; each is written to its place)
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Show what would be committed, and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Commit author, "Name <email>" [default: git config user.name and user.email]
    #[arg(long, value_name = "NAME <EMAIL>")]
    pub author: Option<String>,
}

#[derive(Debug, Args)]
pub struct YankArgs {
    /// The release: `fixmystreet@5.0.0`
    #[arg(value_name = "ID@VERSION")]
    pub release: String,
    /// Why it must not be used (shown to everyone who resolves against it)
    #[arg(long, required_unless_present = "undo", conflicts_with = "undo")]
    pub reason: Option<String>,
    /// Remove the yank instead
    #[arg(long)]
    pub undo: bool,
    /// Show what would be committed, and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Commit author, "Name <email>" [default: git config user.name and user.email]
    #[arg(long, value_name = "NAME <EMAIL>")]
    pub author: Option<String>,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    /// Only commits that change this component, interface or stack
    pub id: Option<String>,
    /// At most this many commits
    #[arg(short = 'n', long, value_name = "N")]
    pub max_count: Option<usize>,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The revision to compare from
    pub from: String,
    /// The revision to compare to [default: what --rev or the working tree holds]
    pub to: Option<String>,
}

#[derive(Debug, Args)]
pub struct SiteArgs {
    /// The folder to write; the files an earlier run wrote are replaced, anything else in
    /// it is kept
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Stack files to add a page for (reference stacks in the registry always get one)
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub stack: Vec<PathBuf>,
    /// Write into DIR even if it is a non-empty folder that `stackreg site` did not make
    /// (what is in it is kept)
    #[arg(long)]
    pub force: bool,
}
