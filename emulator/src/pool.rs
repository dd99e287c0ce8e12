//! The in-memory model: users and their sessions, SMS codes, update-phone
//! tokens, settings, plus the request log and fault queue the dev endpoints
//! expose. Everything lives behind one mutex that is never held across an
//! `.await`, so handlers stay simple and request ordering is well defined.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::Serialize;

use crate::connections::ConnectionRecord;
use crate::fault::Fault;
use crate::Config;

/// The SMS channel enum, identical in every official SDK (CONTRACT.md).
pub const CHANNELS: [&str; 11] = [
    "CHANNEL_LOGIN",
    "CHANNEL_REGISTER",
    "CHANNEL_RESET_PASSWORD",
    "CHANNEL_BIND_PHONE",
    "CHANNEL_UNBIND_PHONE",
    "CHANNEL_BIND_MFA",
    "CHANNEL_VERIFY_MFA",
    "CHANNEL_UNBIND_MFA",
    "CHANNEL_COMPLETE_PHONE",
    "CHANNEL_IDENTITY_VERIFICATION",
    "CHANNEL_DELETE_ACCOUNT",
];
pub const CHANNEL_BIND_PHONE: &str = "CHANNEL_BIND_PHONE";
pub const CHANNEL_UNBIND_PHONE: &str = "CHANNEL_UNBIND_PHONE";

/// What the docs say an absent country code means: mainland China.
pub const DEFAULT_COUNTRY_CODE: &str = "+86";

/// User-pool settings the tests can flip through `/__emulator/settings`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    pub verify_old_phone: bool,
    pub sms_cooldown_secs: u64,
    pub sms_code_lifetime_secs: u64,
    pub update_phone_token_lifetime_secs: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            verify_old_phone: false,
            sms_cooldown_secs: 60,
            sms_code_lifetime_secs: 300,
            update_phone_token_lifetime_secs: 60,
        }
    }
}

/// A phone number is only meaningful together with its country code.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Phone {
    pub country_code: String,
    pub number: String,
}

#[derive(Clone, Debug)]
pub struct User {
    pub id: String,
    pub phone: Option<Phone>,
    pub email: Option<String>,
}

#[derive(Clone, Debug)]
pub struct SmsRecord {
    pub channel: String,
    pub phone: Phone,
    pub code: String,
    pub sent_at_ms: u64,
}

/// The latest code for one (channel, phone); a new send replaces it.
#[derive(Debug)]
struct CodeEntry {
    code: String,
    sent: Instant,
    used: bool,
}

#[derive(Debug, PartialEq, Eq)]
pub enum CodeError {
    Wrong,
    Expired,
}

#[derive(Debug)]
pub struct UpdateToken {
    pub user_id: String,
    pub phone: Phone,
    pub expires: Instant,
    pub used: bool,
}

/// One API request as it arrived, for `/__emulator/requests`.
#[derive(Clone, Debug, Serialize)]
pub struct LoggedRequest {
    pub method: String,
    pub path: String,
    pub headers: BTreeMap<String, String>,
    pub body: String,
}

#[derive(Default)]
pub struct State {
    pub settings: Settings,
    /// Kept in creation order; a handful of users at most, so linear scans are fine.
    pub users: Vec<User>,
    /// access token -> user id
    pub sessions: HashMap<String, String>,
    pub sms: Vec<SmsRecord>,
    codes: HashMap<(String, Phone), CodeEntry>,
    pub update_tokens: HashMap<String, UpdateToken>,
    pub requests: Vec<LoggedRequest>,
    pub faults: VecDeque<Fault>,
    /// Requests answered with a `hang` or `delayMs` fault, and how they ended.
    pub connections: Vec<ConnectionRecord>,
}

impl State {
    pub fn user(&self, id: &str) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }

    pub fn user_mut(&mut self, id: &str) -> Option<&mut User> {
        self.users.iter_mut().find(|u| u.id == id)
    }

    pub fn user_id_for_token(&self, token: &str) -> Option<String> {
        self.sessions.get(token).cloned()
    }

    /// The user who has this phone bound, if any.
    pub fn owner_of(&self, phone: &Phone) -> Option<&User> {
        self.users.iter().find(|u| u.phone.as_ref() == Some(phone))
    }

    /// Records a fresh code, or says how many seconds are left on the cooldown.
    pub fn send_code(&mut self, channel: &str, phone: &Phone) -> Result<String, u64> {
        let key = (channel.to_string(), phone.clone());
        let cooldown = Duration::from_secs(self.settings.sms_cooldown_secs);
        if let Some(prev) = self.codes.get(&key) {
            let elapsed = prev.sent.elapsed();
            if elapsed < cooldown {
                // Round up so "wait 0 seconds" is never said.
                let left = (cooldown - elapsed).as_millis().div_ceil(1000) as u64;
                return Err(left.max(1));
            }
        }
        let code = format!("{:06}", random_u64() % 1_000_000);
        self.codes.insert(
            key,
            CodeEntry {
                code: code.clone(),
                sent: Instant::now(),
                used: false,
            },
        );
        self.sms.push(SmsRecord {
            channel: channel.to_string(),
            phone: phone.clone(),
            code: code.clone(),
            sent_at_ms: now_ms(),
        });
        Ok(code)
    }

    /// Checks a code against the latest one sent; a consumed code counts as wrong.
    pub fn check_code(&self, channel: &str, phone: &Phone, code: &str) -> Result<(), CodeError> {
        let key = (channel.to_string(), phone.clone());
        let entry = self.codes.get(&key).ok_or(CodeError::Wrong)?;
        if entry.used || entry.code != code {
            return Err(CodeError::Wrong);
        }
        if entry.sent.elapsed() >= Duration::from_secs(self.settings.sms_code_lifetime_secs) {
            return Err(CodeError::Expired);
        }
        Ok(())
    }

    /// Codes are single use: call only after `check_code` succeeded.
    pub fn consume_code(&mut self, channel: &str, phone: &Phone) {
        if let Some(e) = self.codes.get_mut(&(channel.to_string(), phone.clone())) {
            e.used = true;
        }
    }

    /// Everything back to a fresh start (settings included).
    pub fn reset(&mut self) {
        *self = State::default();
    }
}

/// The state shared by all handlers.
pub struct Shared {
    pub config: Config,
    state: Mutex<State>,
}

impl Shared {
    pub fn new(config: Config) -> Self {
        Shared {
            config,
            state: Mutex::new(State::default()),
        }
    }

    /// A poisoned lock only means an earlier handler panicked mid-update;
    /// the emulator keeps serving rather than failing every later request.
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// Unpredictable 64-bit values without a `rand` dependency: SipHash, keyed
/// randomly per process by std, over a counter and the clock.
pub fn random_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.write_u128(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.finish()
}

/// `n` random lowercase hex characters.
pub fn random_hex(n: usize) -> String {
    let mut s = String::with_capacity(n + 16);
    while s.len() < n {
        s.push_str(&format!("{:016x}", random_u64()));
    }
    s.truncate(n);
    s
}

/// A uuid-shaped request id, like the real server's `requestId`.
pub fn request_id() -> String {
    let h = random_hex(32);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}
