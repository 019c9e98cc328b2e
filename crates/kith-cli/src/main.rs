//! The `kith` binary: parses the command line, opens the store, runs one command and turns
//! errors into one clear message and a non-zero exit code.

mod cli;
mod commands;
mod context;
mod output;

use clap::Parser;
use std::process::ExitCode;

/// mimalloc instead of the system allocator: bulk imports and exports allocate millions of
/// small strings, and glibc's allocator spent a third of a 100k-card import in malloc/free.
/// Built without transparent huge pages (`no_thp`): a 2 MiB page stays resident while any
/// byte of it is in use, which doubled `kith serve`'s resident memory. It also serves the C
/// code's `malloc` (`override`): SQLite's sorter and temporary B-trees then give memory back
/// like the rest, where glibc's arenas kept ~150 MB resident after a heavy page.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (v3's option list; the crate names only some options).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// A long-running server gives memory back to the system soon after it is free, instead of
/// after mimalloc's default delay (1 s in v3) on a later free or allocation: after a heavy page
/// (Insights at 100k contacts) it kept hundreds of MB resident. Not at once (0 ms): then every
/// request that emptied a page paid for an `madvise` and the TLB shootdown on every core, and
/// after Insights the API served 7k requests/s instead of 10k. A 2 ms delay batches those.
/// mimalloc has no thread of its own, so [`purge_freed_memory`] runs what is due when the
/// server is idle. Short commands keep the default, which is faster for bulk work.
pub(crate) fn release_memory_promptly() {
    // SAFETY: mi_option_set only stores an integer in mimalloc's option table (an atomic
    // store); the option index is mimalloc v3's `mi_option_purge_delay`.
    #[allow(unsafe_code)]
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 2);
    }
}

/// Runs the purges mimalloc has scheduled and that are due (a purge otherwise waits for the
/// next free or allocation, which an idle server does not make). Cheap when nothing is due.
pub(crate) fn purge_freed_memory() {
    // SAFETY: mi_collect is thread-safe: it collects the calling thread's heap and runs the
    // arenas' expired purges; `false` asks for no forced abandonment of pages.
    #[allow(unsafe_code)]
    unsafe {
        libmimalloc_sys::mi_collect(false);
    }
}

fn main() -> ExitCode {
    quiet_on_closed_pipe();
    let cli = cli::Cli::parse();
    // Several workers: `kith serve` answers requests on every core.
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report(&e);
            ExitCode::FAILURE
        }
    }
}

/// `kith list | head` closes stdout early; that is not an error worth a panic message. Rust
/// ignores SIGPIPE, so `println!` panics on the closed pipe: end quietly instead, with the
/// status a shell gives a command killed by SIGPIPE.
fn quiet_on_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if message.contains("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info);
    }));
}

/// Prints an error: the message, its causes, and a hint where one helps.
fn report(e: &anyhow::Error) {
    use kith_store::StoreError;
    if let Some(StoreError::Ambiguous { what, reference, candidates }) =
        e.downcast_ref::<StoreError>()
    {
        eprintln!(
            "error: {reference:?} matches {} {}:",
            candidates.len(),
            kith_store::plural(what)
        );
        for c in candidates {
            eprintln!("  {c}");
        }
        eprintln!("hint: use more of the name, an email address or the id");
        return;
    }
    let mut msg = e.to_string();
    for cause in e.chain().skip(1) {
        msg.push_str(": ");
        msg.push_str(&cause.to_string());
    }
    eprintln!("error: {msg}");
    if let Some(store) = e.downcast_ref::<StoreError>() {
        match store {
            StoreError::NotFound { what: "contact", reference } => {
                eprintln!(
                    "hint: `kith search {reference}` finds people by partial or misspelled names"
                );
            }
            StoreError::NotFound { what: "organization", .. } => {
                eprintln!("hint: `kith org list` shows the organizations you have");
            }
            StoreError::NotFound { what: "trash entry", .. } => {
                eprintln!("hint: `kith trash` lists what can be restored");
            }
            _ => {}
        }
    }
}
