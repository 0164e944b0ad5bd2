//! The `stackreg` binary: everything lives in the library; this only hands over the
//! arguments and exits with the code the library decided.

fn main() -> std::process::ExitCode {
    stackreg::run(std::env::args_os())
}
