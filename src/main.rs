/// mimalloc rather than glibc's allocator: under a load of saves, glibc's malloc and free took
/// an eighth of the server's time (BENCHMARKS.md, record creation).
#[cfg(feature = "server")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    conum::launch();
}
