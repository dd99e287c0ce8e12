//! What the client remembers between calls, so it can refuse a doomed request before it
//! costs an SMS or a round trip: until when each channel + number may not get another SMS
//! (after a send, or because the server said so), and the update tokens it received (their
//! expiry, whether they were used). Numbers and tokens are kept as hashes, never as text: the
//! ledger holds no secret. What other tabs stored is known by only 16 bits of its key
//! ([`shared_key`]): this client's own sends are matched exactly, theirs by those 16 bits. Times are ms since epoch, passed in so the logic is
//! testable natively. `cooldown_store.rs` shares the cooldowns with other tabs.

/// The documented limit: one SMS per number per channel per minute.
pub const SMS_COOLDOWN_MS: f64 = 60_000.0;
/// How many update tokens are remembered; older ones are forgotten (and then sent as is).
const MAX_TOKENS: usize = 16;
/// How many recent sends are remembered. A person sends a few codes a minute; a page that
/// sends to thousands of numbers a minute forgets the oldest (the server still enforces
/// its limit), so memory and the lookup stay bounded whatever the caller does.
const MAX_SMS_RECORDS: usize = 256;

/// The state of an update token this client received.
#[derive(Debug, PartialEq, Eq)]
pub enum TokenState {
    /// Not issued to this client (or forgotten): send it as it is.
    Unknown,
    Live,
    Expired,
    Consumed,
}

/// A token's expiry once it was used.
const CONSUMED: f64 = f64::NEG_INFINITY;

/// Cooldowns and update tokens, each a list of (key, time) with the newest last: one record
/// type, so both lists share one copy of the code that keeps them.
#[derive(Default)]
pub struct Ledger {
    /// (channel + number, until when it may not get another SMS): this client's sends and the
    /// server's word on them.
    sms_sent: Vec<(u64, f64)>,
    /// (16 bits of a key, until when): what other tabs (or an earlier page) stored.
    shared: Vec<(u64, f64)>,
    /// (token hash, when it expires, or [`CONSUMED`]).
    tokens: Vec<(u64, f64)>,
}

/// Replaces `key`'s record in `list` with (`key`, `at`), dropping records older than
/// `keep_from` and, beyond `max`, the oldest.
#[inline(never)]
fn remember(list: &mut Vec<(u64, f64)>, key: u64, at: f64, keep_from: f64, max: usize) {
    // `retain` by hand, through the `remove` already needed below: `retain` compiles its own.
    let mut i = 0;
    while let Some(&(k, t)) = list.get(i) {
        if k == key || t < keep_from {
            list.remove(i);
        } else {
            i += 1;
        }
    }
    if list.len() >= max {
        list.remove(0);
    }
    list.push((key, at));
}

