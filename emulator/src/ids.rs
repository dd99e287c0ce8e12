//! Random ids and codes from the operating system's generator (`getrandom`), and
//! uuid-shaped request ids (`uuid` v4), like the real server's `requestId`.

/// `n` random lowercase hex characters (access tokens, user ids, update tokens).
pub fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n.div_ceil(2)];
    fill(&mut bytes);
    let mut s: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    s.truncate(n);
    s
}

/// A 6-digit SMS code (the bias of `% 1_000_000` on 64 bits is negligible).
pub fn six_digit_code() -> String {
    let mut bytes = [0u8; 8];
    fill(&mut bytes);
    format!("{:06}", u64::from_le_bytes(bytes) % 1_000_000)
}

/// A uuid-shaped request id.
pub fn request_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Without a working OS generator no id would be unpredictable: panicking the one
/// request is the honest answer (uuid's `new_v4` does the same).
fn fill(bytes: &mut [u8]) {
    if let Err(e) = getrandom::fill(bytes) {
        panic!("the operating system's random generator failed: {e}");
    }
}
