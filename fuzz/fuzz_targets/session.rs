//! The session state machine driven by a script of driver calls and broker
//! packets: see `mqtt_napi_fuzz::session_driver` for the format and checks.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| mqtt_napi_fuzz::session_driver::run(data));
