//! Replays fuzz inputs outside libFuzzer, with a readable trace for the
//! session target: `cargo run --example replay -- session|decode FILE...`.
//! A failing input panics here as it did in the fuzzer.

use mqtt_napi_fuzz::protocol::ProtocolVersion;
use mqtt_napi_fuzz::{decode_check, session_driver};

fn main() {
    let mut args = std::env::args().skip(1);
    let target = args.next().unwrap_or_default();
    for path in args {
        let input = std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"));
        eprintln!("== {path}");
        match target.as_str() {
            "session" => session_driver::run_traced(&input, true),
            "decode" => {
                for version in [ProtocolVersion::V311, ProtocolVersion::V5] {
                    let transcript = decode_check::decode_in_chunks(
                        &input,
                        usize::MAX,
                        &mut std::iter::empty(),
                        version,
                    );
                    eprintln!("{version:?}: {transcript:#?}");
                }
                decode_check::check_stream(&input);
            }
            other => panic!("unknown target {other:?}: session or decode"),
        }
    }
}
