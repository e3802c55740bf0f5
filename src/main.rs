use std::process::ExitCode;

fn main() -> ExitCode {
    atomdoc::cli::main()
}
