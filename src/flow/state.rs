//! The state of a flow as plain Rust values, and the rules that move it: which codes are
//! needed, what was sent to which number, the one-time token. No JS here, so the rules are
//! tested natively; `mod.rs` runs the requests and `snapshot.rs` shows the state to JS.

use crate::ledger::DEFAULT_COUNTRY_CODE;

/// Which flow.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FlowKind {
    Change,
    Removal,
}

/// A phone number: digits and its country code, as given. The flow never adds a country code:
/// one left out is left out on the wire too, and the server applies its default (+86).
#[derive(Clone, Debug)]
pub struct Number {
    pub digits: String,
    pub country_code: Option<String>,
}

/// The same number to the server: a missing country code is its default, +86.
impl PartialEq for Number {
    fn eq(&self, other: &Number) -> bool {
        // Compared as borrowed text: no copy of either country code.
        self.digits == other.digits
            && self.country_code.as_deref().unwrap_or(DEFAULT_COUNTRY_CODE) == other.country_code.as_deref().unwrap_or(DEFAULT_COUNTRY_CODE)
    }
}

impl Number {
    pub fn new(digits: &str, country_code: Option<&str>) -> Number {
        Number { digits: digits.into(), country_code: country_code.map(Into::into) }
    }

    /// For display: the country code when given, then the first 3 and last 4 digits with the
    /// rest starred ("+86 138****8000"); shorter numbers show only their last 2 digits.
    pub fn masked(&self) -> String {
        let (d, len) = (&self.digits, self.digits.len());
        let keep = |i: usize| if len >= 8 { i < 3 || i + 4 >= len } else { i + 2 >= len };
        // Appended, not cloned and extended: one growing string.
        let mut text = String::new();
        if let Some(cc) = &self.country_code {
            text += cc;
            text += " ";
        }
        for i in 0..len {
            // One-byte slices (the digits are ASCII): pushing chars would link UTF-8 encoding.
            text.push_str(if keep(i) { d.get(i..i + 1).unwrap_or("*") } else { "*" });
        }
        text
    }
}

/// The step a flow is at.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Step {
    /// Change: no new number yet.
    Number,
    /// The code(s) to send and enter.
    Codes,
    /// Change: verified; the token waits for `confirm()`.
    Confirm,
    Done,
}

/// What a flow is doing at the person's request; one thing at a time (reading the current
/// number in the background is not one of them).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Op {
    SendNew,
    SendCurrent,
    Verify,
    Confirm,
}

/// What a code is for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Target {
    New,
    Current,
}

impl Target {
    /// The SMS channel of a code for this target.
    pub fn channel(self) -> &'static str {
        match self {
            Target::New => "CHANNEL_BIND_PHONE",
            Target::Current => "CHANNEL_UNBIND_PHONE",
        }
    }

    /// The step that sends this target's code.
    pub fn send_op(self) -> Op {
        match self {
            Target::New => Op::SendNew,
            Target::Current => Op::SendCurrent,
        }
    }

    /// The cooldown key of a code for this target to `n` (the one `sendSms` would use).
    pub fn cooldown_key(self, n: &Number) -> u64 {
        crate::ledger::sms_key(self.channel(), &n.digits, n.country_code.as_deref())
    }
}

/// The whole state of a flow. No `Debug`: it holds the update token.
#[derive(Clone)]
pub struct State {
    pub kind: FlowKind,
    pub new: Option<Number>,
    pub current: Option<Number>,
    /// Change: the user pool also verifies the current number.
    pub verify_old: bool,
    /// The number the last code for the new number went to, in this flow.
    pub sent_new: Option<Number>,
    /// The number the last code for the current number went to, in this flow.
    pub sent_current: Option<Number>,
    /// Change: the update token and when it expires (ms since epoch).
    pub token: Option<(String, f64)>,
    /// The last token expired unused (until codes are verified again or the inputs change).
    pub expired: bool,
    pub done: bool,
    pub busy: Option<Op>,
    /// Bumped whenever what is in flight stops mattering (cancel, a new number): an answer
    /// for an older generation changes nothing here.
    pub generation: u32,
}

impl State {
    pub fn new(kind: FlowKind) -> State {
        State {
            kind,
            new: None,
            current: None,
            verify_old: false,
            sent_new: None,
            sent_current: None,
            token: None,
            expired: false,
            done: false,
            busy: None,
            generation: 0,
        }
    }

    pub fn step(&self) -> Step {
        if self.done {
            Step::Done
        } else if self.kind == FlowKind::Removal {
            Step::Codes
        } else if self.new.is_none() {
            Step::Number
        } else if self.token.is_some() {
            Step::Confirm
        } else {
            Step::Codes
        }
    }

