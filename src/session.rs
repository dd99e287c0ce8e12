//! What one client holds between calls — options, headers, the access token,
//! the ledger and its shared store — and how a checked [`Request`] becomes a request on the
//! wire. No `RefCell` borrow outlives a statement, so nothing is borrowed across an `.await`
//! and concurrent calls are safe.

use crate::abort::Abort;
use crate::args::Fields;
use crate::cooldown_store::CooldownStore;
use crate::dto;
use crate::error::{ErrorCode, GenAuthError, Result};
use crate::http;
use crate::ledger::{hash, sms_key, Ledger, TokenState, MAX_WAIT_MS};
use crate::options::ClientOptions;
use core::cell::{Cell, RefCell};
use js_sys::{Date, Object};
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;

const SDK_VERSION: &str = concat!("genauth-phone-wasm:", env!("CARGO_PKG_VERSION"));

/// What to record when a call succeeds (envelope `statusCode` 200).
pub enum OnSuccess {
    Nothing,
    SmsSent(u64),
    TokenIssued,
    TokenConsumed(u64),
}

/// A call in flight: what to update when its answer comes.
pub struct Call {
    pub session: Rc<Session>,
    pub on_success: OnSuccess,
    /// When the request left: the server starts a token's lifetime and a cooldown when it
    /// receives the request, so the client counts from here, not from when the answer came.
    pub sent_at: f64,
    /// A refusal in the envelope rejects (`throwOnError`, and always in a flow).
    pub strict: bool,
}

/// The endpoints, in the order of [`PATHS`].
#[derive(Clone, Copy, PartialEq)]
pub enum Endpoint {
    SendSms,
    VerifyUpdatePhoneRequest,
    UpdatePhone,
    UnbindPhone,
    /// The one `GET`: its query is built from the fields.
    GetProfile,
}
const PATHS: [&str; 5] = ["send-sms", "verify-update-phone-request", "update-phone", "unbind-phone", "get-profile"];

/// A call, read and checked: what to send and how long to wait for it.
pub struct Request {
    pub endpoint: Endpoint,
    pub fields: Fields,
    pub timeout_ms: f64,
    /// An `AbortSignal` (checked when the request starts).
    pub signal: Option<JsValue>,
}

/// The state of one `AuthenticationClient` (and of the flows it made).
pub struct Session {
    pub options: ClientOptions,
    /// The headers every request carries, built once.
    headers: Object,
    /// `<appHost>/api/v3/get-profile`: what a request that got no answer asks (`http::Probe`).
    probe_url: JsValue,
    /// Once an access token is set: `headers` plus its `authorization`, built when the token
    /// is set, so a call only hands fetch an object (never changed once built: fetch copies
    /// it, so a call in flight keeps the token it started with).
    signed_in: RefCell<Option<SignedIn>>,
    ledger: RefCell<Ledger>,
    /// Where the cooldowns are shared with other tabs and reloads.
    store: CooldownStore,
    /// Told when an access token is set (the flows, which read the current number then).
    watchers: RefCell<Vec<Weak<dyn SignInWatcher>>>,
    freed: Cell<bool>,
}

/// Something that acts when an access token is set. The session knows nothing else of it.
pub trait SignInWatcher {
    fn signed_in(self: Rc<Self>);
}

impl Session {
    /// A session for checked options.
    pub fn new(mut options: ClientOptions) -> Session {
        let headers = headers(&options, None, true);
        let signed_in = RefCell::new(options.access_token.take().map(|t| SignedIn::new(&options, t.into())));
        let probe_url =
            JsValue::from(options.base_url.clone() + "/api/v3/" + PATHS.get(Endpoint::GetProfile as usize).copied().unwrap_or_default());
        Session {
            probe_url,
            store: CooldownStore::open(&options.app_id),
            options,
            headers,
            signed_in,
            ledger: RefCell::default(),
            watchers: RefCell::default(),
            freed: Cell::new(false),
        }
    }

    /// An error of this client as JS, in its words (`messages.rs`).
    pub fn said(&self, error: JsValue) -> JsValue {
        self.options.texts.localize(error)
    }

    /// `CLIENT_FREED` once `free()` was called.
    pub fn alive(&self) -> Result<()> {
        if self.freed.get() {
            return Err(GenAuthError::new(ErrorCode::ClientFreed, "this client was freed: create a new one"));
        }
        Ok(())
    }

    /// Retires the session: no token, no memory of sends or tokens, nothing stored.
    pub fn retire(&self) {
        self.freed.set(true);
        self.set_token(None);
        // Emptied in place: `RefCell::take` compiles a copy per type. Dropping the records
        // and the watchers (weak references) runs no JS.
        self.ledger.borrow_mut().clear();
        self.watchers.borrow_mut().clear();
    }

