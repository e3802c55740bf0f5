use std::process::ExitCode;

// The pipeline allocates many small strings on two threads at once; glibc's allocator spent
// about a sixth of the CPU time of a 10k-document `stats` in malloc/free and consolidation
// (bench/RESULTS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    atomdoc::cli::main()
}
