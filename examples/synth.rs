//! Writes a synthetic registry of any size into a new git repository, plus council stacks
//! that resolve against it, for benchmarks and scale tests.
//!
//! ```sh
//! cargo run --release --example synth -- --components 10000 --out target/synth/10k
//! cargo run --release --example synth -- --shape dense --out target/synth/dense
//! ```
//!
//! Layout: `OUT/registry/` is a git repository whose root is the registry (one commit on
//! `main`, packed; with a working tree unless `--bare`), and `OUT/stacks/*.toml` are stack
//! files naming `../registry`. The same parameters always give the same commit.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use stackreg_testkit::synth::{self, Catalogue, NeedKind, Params};

#[derive(Parser)]
#[command(about = "Generate a synthetic stackreg registry")]
struct Args {
    /// Folder to create (must not exist, or be empty).
    #[arg(long)]
    out: PathBuf,
    /// The catalogue's shape: `sparse` (few providers per capability), `dense` (a national
    /// catalogue: 10,000 components, about 500 listing each of 40 capabilities) or
    /// `county` (2,000 components, 20 to 80 listing each of 40 capabilities). The flags
    /// below change it.
    #[arg(long, default_value = "sparse")]
    shape: Catalogue,
    #[arg(long)]
    seed: Option<u64>,
    #[arg(long)]
    components: Option<usize>,
    /// Mean releases per component [sparse: 10].
    #[arg(long)]
    releases: Option<usize>,
    /// Interfaces [sparse: 500].
    #[arg(long)]
    interfaces: Option<usize>,
    /// Mean providers per interface [sparse: about one interface per component].
    #[arg(long)]
    providers: Option<f64>,
    /// Capabilities [sparse: one per ten components, at least 20].
    #[arg(long)]
    capabilities: Option<usize>,
    /// Components listing each capability: `N` or `LOW-HIGH` [sparse: each component
    /// lists one capability of its layer, 15% a second].
    #[arg(long, value_parser = parse_range)]
    per_capability: Option<(usize, usize)>,
    /// Percent of one-of-a-kind components [sparse: 3].
    #[arg(long)]
    sole_percent: Option<u32>,
    /// Percent of components requiring an interface [sparse: 40].
    #[arg(long)]
    requires_percent: Option<u32>,
    /// The range of every `requires` entry [sparse: >=1, or >=1.1 in newer releases].
    #[arg(long)]
    requires_range: Option<String>,
    /// Percent of components depending on one component [sparse: 35% on one, 15% on two].
    #[arg(long)]
    depends_percent: Option<u32>,
    /// The longest `depends` chain [4].
    #[arg(long)]
    depth: Option<usize>,
    #[arg(long)]
    yanked_percent: Option<u32>,
    #[arg(long)]
    deprecated_percent: Option<u32>,
    /// Needs of each generated stack (comma-separated) [10,25,50].
    #[arg(long, value_delimiter = ',')]
    stacks: Option<Vec<usize>>,
    /// Also grow a stack until its plan holds this many components (0: none) [40].
    #[arg(long)]
    plan_size: Option<usize>,
    /// How many generated stacks also go into the registry's stacks/ folder [1].
    #[arg(long)]
    reference_stacks: Option<usize>,
    /// The kinds of need a stack takes in turn (comma-separated: capability, interface,
    /// component) [sparse: all three].
    #[arg(long, value_delimiter = ',')]
    need_kinds: Option<Vec<NeedKind>>,
    /// How many layers, from the top, needs are drawn from [sparse: capabilities and
    /// interfaces from the top one, components from the top two].
    #[arg(long)]
    need_layers: Option<usize>,
    /// Write only the git repository, no working tree.
    #[arg(long)]
    bare: bool,
}

fn parse_range(s: &str) -> Result<(usize, usize), String> {
    let number = |x: &str| {
        x.trim()
            .parse::<usize>()
            .map_err(|_| format!("`{s}` is not N or LOW-HIGH"))
    };
    let (low, high) = match s.split_once('-') {
        Some((low, high)) => (number(low)?, number(high)?),
        None => (number(s)?, number(s)?),
    };
    if low > high || high == 0 {
        return Err(format!(
            "`{s}`: LOW must not be above HIGH, and HIGH above 0"
        ));
    }
    Ok((low, high))
}

fn main() -> ExitCode {
    let args = Args::parse();
    let mut params = args.shape.params();
    macro_rules! set {
        ($($field:ident),*) => {$(
            if let Some(value) = args.$field.clone() {
                params.$field = value;
            }
        )*};
    }
    set!(
        seed,
        components,
        releases,
        interfaces,
        sole_percent,
        requires_percent,
        depth,
        yanked_percent,
        deprecated_percent,
        stacks,
        plan_size,
        reference_stacks,
        need_kinds
    );
    macro_rules! set_some {
        ($($field:ident),*) => {$(
            if let Some(value) = args.$field.clone() {
                params.$field = Some(value);
            }
        )*};
    }
    set_some!(
        providers,
        capabilities,
        per_capability,
        requires_range,
        depends_percent,
        need_layers
    );
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
    // Written, not printed: a closed pipe (`| head -1`) is an error, not a panic.
    let mut stdout = std::io::stdout().lock();
    writeln!(
        stdout,
        "{}: {} files ({} releases, {:.1} MB) at commit {commit}, generated in {:.1}s, written in {:.1}s",
        registry.display(),
        generated.files.len(),
        releases,
        bytes as f64 / 1e6,
        generated_in.as_secs_f64(),
        (started.elapsed() - generated_in).as_secs_f64()
    )?;
    for s in &generated.stacks {
        writeln!(
            stdout,
            "  stacks/{}.toml: {} needs, plan of {} components",
            s.name, s.needs, s.plan
        )?;
    }
    Ok(())
}