    /// Sets the access token (a checked JS string) and tells the watchers; or signs out with
    /// `None`, which also clears the cooldowns stored for other tabs (they are the user's).
    pub fn set_token(&self, token: Option<&JsValue>) {
        let signed_in = token.map(|t| SignedIn::new(&self.options, t.clone()));
        let signing_in = signed_in.is_some();
        drop(self.signed_in.replace(signed_in));
        if !signing_in {
            self.store.clear();
            return;
        }
        // Upgraded first: a watcher may set the token again or add a watcher while it runs.
        // A plain loop: `filter_map(..).collect()` compiles iterator code of its own.
        let mut watchers = Vec::new();
        for watcher in self.watchers.borrow().iter() {
            if let Some(watcher) = watcher.upgrade() {
                watchers.push(watcher);
            }
        }
        for watcher in watchers {
            watcher.signed_in();
        }
    }

    /// Adds a watcher of sign-ins (held weakly: it does not keep a flow alive).
    pub fn watch_sign_in(&self, watcher: Weak<dyn SignInWatcher>) {
        let mut watchers = self.watchers.borrow_mut();
        // In the slot of a watcher gone (the list stays as long as the most flows alive at
        // once), else at the end: no `retain` copy compiled for this type.
        match watchers.iter_mut().find(|w| w.strong_count() == 0) {
            Some(slot) => *slot = watcher,
            None => watchers.push(watcher),
        }
    }

    /// Whether an access token is set.
    pub fn signed_in(&self) -> bool {
        self.signed_in.borrow().is_some()
    }

    /// Milliseconds until an SMS may go to this cooldown key again, counting what other tabs
    /// stored.
    pub fn sms_cooldown(&self, key: u64) -> f64 {
        let now = Date::now();
        self.load(now);
        self.ledger.borrow().sms_cooldown_remaining(key, now)
    }

    /// Adds what other tabs stored to the ledger (storage is JS: call it with nothing
    /// borrowed), and returns the time it was read at, for [`Session::sms_until`].
    pub fn refresh_cooldowns(&self) -> f64 {
        let now = Date::now();
        self.load(now);
        now
    }

    /// Until when (ms since epoch) `key` may not get an SMS, as of `now` from
    /// [`Session::refresh_cooldowns`]; 0 when it may now (or for no key). Runs no JS.
    pub fn sms_until(&self, key: Option<u64>, now: f64) -> f64 {
        key.and_then(|k| self.ledger.borrow().sms_until(k)).filter(|until| *until > now).unwrap_or(0.0)
    }

    /// Records that `key` may not get an SMS before `until` (a send, or the server's word),
    /// and shares it with other tabs.
    pub fn sms_wait(&self, key: u64, until: f64) {
        let now = Date::now();
        self.load(now);
        self.ledger.borrow_mut().sms_wait(key, now, until);
        self.save(now);
    }

    /// Adds what other tabs stored to the ledger. An entry that has ended is pruned, and one
    /// ending beyond the longest wait this client stores (a clock set ahead, another script's
    /// value) is dropped rather than capped, so it cannot lock a number out again and again;
    /// either way the stored list is rewritten. Storage is read before the ledger is
    /// borrowed: no borrow is held while JS runs.
    fn load(&self, now: f64) {
        let stored = self.store.load();
        let mut stale = false;
        for (key, until) in stored {
            if until > now && until <= now + MAX_WAIT_MS {
                self.ledger.borrow_mut().shared_wait(key, now, until);
            } else {
                stale = true;
            }
        }
        if stale {
            self.save(now);
        }
    }

    /// Stores the running cooldowns for other tabs (the key goes when there are none).
    fn save(&self, now: f64) {
        let text = crate::cooldown_store::format_entries(&self.ledger.borrow().sms_waits(), now);
        self.store.save(&text);
    }

    /// Records an update token issued from a verify request sent at `sent_at`.
    pub fn token_issued(&self, token: &str, expires_in_secs: f64, sent_at: f64) {
        self.ledger.borrow_mut().token_issued(hash(&[token]), expires_in_secs, sent_at);
    }

    /// Records an update token used successfully.
    pub fn token_consumed(&self, token_hash: u64) {
        self.ledger.borrow_mut().token_consumed(token_hash);
    }

    /// The headers with the access token as it is now, or `NOT_AUTHENTICATED`.
    fn signed_in_headers(&self) -> Result<Object> {
        self.token().map(|s| s.headers)
    }

    /// The access token as it is now (with its headers), or `NOT_AUTHENTICATED`.
    fn token(&self) -> Result<SignedIn> {
        self.signed_in
            .borrow()
            .clone()
            .ok_or_else(|| GenAuthError::new(ErrorCode::NotAuthenticated, "no access token: sign the user in, then call setAccessToken"))
    }

