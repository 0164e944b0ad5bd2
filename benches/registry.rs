//! In-process benchmarks: loading (reading, checking and cross-checking every manifest),
//! the index cache, resolution with the registry already loaded, and the lock-in report
//! (`alternatives --all`), on the sample registry and on synthetic registries.
//!
//! ```sh
//! cargo bench --bench registry                                   # every shape (see `shapes`)
//! STACKREG_BENCH_SHAPES=county,sparse:2000 cargo bench --bench registry -- resolve
//! ```

// A benchmark harness stops on a broken setup: a panic with a message is the report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use stackreg::catalog;
use stackreg::catalog::cache::IndexCache;
use stackreg::model::Loaded;
use stackreg::model::Stack;
use stackreg::resolve::alternatives::lock_in;
use stackreg::resolve::{Options, Resolution, Resolver};
use stackreg::source::CacheKey;
use stackreg::source::memory::MemorySource;
use stackreg_testkit::synth::{self, Catalogue, Params};

/// The registries to run: `STACKREG_BENCH_SHAPES` (`SHAPE` or `SHAPE:COMPONENTS`,
/// comma-separated), by default the sparse shape at 1,000, 2,000 and 10,000 components,
/// the 2,000-component county catalogue and the 10,000-component national one.
fn shapes() -> Vec<(Catalogue, usize)> {
    let list = std::env::var("STACKREG_BENCH_SHAPES")
        .unwrap_or_else(|_| "sparse:1000,sparse:2000,sparse:10000,county,dense".into());
    list.split(',')
        .map(|item| {
            let (shape, n) = item.trim().split_once(':').unwrap_or((item.trim(), ""));
            let shape: Catalogue = shape.parse().expect("sparse, dense or county");
            let n = n.parse().unwrap_or(shape.params().components);
            (shape, n)
        })
        .collect()
}

fn memory(files: &BTreeMap<String, String>) -> MemorySource {
    let mut source = MemorySource::new("bench");
    for (path, text) in files {
        source.insert(path, text.as_bytes());
    }
    source
}

fn sample() -> MemorySource {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("registry");
    let mut files = BTreeMap::new();
    for folder in ["", "interfaces", "components", "stacks"] {
        for e in std::fs::read_dir(root.join(folder))
            .expect("sample registry")
            .flatten()
        {
            if e.file_type().is_ok_and(|t| t.is_file()) {
                let name = e.file_name().to_string_lossy().into_owned();
                let rel = if folder.is_empty() {
                    name
                } else {
                    format!("{folder}/{name}")
                };
                files.insert(rel, std::fs::read_to_string(e.path()).expect("utf-8"));
            }
        }
    }
    memory(&files)
}

fn stack(text: &str) -> Stack {
    stackreg::model::validate::stack("stack.toml", None, text)
        .value
        .expect("a generated stack parses")
}

fn resolve(loaded: &Loaded, stack: &Stack) -> usize {
    match Resolver::new(&loaded.registry, stack).resolve(&Options::default()) {
        Ok(Resolution::Resolved(plan)) => plan.releases.len(),
        _ => panic!("the stack resolves"),
    }
}

fn benches(c: &mut Criterion) {
    let sample = sample();
    let loaded = catalog::load(&sample).expect("sample loads");
    let mut group = c.benchmark_group("sample");
    group.bench_function("load", |b| b.iter(|| catalog::load(black_box(&sample))));
    for (id, s) in &loaded.registry.stacks {
        group.bench_function(format!("resolve/{id}"), |b| {
            b.iter(|| resolve(&loaded, black_box(s)))
        });
    }
    group.finish();

    for (shape, n) in shapes() {
        let generated = synth::generate(&Params {
            components: n,
            ..shape.params()
        })
        .expect("generates");
        let source = memory(&generated.files);
        let loaded = catalog::load(&source).expect("loads");
        let mut group = c.benchmark_group(format!("{shape}-{n}"));
        group
            .sample_size(10)
            .measurement_time(Duration::from_secs(if n >= 10_000 { 20 } else { 8 }));
        group.bench_function("load", |b| b.iter(|| catalog::load(black_box(&source))));

        let dir = tempfile::tempdir().expect("tempdir");
        let cache = IndexCache::at(dir.path().to_path_buf());
        let key = CacheKey {
            slot: "tree-bench".into(),
            fingerprint: 1,
            storable: true,
        };
        group.bench_function("cache-write", |b| b.iter(|| cache.write(&key, &loaded)));
        cache.write(&key, &loaded);
        group.bench_function("cache-read", |b| {
            b.iter(|| cache.read(&key, &loaded.registry.source).expect("hit"))
        });
        for s in &generated.stacks {
            let parsed = stack(&s.text);
            group.bench_function(format!("resolve/{}", s.name), |b| {
                b.iter(|| resolve(&loaded, black_box(&parsed)))
            });
        }
        // The lock-in report (alternatives --all) of the stack whose plan holds about 40
        // components: one resolution per candidate of every planned component.
        if let Some(s) = generated
            .stacks
            .iter()
            .find(|s| s.name.starts_with("plan-"))
        {
            let parsed = stack(&s.text);
            let resolver = Resolver::new(&loaded.registry, &parsed);
            let options = Options::default();
            if let Ok(Resolution::Resolved(plan)) = resolver.resolve(&options) {
                group.bench_function(format!("alternatives-all/{}", s.name), |b| {
                    b.iter(|| lock_in(&resolver, black_box(&plan), &options, false))
                });
            }
        }
        group.finish();
    }
}

criterion_group!(registry_benches, benches);
criterion_main!(registry_benches);
