//! The packet decoder on arbitrary bytes from a broker: see
//! `mqtt_napi_fuzz::decode_check` for what is checked.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| mqtt_napi_fuzz::decode_check::check_stream(data));
