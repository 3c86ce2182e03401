//! The resident's allocator setting. glibc's malloc gives a thread that finds the other
//! arenas busy an arena of its own, up to eight per core, and keeps what was freed in each.
//! The local API's history calls run on tokio's blocking threads: over 20 history windows
//! (about 200 history calls each) the resident grew by 2.0 MiB, against 0.1 MiB over a
//! minute with no window. With one arena the same run grew it by 0.7 MiB, levelling off,
//! from a start 0.8 MiB lower (`window_bench`, docs/benchmarks.md). Its threads allocate
//! little and seldom at the same moment, so sharing one arena costs nothing measurable.

/// Limits glibc's malloc to one arena: `mallopt(M_ARENA_MAX, 1)` (mallopt(3)). Called first
/// in `downwatch run`; nothing on other C libraries.
pub fn one_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[allow(unsafe_code)]
    // SAFETY: mallopt takes two integers and only changes a parameter of glibc's allocator,
    // under the allocator's own lock; it touches no memory of ours.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}
