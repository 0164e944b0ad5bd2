//! Writes a synthetic registry of any size into a new git repository, plus council stacks
//! that resolve against it, for benchmarks and scale tests.
//!
//! ```sh
//! cargo run --release --example synth -- --components 10000 --out target/synth/10k
//! ```
//!
//! Layout: `OUT/registry/` is a git repository whose root is the registry (one commit on
//! `main`, packed; with a working tree unless `--bare`), and `OUT/stacks/*.toml` are stack
//! files naming `../registry`. The same parameters always give the same commit.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use stackreg_testkit::synth::{self, Params};

#[derive(Parser)]
#[command(about = "Generate a synthetic stackreg registry")]
struct Args {
    /// Folder to create (must not exist, or be empty).
    #[arg(long)]
    out: PathBuf,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    #[arg(long, default_value_t = 1000)]
    components: usize,
    /// Mean releases per component.
    #[arg(long, default_value_t = 10)]
    releases: usize,
    #[arg(long, default_value_t = 500)]
    interfaces: usize,
    /// Mean providers per interface (default: about one interface per component).
    #[arg(long)]
    providers: Option<f64>,
    /// Capabilities (default: one per ten components, at least 20).
    #[arg(long)]
    capabilities: Option<usize>,
    /// The longest `depends` chain.
    #[arg(long, default_value_t = 4)]
    depth: usize,
    #[arg(long, default_value_t = 3)]
    yanked_percent: u32,
    #[arg(long, default_value_t = 5)]
    deprecated_percent: u32,
    /// Needs of each generated stack (comma-separated).
    #[arg(long, value_delimiter = ',', default_value = "10,25,50")]
    stacks: Vec<usize>,
    /// Also grow a stack until its plan holds this many components (0: none).
    #[arg(long, default_value_t = 40)]
    plan_size: usize,
    /// How many generated stacks also go into the registry's stacks/ folder.
    #[arg(long, default_value_t = 1)]
    reference_stacks: usize,
    /// Write only the git repository, no working tree.
    #[arg(long)]
    bare: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let params = Params {
        seed: args.seed,
        components: args.components,
        releases: args.releases,
        interfaces: args.interfaces,
        providers: args.providers,
        capabilities: args.capabilities,
        depth: args.depth,
        yanked_percent: args.yanked_percent,
        deprecated_percent: args.deprecated_percent,
        stacks: args.stacks,
        plan_size: args.plan_size,
        reference_stacks: args.reference_stacks,
    };
    match run(&args.out, &params, !args.bare) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            let mut source = std::error::Error::source(&*e);
            while let Some(s) = source {
                eprintln!("  caused by: {s}");
                source = s.source();
            }
            ExitCode::from(2)
        }
    }
}

fn run(
    out: &std::path::Path,
    params: &Params,
    checkout: bool,
) -> Result<(), Box<dyn std::error::Error>> {
    if out.exists() && std::fs::read_dir(out)?.next().is_some() {
        return Err(format!("{} exists and is not empty", out.display()).into());
    }
    let started = Instant::now();
    let generated = synth::generate(params)?;
    let generated_in = started.elapsed();
    let registry = out.join("registry");
    let commit = synth::write_repository(&registry, &generated.files, checkout)?;
    let stacks = out.join("stacks");
    std::fs::create_dir_all(&stacks)?;
    for s in &generated.stacks {
        std::fs::write(
            stacks.join(format!("{}.toml", s.name)),
            s.with_registry("../registry"),
        )?;
    }
    let bytes: usize = generated.files.values().map(String::len).sum();
    let releases: usize = generated
        .files
        .iter()
        .filter(|(k, _)| k.starts_with("components/"))
        .map(|(_, v)| v.matches("[[release]]").count())
        .sum();
    println!(
        "{}: {} files ({} releases, {:.1} MB) at commit {commit}, generated in {:.1}s, written in {:.1}s",
        registry.display(),
        generated.files.len(),
        releases,
        bytes as f64 / 1e6,
        generated_in.as_secs_f64(),
        (started.elapsed() - generated_in).as_secs_f64()
    );
    for s in &generated.stacks {
        println!(
            "  stacks/{}.toml: {} needs, plan of {} components",
            s.name, s.needs, s.plan
        );
    }
    Ok(())
}
