//! The user pool the API works on: users and their access tokens, SMS codes,
//! update-phone tokens and settings. Apart from the test harness's records
//! (records.rs, connections.rs), and every collection bounded (bounded.rs).

use std::time::{Duration, Instant};

use serde::Serialize;

use crate::bounded::{Bounded, Weigh};
use crate::ids::{random_hex, six_digit_code};

/// The SMS channel enum, identical in every official SDK.
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

/// Bounds (README, "Bounds"): far above what a test run needs between resets,
/// small enough that a forgotten emulator stays at a few tens of MB. Users, codes
/// and tokens are looked up by linear scan, so those stay at a thousand.
pub const MAX_USERS: usize = 1_000;
pub const MAX_USER_BYTES: usize = 4 << 20;
pub const MAX_SMS: usize = 10_000;
pub const MAX_CODES: usize = 1_000;
pub const MAX_UPDATE_TOKENS: usize = 1_000;

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
        Settings { verify_old_phone: false, sms_cooldown_secs: 60, sms_code_lifetime_secs: 300, update_phone_token_lifetime_secs: 60 }
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
    /// The one session a dev-created user has; dropped with the user.
    pub access_token: String,
    pub phone: Option<Phone>,
    pub email: Option<String>,
    /// Milliseconds since the epoch (get-profile's `createdAt` and `updatedAt`).
    pub created_at_ms: u64,
    pub updated_at_ms: u64,
}

impl User {
    /// A user with a random id and a fresh access token.
    pub fn new(phone: Option<Phone>, email: Option<String>) -> User {
        let now = now_ms();
        User { id: random_hex(24), access_token: random_hex(40), phone, email, created_at_ms: now, updated_at_ms: now }
    }

    /// Binds, changes or (with `None`) removes the phone, which updates the user.
    pub fn set_phone(&mut self, phone: Option<Phone>) {
        self.phone = phone;
        self.updated_at_ms = now_ms();
    }
}

impl Weigh for User {
    fn weight(&self) -> usize {
        self.email.as_ref().map_or(0, String::len)
    }
}

#[derive(Clone, Debug)]
pub struct SmsRecord {
    pub channel: &'static str,
    pub phone: Phone,
    pub code: String,
    pub sent_at_ms: u64,
    /// The user whose access token the send-sms request carried, if any.
    pub sender_id: Option<String>,
    /// The user who had this number bound when it was sent, if any.
    pub owner_id: Option<String>,
}

/// Channels, numbers and ids are checked or ours, and short: entries of a fixed size.
impl Weigh for SmsRecord {
    fn weight(&self) -> usize {
        0
    }
}

/// The latest code for one (channel, phone); a new send replaces it.
#[derive(Debug)]
struct CodeEntry {
    channel: &'static str,
    phone: Phone,
    code: String,
    sent: Instant,
    used: bool,
}

impl Weigh for CodeEntry {
    fn weight(&self) -> usize {
        0
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum CodeError {
    Wrong,
    Expired,
}

#[derive(Debug)]
pub struct UpdateToken {
    pub token: String,
    pub user_id: String,
    pub phone: Phone,
    pub expires: Instant,
    pub used: bool,
}

impl Weigh for UpdateToken {
    fn weight(&self) -> usize {
        0
    }
}

#[derive(Debug)]
pub struct Pool {
    pub settings: Settings,
    /// In creation order; linear scans over at most `MAX_USERS`.
    pub users: Bounded<User>,
    pub sms: Bounded<SmsRecord>,
    codes: Bounded<CodeEntry>,
    update_tokens: Bounded<UpdateToken>,
}

impl Default for Pool {
    fn default() -> Self {
        Pool {
            settings: Settings::default(),
            users: Bounded::new(MAX_USERS, MAX_USER_BYTES),
            sms: Bounded::new(MAX_SMS, usize::MAX),
            codes: Bounded::new(MAX_CODES, usize::MAX),
            update_tokens: Bounded::new(MAX_UPDATE_TOKENS, usize::MAX),
        }
    }
}

impl Pool {
    /// Adds a user (past the bound, the oldest user and its session are dropped).
    pub fn add_user(&mut self, user: User) {
        self.users.push(user);
    }

    pub fn user(&self, id: &str) -> Option<&User> {
        self.users.find(|u| u.id == id)
    }

    pub fn user_mut(&mut self, id: &str) -> Option<&mut User> {
        self.users.find_mut(|u| u.id == id)
    }

    pub fn user_id_for_token(&self, token: &str) -> Option<String> {
        self.users.find(|u| u.access_token == token).map(|u| u.id.clone())
    }

    /// The user who has this phone bound, if any.
    pub fn owner_of(&self, phone: &Phone) -> Option<&User> {
        self.users.find(|u| u.phone.as_ref() == Some(phone))
    }

    /// Records a fresh code, or says how many seconds are left on the cooldown.
    /// `sender_id` is the signed-in user who asked for it, if any (send-sms needs no token).
    pub fn send_code(&mut self, channel: &'static str, phone: &Phone, sender_id: Option<String>) -> Result<String, u64> {
        let cooldown = Duration::from_secs(self.settings.sms_cooldown_secs);
        if let Some(prev) = self.codes.find(|e| e.channel == channel && &e.phone == phone) {
            let elapsed = prev.sent.elapsed();
            if elapsed < cooldown {
                // Round up so "wait 0 seconds" is never said.
                let left = (cooldown - elapsed).as_millis().div_ceil(1000) as u64;
                return Err(left.max(1));
            }
        }
        let code = six_digit_code();
        self.codes.remove_where(|e| e.channel == channel && &e.phone == phone);
        self.codes.push(CodeEntry { channel, phone: phone.clone(), code: code.clone(), sent: Instant::now(), used: false });
        let owner_id = self.owner_of(phone).map(|u| u.id.clone());
        self.sms.push(SmsRecord { channel, phone: phone.clone(), code: code.clone(), sent_at_ms: now_ms(), sender_id, owner_id });
        Ok(code)
    }

    /// Checks a code against the latest one sent; a consumed code counts as wrong.
    pub fn check_code(&self, channel: &str, phone: &Phone, code: &str) -> Result<(), CodeError> {
        let entry = self.codes.find(|e| e.channel == channel && &e.phone == phone).ok_or(CodeError::Wrong)?;
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
        if let Some(e) = self.codes.find_mut(|e| e.channel == channel && &e.phone == phone) {
            e.used = true;
        }
    }

    /// Issues an update-phone token for `phone`, valid for `lifetime`.
    pub fn issue_token(&mut self, user_id: &str, phone: Phone, expires: Instant) -> String {
        let token = random_hex(32);
        self.update_tokens.push(UpdateToken { token: token.clone(), user_id: user_id.to_string(), phone, expires, used: false });
        token
    }

    pub fn token(&self, token: &str) -> Option<&UpdateToken> {
        self.update_tokens.find(|t| t.token == token)
    }

    pub fn token_mut(&mut self, token: &str) -> Option<&mut UpdateToken> {
        self.update_tokens.find_mut(|t| t.token == token)
    }

    /// Everything back to a fresh start (settings included).
    pub fn reset(&mut self) {
        *self = Pool::default();
    }
}

pub fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}
