//! The code under test and the checks the fuzz targets run on it.
//!
//! `protocol` and `session` are compiled here straight from the main crate's
//! sources. Both are pure (no I/O, no N-API, no tokio: see the main crate's
//! module docs) and depend only on `bytes` and `thiserror`, so the fuzz build
//! skips the N-API, TLS and tokio stack, which would make every CI build of the
//! fuzzers several minutes longer. If either module ever reaches for another
//! part of the crate, this include fails to compile: that is deliberate, it
//! keeps them sans-IO.

#[path = "../../src/protocol/mod.rs"]
pub mod protocol;

#[path = "../../src/session/mod.rs"]
pub mod session;

pub mod decode_check;
pub mod seeds;
pub mod session_driver;