    /// Checks what the client knows against a request, then sends it. `strict`: a refusal in
    /// the envelope rejects (as with `throwOnError`).
    #[inline(never)]
    pub fn send(self: &Rc<Self>, request: Request, strict: bool) -> Result<(http::Sent, Call)> {
        self.alive()?;
        // Before the request leaves: a token's lifetime is never overestimated.
        let sent_at = Date::now();
        let Request { endpoint, fields, timeout_ms, signal } = request;
        let (headers, on_success) = match endpoint {
            Endpoint::SendSms => {
                let key = sms_key_of(&fields);
                let wait = self.sms_cooldown(key);
                if wait > 0.0 {
                    let mut e = GenAuthError::new(ErrorCode::SmsCooldown, "an SMS went to this number on this channel less than 60 s ago");
                    e.retry_after_ms = Some(wait);
                    return Err(e);
                }
                // Not required here, but sent along when set, as the official SDKs do.
                let headers = self.signed_in.borrow().as_ref().map_or_else(|| self.headers.clone(), |s| s.headers.clone());
                (headers, OnSuccess::SmsSent(key))
            }
            Endpoint::VerifyUpdatePhoneRequest => {
                dto::check_verify(&fields)?;
                (self.signed_in_headers()?, OnSuccess::TokenIssued)
            }
            Endpoint::UpdatePhone => {
                let headers = self.signed_in_headers()?;
                let update_token = hash(&[fields.text(dto::UPDATE_TOKEN).unwrap_or_default()]);
                match self.ledger.borrow().token_state(update_token, sent_at) {
                    TokenState::Expired => {
                        return Err(GenAuthError::new(ErrorCode::TokenExpired, "updatePhoneToken has expired: verify again"))
                    }
                    TokenState::Consumed => {
                        return Err(GenAuthError::new(ErrorCode::TokenConsumed, "updatePhoneToken was already used: verify again"))
                    }
                    TokenState::Live | TokenState::Unknown => {}
                }
                (headers, OnSuccess::TokenConsumed(update_token))
            }
            Endpoint::UnbindPhone => (self.signed_in_headers()?, OnSuccess::Nothing),
            Endpoint::GetProfile => (headers(&self.options, Some(&self.token()?.token), false), OnSuccess::Nothing),
        };
        let mut url = self.options.base_url.clone() + "/api/v3/" + PATHS.get(endpoint as usize).copied().unwrap_or_default();
        let body = match endpoint {
            Endpoint::GetProfile => {
                url += &dto::profile_query(&fields);
                None
            }
            _ => Some(fields.to_json()?),
        };
        let url = JsValue::from(url);
        // Last, so a refusal above leaves no timer or listener behind.
        let abort = Abort::start(timeout_ms, signal, "opts.signal")?;
        let probe = http::Probe { url: self.probe_url.clone(), headers: self.headers.clone().into() };
        let sent = http::send(&url, &headers, body.as_ref(), abort, probe);
        Ok((sent, Call { session: Rc::clone(self), on_success, sent_at, strict }))
    }
}

/// The headers of a request: the app's, the token's when given, and the content type when it
/// has a body (the official SDK's axios sends none on a GET). Built when the client is made and
/// when the token changes; never changed afterwards.
fn headers(options: &ClientOptions, token: Option<&JsValue>, body: bool) -> Object {
    let headers = Object::new();
    // Through the one `Reflect.set` helper every object this package builds uses.
    let set = |k: &str, v: &JsValue| crate::error::set(&headers, k, v);
    let text = |v: &str| JsValue::from_str(v);
    if body {
        set("content-type", &text("application/json"));
    }
    set("x-authing-app-id", &text(&options.app_id));
    set("x-authing-request-from", &text("sdk"));
    set("x-authing-sdk-version", &text(SDK_VERSION));
    if let Some(lang) = &options.lang {
        set("x-authing-lang", &text(lang));
    }
    if let Some(token) = token {
        // Raw, as the seeds' SDK sends it; the server also takes "Bearer <token>".
        set("authorization", token);
    }
    headers
}

/// An access token (a checked JS string) and the headers of a request with a body that carry it.
#[derive(Clone)]
struct SignedIn {
    /// For get-profile's own headers.
    token: JsValue,
    headers: Object,
}

impl SignedIn {
    fn new(options: &ClientOptions, token: JsValue) -> SignedIn {
        SignedIn { headers: headers(options, Some(&token), true), token }
    }
}

/// The cooldown key of a decoded `SendSMSDto`.
pub fn sms_key_of(sms: &Fields) -> u64 {
    let text = |i| sms.text(i).unwrap_or_default();
    sms_key(text(dto::SMS_CHANNEL), text(dto::SMS_PHONE), sms.text(dto::SMS_COUNTRY_CODE))
}
