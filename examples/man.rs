//! Writes stackreg's man pages, one per command, into `target/man/` (or `$CARGO_TARGET_DIR/man/`):
//!
//! ```sh
//! cargo run --example man
//! man target/man/stackreg.1
//! ```
//!
//! The pages come from the same command definition as `--help`, so they cannot drift from
//! it. clap_mangen is a dev-dependency: the installed binary does not carry it.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    let out = target.join("man");
    let written = std::fs::create_dir_all(&out)
        .and_then(|()| clap_mangen::generate_to(stackreg::cli::command(), &out));
    match written {
        Ok(()) => {
            println!("{}", out.join("stackreg.1").display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!(
                "error: cannot write the man pages to {}: {e}",
                out.display()
            );
            ExitCode::from(2)
        }
    }
}
