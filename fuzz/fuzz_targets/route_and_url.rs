#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| playbook::fuzz::route_and_url(data));
