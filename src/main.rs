//! The `stackreg` binary: everything lives in the library; this only hands over the
//! arguments and exits with the code the library decided.

/// mimalloc rather than the system allocator: loading a national catalogue makes a few
/// hundred thousand small allocations from several threads, and `alternatives --all`
/// builds and drops small plan graphs by the million (docs/PERFORMANCE.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    stackreg::run(std::env::args_os())
}
