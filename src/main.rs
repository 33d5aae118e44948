//! The `kasir` binary: parse the arguments, then run one command or the till.

fn main() -> std::process::ExitCode {
    kasir::cli::main()
}