/// FNV-1a over the parts, separated so ("ab","c") and ("a","bc") differ.
pub fn hash(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        // 0xff never occurs in UTF-8, so it can end each part.
        for &b in part.as_bytes().iter().chain(&[0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// The server's country code when a request has none.
pub const DEFAULT_COUNTRY_CODE: &str = "+86";

/// The cooldown key of a channel + number. An absent country code is the server's default
/// (+86), so a number asked about with and without "+86" has one cooldown, as on the server.
pub fn sms_key(channel: &str, phone_number: &str, country_code: Option<&str>) -> u64 {
    hash(&[channel, country_code.unwrap_or(DEFAULT_COUNTRY_CODE), phone_number])
}

/// What of a key is stored in `localStorage` for other tabs: 16 bits. Short on purpose: each of
/// its 65,536 values stands for some 100,000 Chinese mobile numbers, so a stored key does not
/// tell which number got a code. Another tab's send to a number sharing those bits costs one
/// spurious wait of at most the cooldown (1 in 65,536 per stored entry).
pub fn shared_key(key: u64) -> u64 {
    key & 0xffff
}

/// The longest wait the client believes or stores (a day): a server's figure above it is
/// capped, and a stored end beyond it is dropped.
pub const MAX_WAIT_MS: f64 = 86_400_000.0;

impl Ledger {
    /// Forgets everything (a retired client).
    pub fn clear(&mut self) {
        self.sms_sent.clear();
        self.shared.clear();
        self.tokens.clear();
    }

    /// Milliseconds until another SMS may be sent to `key`; 0 when allowed now.
    pub fn sms_cooldown_remaining(&self, key: u64, now: f64) -> f64 {
        self.sms_until(key).map_or(0.0, |until| (until - now).clamp(0.0, MAX_WAIT_MS).ceil())
    }

    /// Until when `key` may not get another SMS, if the client knows of a wait: its own, or
    /// one stored by another tab under the same 16 bits.
    pub fn sms_until(&self, key: u64) -> Option<f64> {
        let own = self.sms_sent.iter().find(|(k, _)| *k == key).map(|&(_, until)| until);
        let shared = self.shared.iter().find(|(k, _)| *k == shared_key(key)).map(|&(_, until)| until);
        match (own, shared) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    }

    /// Records a wait until `until` (a send, the server's refusal, another tab's send),
    /// keeping a later one already known.
    pub fn sms_wait(&mut self, key: u64, now: f64, until: f64) {
        let until = until.min(now + MAX_WAIT_MS).max(self.sms_until(key).unwrap_or(0.0));
        remember(&mut self.sms_sent, key, until, now, MAX_SMS_RECORDS);
    }

    /// Records a wait another tab stored (`key16`: its 16 bits), unless it is one of this
    /// client's own sends read back (same bits, same end to the ms, as stored).
    pub fn shared_wait(&mut self, key16: u64, now: f64, until: f64) {
        if self.sms_sent.iter().any(|&(k, u)| shared_key(k) == key16 && u.ceil() == until) {
            return;
        }
        let until = until.min(now + MAX_WAIT_MS).max(self.shared.iter().find(|(k, _)| *k == key16).map_or(0.0, |&(_, u)| u));
        remember(&mut self.shared, key16, until, now, MAX_SMS_RECORDS);
    }

    /// The recorded cooldowns by their 16 bits, this client's own and those it learned from
    /// other tabs (so saving keeps theirs), ended ones included: `cooldown_store.rs` saves those
    /// still running.
    pub fn sms_waits(&self) -> Vec<(u64, f64)> {
        let mut all = Vec::with_capacity(self.sms_sent.len() + self.shared.len());
        for &(k, u) in &self.sms_sent {
            all.push((shared_key(k), u));
        }
        // Pushed, like the line above: `extend_from_slice` compiles its own copy loop.
        for &entry in &self.shared {
            all.push(entry);
        }
        all
    }

    /// Records a token (its [`hash`]) received from a verify request sent at `sent_at`.
    pub fn token_issued(&mut self, hash: u64, expires_in_secs: f64, sent_at: f64) {
        // Tokens are dropped only when replaced or beyond MAX_TOKENS: a consumed one stays known.
        remember(&mut self.tokens, hash, sent_at + expires_in_secs * 1000.0, CONSUMED, MAX_TOKENS);
    }

    /// Records a successful updatePhone with the token of this [`hash`].
    pub fn token_consumed(&mut self, hash: u64) {
        if let Some(t) = self.tokens.iter_mut().find(|t| t.0 == hash) {
            t.1 = CONSUMED;
        }
    }

    /// What the client knows of the token of this [`hash`].
    pub fn token_state(&self, hash: u64, now: f64) -> TokenState {
        match self.tokens.iter().find(|t| t.0 == hash) {
            None => TokenState::Unknown,
            Some(&(_, at)) if at == CONSUMED => TokenState::Consumed,
            Some(&(_, at)) if now >= at => TokenState::Expired,
            Some(_) => TokenState::Live,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Ledger {
        /// A successful send at `now`: the next one waits the documented minute.
        fn sms_sent(&mut self, key: u64, now: f64) {
            self.sms_wait(key, now, now + SMS_COOLDOWN_MS);
        }
    }

    #[test]
    fn cooldown_counts_down_per_channel_and_number() {
        let mut l = Ledger::default();
        let bind = sms_key("CHANNEL_BIND_PHONE", "18800000000", Some("+86"));
        let unbind = sms_key("CHANNEL_UNBIND_PHONE", "18800000000", Some("+86"));
        let no_cc = sms_key("CHANNEL_BIND_PHONE", "18800000000", None);
        assert_eq!(l.sms_cooldown_remaining(bind, 1000.0), 0.0);
        l.sms_sent(bind, 1000.0);
        assert_eq!(l.sms_cooldown_remaining(bind, 1000.0), 60_000.0);
        assert_eq!(l.sms_cooldown_remaining(bind, 31_000.0), 30_000.0);
        assert_eq!(l.sms_cooldown_remaining(bind, 61_000.0), 0.0);
        assert_eq!(l.sms_cooldown_remaining(unbind, 2000.0), 0.0);
        // No country code is the server's +86: the same number, the same cooldown.
        assert_eq!(no_cc, bind);
        assert_ne!(sms_key("CHANNEL_BIND_PHONE", "18800000000", Some("+852")), bind);
    }

    #[test]
    fn the_server_and_other_tabs_can_extend_a_wait() {
        let mut l = Ledger::default();
        let key = sms_key("CHANNEL_BIND_PHONE", "18800000000", None);
        // The server says 58 s, from a send this client never saw (another tab, a reload).
        l.sms_wait(key, 1000.0, 59_000.0);
        assert_eq!(l.sms_cooldown_remaining(key, 1000.0), 58_000.0);
        // An earlier end learned later does not shorten it.
        l.sms_wait(key, 2000.0, 10_000.0);
        assert_eq!(l.sms_until(key), Some(59_000.0));
        // A figure beyond a day is capped.
        l.sms_wait(key, 2000.0, f64::INFINITY);
        assert_eq!(l.sms_cooldown_remaining(key, 2000.0), 86_400_000.0);
        assert_eq!(l.sms_sent.len(), 1);
    }

    #[test]
    fn own_sends_are_exact_and_other_tabs_are_known_by_16_bits() {
        let mut l = Ledger::default();
        let (a, b) = (0x1_0000_0000_1234, 0x2_0000_0000_1234);
        assert_eq!(shared_key(a), shared_key(b));
        l.sms_sent(a, 1000.0);
        // Own sends: another number with the same 16 bits is not held back.
        assert_eq!(l.sms_cooldown_remaining(b, 1000.0), 0.0);
        // Read back from storage (same bits, same end): still this client's own, still exact.
        l.shared_wait(0x1234, 1000.0, 61_000.0);
        assert_eq!(l.sms_cooldown_remaining(b, 1000.0), 0.0);
        // Another tab's send under those bits: both numbers wait (the price of 16 bits).
        l.shared_wait(0x1234, 1000.0, 50_000.0);
        assert_eq!(l.sms_cooldown_remaining(b, 1000.0), 49_000.0);
        assert_eq!(l.sms_cooldown_remaining(a, 1000.0), 60_000.0);
        // Saved by their 16 bits, own and shared.
        assert_eq!(l.sms_waits(), vec![(0x1234, 61_000.0), (0x1234, 50_000.0)]);
    }

    #[test]
    fn old_sends_are_forgotten() {
        let mut l = Ledger::default();
        for i in 0..1000u32 {
            l.sms_sent(u64::from(i), f64::from(i) * 1000.0);
        }
        assert!(l.sms_sent.len() <= 61);
    }

    #[test]
    fn send_memory_is_bounded() {
        let mut l = Ledger::default();
        for i in 0..1000u64 {
            l.sms_sent(i, 1000.0 + i as f64);
        }
        assert_eq!(l.sms_sent.len(), MAX_SMS_RECORDS);
        assert_eq!(l.sms_cooldown_remaining(999, 2000.0), 59_999.0);
        assert_eq!(l.sms_cooldown_remaining(0, 2000.0), 0.0, "the oldest send was forgotten");
    }

    #[test]
    fn tokens_expire_and_are_consumed() {
        let mut l = Ledger::default();
        let (t1, t2) = (hash(&["t1"]), hash(&["t2"]));
        assert_eq!(l.token_state(t1, 0.0), TokenState::Unknown);
        // Sent at 1000 ms: its 60 s count from then, however late the answer came.
        l.token_issued(t1, 60.0, 1000.0);
        assert_eq!(l.token_state(t1, 60_999.0), TokenState::Live);
        assert_eq!(l.token_state(t1, 61_000.0), TokenState::Expired);
        l.token_consumed(t1);
        assert_eq!(l.token_state(t1, 2000.0), TokenState::Consumed);
        assert_eq!(l.token_state(t2, 2000.0), TokenState::Unknown);
    }

    #[test]
    fn token_memory_is_bounded() {
        let mut l = Ledger::default();
        for i in 0..100u64 {
            l.token_issued(i, 60.0, 0.0);
        }
        assert_eq!(l.tokens.len(), MAX_TOKENS);
        assert_eq!(l.token_state(99, 1.0), TokenState::Live);
        assert_eq!(l.token_state(0, 1.0), TokenState::Unknown);
    }

    #[test]
    fn hash_separates_parts() {
        assert_ne!(hash(&["ab", "c"]), hash(&["a", "bc"]));
    }
}