    /// The codes this flow needs, in order: the new number's, then the current number's.
    pub fn needs(&self) -> &'static [Target] {
        match self.kind {
            FlowKind::Removal => &[Target::Current],
            FlowKind::Change if self.new.is_none() => &[],
            FlowKind::Change if self.verify_old => &[Target::New, Target::Current],
            FlowKind::Change => &[Target::New],
        }
    }

    /// The number a code for `target` goes to, when known.
    pub fn number(&self, target: Target) -> Option<&Number> {
        match target {
            Target::New => self.new.as_ref(),
            Target::Current => self.current.as_ref(),
        }
    }

    /// Whether a code went to exactly the number `target` names now (so "Resend" fits).
    pub fn sent(&self, target: Target) -> bool {
        let sent = match target {
            Target::New => &self.sent_new,
            Target::Current => &self.sent_current,
        };
        sent.is_some() && sent.as_ref() == self.number(target)
    }

    /// Stops caring about what is in flight.
    pub fn forget_in_flight(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        self.busy = None;
    }

    /// A new number to change to (`None`: none yet, or one not finished): when it differs,
    /// the code step starts over (a code sent to the old entry, or a token verified for it,
    /// proves nothing about this one). Returns whether anything changed.
    pub fn set_new(&mut self, number: Option<Number>) -> bool {
        if self.new == number {
            return false;
        }
        self.new = number;
        self.token = None;
        self.expired = false;
        self.forget_in_flight();
        true
    }

    /// Turns verification of the current number on or off; the token goes (it was verified
    /// under the other rule). Returns whether anything changed.
    pub fn set_verify_old(&mut self, on: bool) -> bool {
        if self.verify_old == on {
            return false;
        }
        self.verify_old = on;
        self.token = None;
        self.expired = false;
        true
    }

    /// The token, unless it has expired by `now` (then it is dropped).
    pub fn live_token(&mut self, now: f64) -> Option<&str> {
        if self.token.as_ref().is_some_and(|(_, expires_at)| now >= *expires_at) {
            self.token = None;
            self.expired = true;
        }
        self.token.as_ref().map(|(t, _)| t.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(digits: &str) -> Number {
        Number::new(digits, None)
    }

    #[test]
    fn masks_keep_the_ends() {
        assert_eq!(Number::new("13800138000", Some("+86")).masked(), "+86 138****8000");
        assert_eq!(Number::new("2079460000", Some("+44")).masked(), "+44 207***0000");
        assert_eq!(n("13800138000").masked(), "138****8000", "no country code is added");
        assert_eq!(n("1234567").masked(), "*****67");
        assert_eq!(n("1234").masked(), "**34");
    }

    #[test]
    fn a_new_number_starts_the_codes_over() {
        let mut s = State::new(FlowKind::Change);
        assert_eq!(s.step(), Step::Number);
        assert!(s.needs().is_empty());
        assert!(s.set_new(Some(n("13800138000"))));
        assert_eq!(s.step(), Step::Codes);
        assert_eq!(s.needs(), vec![Target::New]);
        s.sent_new = Some(n("13800138000"));
        assert!(s.sent(Target::New));
        s.token = Some(("t".into(), 10.0));
        assert_eq!(s.step(), Step::Confirm);
        // The same number again (with the default written out) changes nothing.
        assert!(!s.set_new(Some(Number::new("13800138000", Some("+86")))));
        assert_eq!(s.step(), Step::Confirm);
        // Another number: no resend offered for it, the token is gone, in-flight answers ignored.
        let generation = s.generation;
        assert!(s.set_new(Some(n("13900139000"))));
        assert!(!s.sent(Target::New));
        assert_eq!(s.step(), Step::Codes);
        assert_ne!(s.generation, generation);
        // Back to the number the code went to: that code is still good, so resend fits again.
        assert!(s.set_new(Some(n("13800138000"))));
        assert!(s.sent(Target::New));
        // An unfinished number: back to the number step; the code sent before still counts.
        assert!(s.set_new(None));
        assert_eq!(s.step(), Step::Number);
        assert!(s.set_new(Some(n("13800138000"))));
        assert!(s.sent(Target::New));
    }

    #[test]
    fn verifying_the_old_number_needs_its_code_too() {
        let mut s = State::new(FlowKind::Change);
        s.set_new(Some(n("13800138000")));
        s.token = Some(("t".into(), 10.0));
        assert!(s.set_verify_old(true));
        assert_eq!(s.needs(), vec![Target::New, Target::Current]);
        assert_eq!(s.token, None, "a token verified without the old code is dropped");
        assert!(!s.set_verify_old(true));
        assert!(!s.sent(Target::Current), "nothing sent, and the current number is unknown");
        s.current = Some(n("13700137000"));
        s.sent_current = Some(n("13700137000"));
        assert!(s.sent(Target::Current));
    }

    #[test]
    fn tokens_expire() {
        let mut s = State::new(FlowKind::Change);
        s.set_new(Some(n("13800138000")));
        s.token = Some(("t".into(), 1000.0));
        assert_eq!(s.live_token(999.0), Some("t"));
        assert_eq!(s.live_token(1000.0), None);
        assert!(s.expired);
        assert_eq!(s.step(), Step::Codes);
    }

    #[test]
    fn removal_needs_the_current_number_only() {
        let mut s = State::new(FlowKind::Removal);
        assert_eq!(s.step(), Step::Codes);
        assert_eq!(s.needs(), vec![Target::Current]);
        s.done = true;
        assert_eq!(s.step(), Step::Done);
    }
}
