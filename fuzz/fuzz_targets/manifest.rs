//! One manifest file from the fuzzer's bytes: the first byte picks the kind (registry.toml,
//! interface, component, stack), the rest is the file. It is decoded and checked on its
//! own, its findings located and rendered in every format; then it is loaded as part of a
//! small registry, and everything `list`, `interfaces` and `show` print is rendered too.
//! Nothing may panic; no output may hold a raw control or bidi character; JSON must parse
//! and markdown and CSV keep their shape.

#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use stackreg::catalog;
use stackreg::diagnostic::locate_all;
use stackreg::model::validate as check;
use stackreg::source::memory::MemorySource;

const REGISTRY: &str = "[registry]\nname = \"Fuzz\"\nformat = 1\n";
const INTERFACE: &str = "id = \"api\"\nname = \"API\"\nsummary = \"An API\"\nowner = \"Someone\"\nspecification = \"https://example.com/api\"\nversions = [\"1.0.0\", \"2.0.0\"]\n";
const COMPONENT: &str = "id = \"app\"\nname = \"App\"\nsummary = \"An app\"\nsupplier = \"Supplier\"\nlicence = \"MIT\"\nkind = \"saas\"\ncapabilities = [\"cms\"]\nlifecycle = \"live\"\nhomepage = \"https://example.com/app\"\n\n[[release]]\nversion = \"1.0.0\"\nreleased = 2024-01-01\nprovides = { api = \"1.0.0\" }\n";

fuzz_target!(|data: &[u8]| {
    let Some((&kind, bytes)) = data.split_first() else {
        return;
    };
    let (path, stem) = match kind % 4 {
        0 => ("registry.toml", None),
        1 => ("interfaces/x.toml", Some("x")),
        2 => ("components/x.toml", Some("x")),
        _ => ("stacks/x.toml", Some("x")),
    };

    // On its own.
    match check::decode(path, bytes) {
        Err(d) => stackreg_fuzz::findings(vec![*d], BTreeMap::new()),
        Ok(text) => {
            let mut diagnostics = match kind % 4 {
                0 => check::registry_file(path, text).diagnostics,
                1 => check::interface(path, stem, text).diagnostics,
                2 => check::component(path, stem, text).diagnostics,
                _ => check::stack(path, stem, text).diagnostics,
            };
            locate_all(text, diagnostics.iter_mut());
            for d in &diagnostics {
                if let (Some(span), Some(_)) = (&d.span, d.line) {
                    assert!(span.start <= span.end && span.end <= text.len(), "{d:?}");
                    assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
                }
            }
            stackreg_fuzz::findings(diagnostics, [(path.to_owned(), text.to_owned())].into());
        }
    }

    // In a registry, next to files that refer to it and that it may refer to.
    let mut source = MemorySource::new("fuzz")
        .with("registry.toml", REGISTRY)
        .with("interfaces/api.toml", INTERFACE)
        .with("components/app.toml", COMPONENT);
    source.insert(path, bytes.to_vec());
    let Ok(loaded) = catalog::load(&source) else {
        return;
    };
    stackreg_fuzz::findings(loaded.diagnostics, loaded.sources);
    stackreg_fuzz::catalogue(&loaded.registry);
});
