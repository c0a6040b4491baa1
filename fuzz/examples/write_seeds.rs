//! Writes the seed corpora: `cargo run --example write_seeds` from `fuzz/`.
//! Replaces `corpus/decode/` and `corpus/session/` with exactly the seeds of
//! `mqtt_napi_fuzz::seeds`, after checking each runs clean through its target.

use std::fs;
use std::path::Path;

use mqtt_napi_fuzz::seeds::{self, Seed};
use mqtt_napi_fuzz::{decode_check, session_driver};

fn write_corpus(target: &str, seeds: &[Seed], run_target: fn(&[u8])) -> std::io::Result<()> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(target);
    if dir.exists() {
        fs::remove_dir_all(&dir)?;
    }
    fs::create_dir_all(&dir)?;
    for (name, bytes) in seeds {
        run_target(bytes);
        fs::write(dir.join(name), bytes)?;
    }
    println!("{}: {} seeds", dir.display(), seeds.len());
    Ok(())
}

fn main() -> std::io::Result<()> {
    write_corpus("decode", &seeds::decode_seeds(), decode_check::check_stream)?;
    write_corpus("session", &seeds::session_seeds(), session_driver::run)
}
