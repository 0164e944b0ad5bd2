//! The command-line surface, as clap derive types. Parsing only: each subcommand's
//! behaviour lives in its own file next to this one.

use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::env::EnvVars;
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
    /// Output format [default: table; each command's --help lists the formats it takes]
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
    #[arg(long, global = true, value_name = "N", env = EnvVars::STACKREG_MAX_STEPS)]
    pub max_steps: Option<u64>,
    /// Read the registry only at a commit signed by a key in this allowed-signers file
    /// (git's `gpg.ssh.allowedSignersFile` format)
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        env = EnvVars::STACKREG_REQUIRE_SIGNED
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
    Cyclonedx,
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
            Format::Cyclonedx => "cyclonedx",
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
    /// Draft component manifests from other catalogues' files (publiccode.yml)
    Import(ImportArgs),
    /// Write registry entries in other catalogues' formats (publiccode.yml, Backstage)
    Export(ExportArgs),
    /// Contracts and support ending soon: decision dates and what could replace each
    Renewals(RenewalsArgs),
    /// Which stacks plan or run a component (for a bad release, the councils to tell)
    UsedBy(UsedByArgs),
    /// Components side by side, with the facts that differ marked
    Compare(CompareArgs),
    /// Stack files: `stack new` writes one from what runs today
    Stack(StackArgs),
    /// One stack from two councils: where they overlap, and the merged plan
    Merge(MergeArgs),
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
    #[arg(long, conflicts_with_all = ["upgrade", "with", "without"])]
    pub locked: bool,
    /// With --format cyclonedx: give the BOM a random serial number (a `urn:uuid:`), which
    /// makes the output differ on every run
    #[arg(long)]
    pub serial_number: bool,
    /// What if: move this component to the newest release a plan allows, or to exactly
    /// VERSION, keeping every other version where a plan allows (repeatable)
    #[arg(long, value_name = "ID[@VERSION]")]
    pub upgrade: Vec<String>,
    /// What if: add this component, at exactly VERSION if given (repeatable)
    #[arg(long, value_name = "ID[@VERSION]")]
    pub with: Vec<String>,
    /// What if: leave this component out of the plan (repeatable)
    #[arg(long, value_name = "ID")]
    pub without: Vec<String>,
    /// Write nothing, not even with --lock: show what the plan would be
    #[arg(long)]
    pub dry_run: bool,
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

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(subcommand)]
    pub format: ImportFormat,
}

#[derive(Debug, Subcommand)]
pub enum ImportFormat {
    /// Draft a component manifest from each publiccode.yml file or https URL
    #[command(
        long_about = "Draft a component manifest from each publiccode.yml file or https URL \
(publiccode.yml 0.2 to 0.5). The manifests go to stdout, or with --out into DIR/components/. \
Every field that could not be carried over is reported on stderr, with the reason."
    )]
    Publiccode(PubliccodeImportArgs),
}

#[derive(Debug, Args)]
pub struct PubliccodeImportArgs {
    /// publiccode.yml files, or https URLs of them
    #[arg(required = true, value_name = "FILE|URL")]
    pub inputs: Vec<String>,
    /// Write each manifest to DIR/components/<id>.toml (never over an existing file);
    /// DIR is usually the registry folder
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The component id [default: from the name]; only with one input
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,
    /// A capability to add to those from `categories` (repeatable)
    #[arg(long, value_name = "ID")]
    pub capability: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(subcommand)]
    pub format: ExportFormat,
}

#[derive(Debug, Subcommand)]
pub enum ExportFormat {
    /// Write one component as a publiccode.yml (0.4) file
    Publiccode(PubliccodeExportArgs),
    /// Write the registry, or a stack's plan, as Backstage catalog-info.yaml entities
    Backstage(BackstageExportArgs),
}

#[derive(Debug, Args)]
pub struct PubliccodeExportArgs {
    /// The component
    pub id: String,
    /// A person who maintains it, "Name <email>" (repeatable); needed when its latest
    /// release has no support-ends date to write as a maintenance contract
    #[arg(long, value_name = "NAME <EMAIL>")]
    pub contact: Vec<String>,
}

#[derive(Debug, Args)]
pub struct BackstageExportArgs {
    /// A stack file: write its plan's components, their APIs and the stack as a System
    /// [default: every component and interface in the registry]
    pub stack: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RenewalsArgs {
    /// The stack file
    pub stack: PathBuf,
    /// List what ends within this many months from today (ends already past included)
    #[arg(long, value_name = "MONTHS", default_value_t = 18,
          value_parser = clap::value_parser!(u32).range(0..=600))]
    pub within: u32,
}

#[derive(Debug, Args)]
pub struct UsedByArgs {
    /// The component, optionally with a version (exactly that one) or a range:
    /// `fixmystreet`, `fixmystreet@5.0.0`, `fixmystreet@<5`
    #[arg(value_name = "ID[@RANGE]")]
    pub component: String,
    /// Stack files to search, each with its lock [default: the registry's reference stacks]
    #[arg(value_name = "STACK")]
    pub stacks: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Two or more components
    #[arg(value_name = "ID", num_args = 2.., required = true)]
    pub ids: Vec<String>,
}

#[derive(Debug, Args)]
pub struct StackArgs {
    #[command(subcommand)]
    pub command: StackCommand,
}

#[derive(Debug, Subcommand)]
pub enum StackCommand {
    /// Write a stack file whose needs come from what runs today (never overwrites a file)
    New(StackNewArgs),
}

#[derive(Debug, Args)]
pub struct StackNewArgs {
    /// The stack file to create
    pub file: PathBuf,
    /// The council's name, for `[stack] name`
    #[arg(long)]
    pub name: String,
    /// A component that runs today, at its version (repeatable)
    #[arg(long, value_name = "ID@VERSION")]
    pub current: Vec<String>,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The two councils' stack files
    #[arg(value_name = "STACK", num_args = 2, required = true)]
    pub stacks: Vec<PathBuf>,
    /// The merged council's name [default: "A and B"]
    #[arg(long)]
    pub name: Option<String>,
    /// Also write the merged stack to this file (never overwrites a file)
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}
