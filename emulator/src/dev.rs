//! Development endpoints under `/__emulator/`: create users, read the codes
//! that would have been texted, change settings, inspect the request log and
//! queue faults. Plain JSON (no envelope); errors are `{error}` with a real
//! HTTP status. They are never logged nor given faults.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::body::{read_limited, BodyError, MAX_BODY};
use crate::envelope::{json_response, Lang};
use crate::fault::Fault;
use crate::input::phone;
use crate::json::{self, JsonError};
use crate::pool::{Settings, User};
use crate::records::MAX_FAULTS;
use crate::sms_filter::SmsFilter;
use crate::state::Shared;

pub fn is_dev_path(path: &str) -> bool {
    path == "/__emulator" || path.starts_with("/__emulator/")
}

pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/__emulator/health", get(health))
        .route("/__emulator/users", axum::routing::post(create_user))
        .route("/__emulator/users/{user_id}", get(get_user))
        .route("/__emulator/sms", get(list_sms))
        .route("/__emulator/settings", get(get_settings).put(put_settings))
        .route("/__emulator/reset", axum::routing::post(reset))
        .route("/__emulator/requests", get(list_requests).delete(clear_requests))
        .route("/__emulator/faults", get(list_faults).post(add_faults).delete(clear_faults))
        .route("/__emulator/connections", get(list_connections).delete(clear_connections))
}

/// `{error}` with a real HTTP status.
struct DevError(StatusCode, String);

impl IntoResponse for DevError {
    fn into_response(self) -> Response {
        json_response(self.0, &json!({ "error": self.1 }))
    }
}

type DevResult = Result<Response, DevError>;

fn error(status: StatusCode, msg: impl Into<String>) -> DevError {
    DevError(status, msg.into())
}

fn ok(value: Value) -> DevResult {
    Ok(json_response(StatusCode::OK, &value))
}

pub async fn not_found(method: Method, uri: Uri) -> Response {
    error(StatusCode::NOT_FOUND, format!("no development endpoint {method} {}", uri.path())).into_response()
}

pub async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    error(StatusCode::METHOD_NOT_ALLOWED, format!("{method} is not allowed on {}", uri.path())).into_response()
}

/// Reads a JSON body; an empty body counts as `{}` for convenience.
async fn read_json<T: DeserializeOwned>(body: Body) -> Result<T, DevError> {
    let bytes = match read_limited(body, MAX_BODY).await {
        Ok(b) => b,
        Err(BodyError::TooLarge(_)) => return Err(error(StatusCode::PAYLOAD_TOO_LARGE, "body larger than 64 KiB")),
        Err(BodyError::Aborted(_)) => return Err(error(StatusCode::BAD_REQUEST, "body aborted")),
    };
    let text: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) { b"{}" } else { &bytes };
    let value = json::parse(text).map_err(|e| {
        let msg = match e {
            JsonError::Syntax => "body is not valid JSON",
            JsonError::DuplicateKey => "body repeats a key in an object",
        };
        error(StatusCode::BAD_REQUEST, msg)
    })?;
    serde_json::from_value(value).map_err(|e| error(StatusCode::BAD_REQUEST, e.to_string()))
}

fn user_json(u: &User, with_token: bool) -> Value {
    let mut v = json!({
        "userId": u.id,
        "phone": u.phone.as_ref().map(|p| &p.number),
        "phoneCountryCode": u.phone.as_ref().map(|p| &p.country_code),
        "email": u.email,
    });
    if let (true, Some(obj)) = (with_token, v.as_object_mut()) {
        obj.insert("accessToken".into(), json!(u.access_token));
    }
    v
}

async fn health() -> DevResult {
    ok(json!({ "ok": true }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct NewUser {
    phone: Option<String>,
    phone_country_code: Option<String>,
    email: Option<String>,
}

async fn create_user(State(shared): State<Arc<Shared>>, body: Body) -> DevResult {
    let b: NewUser = read_json(body).await?;
    let p = match &b.phone {
        Some(n) => Some(
            phone("phone", n, "phoneCountryCode", b.phone_country_code.as_deref())
                .map_err(|e| error(StatusCode::BAD_REQUEST, e.message(Lang::En)))?,
        ),
        None => None,
    };
    if b.email.as_deref().is_some_and(|e| e.trim().is_empty()) {
        return Err(error(StatusCode::BAD_REQUEST, "email must not be empty"));
    }
    let mut pool = shared.pool();
    if let Some(p) = &p {
        if pool.owner_of(p).is_some() {
            return Err(error(StatusCode::CONFLICT, "phone already bound to another user"));
        }
    }
    let user = User::new(p, b.email);
    let v = user_json(&user, true);
    pool.add_user(user);
    ok(v)
}

async fn get_user(State(shared): State<Arc<Shared>>, Path(user_id): Path<String>) -> DevResult {
    match shared.pool().user(&user_id) {
        Some(u) => ok(user_json(u, false)),
        None => Err(error(StatusCode::NOT_FOUND, "user not found")),
    }
}

/// The SMS list, optionally filtered (`?userId=`, `?phoneNumber=&phoneCountryCode=`).
async fn list_sms(State(shared): State<Arc<Shared>>, uri: Uri) -> DevResult {
    let filter = SmsFilter::from_query(uri.query()).map_err(|e| error(StatusCode::BAD_REQUEST, e))?;
    let list: Vec<Value> = shared
        .pool()
        .sms
        .iter()
        .filter(|s| filter.matches(s))
        .map(|s| {
            json!({
                "channel": s.channel,
                "phoneNumber": s.phone.number,
                "phoneCountryCode": s.phone.country_code,
                "code": s.code,
                "sentAt": s.sent_at_ms,
                "userId": s.sender_id,
            })
        })
        .collect();
    ok(Value::Array(list))
}

async fn get_settings(State(shared): State<Arc<Shared>>) -> DevResult {
    let settings = shared.pool().settings.clone();
    ok(json!(settings))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct SettingsPatch {
    verify_old_phone: Option<bool>,
    sms_cooldown_secs: Option<u64>,
    sms_code_lifetime_secs: Option<u64>,
    update_phone_token_lifetime_secs: Option<u64>,
}

/// Longest duration a setting may hold: a year is far beyond any test, and keeps
/// `Instant::now() + secs` from overflowing (which panicked the request's task).
const MAX_SETTING_SECS: u64 = 365 * 24 * 3600;

async fn put_settings(State(shared): State<Arc<Shared>>, body: Body) -> DevResult {
    let patch: SettingsPatch = read_json(body).await?;
    let durations = [patch.sms_cooldown_secs, patch.sms_code_lifetime_secs, patch.update_phone_token_lifetime_secs];
    if durations.into_iter().flatten().any(|secs| secs > MAX_SETTING_SECS) {
        return Err(error(StatusCode::BAD_REQUEST, format!("durations must be at most {MAX_SETTING_SECS} seconds")));
    }
    let mut pool = shared.pool();
    let s: &mut Settings = &mut pool.settings;
    if let Some(v) = patch.verify_old_phone {
        s.verify_old_phone = v;
    }
    if let Some(v) = patch.sms_cooldown_secs {
        s.sms_cooldown_secs = v;
    }
    if let Some(v) = patch.sms_code_lifetime_secs {
        s.sms_code_lifetime_secs = v;
    }
    if let Some(v) = patch.update_phone_token_lifetime_secs {
        s.update_phone_token_lifetime_secs = v;
    }
    ok(json!(s))
}

async fn reset(State(shared): State<Arc<Shared>>) -> DevResult {
    shared.reset();
    ok(json!({ "ok": true }))
}

async fn list_requests(State(shared): State<Arc<Shared>>) -> DevResult {
    ok(json!(shared.records().requests))
}

async fn clear_requests(State(shared): State<Arc<Shared>>) -> DevResult {
    shared.records().requests.clear();
    ok(json!({ "ok": true }))
}

async fn list_faults(State(shared): State<Arc<Shared>>) -> DevResult {
    ok(json!(shared.records().faults))
}

/// Accepts one fault or a list; answers how many are now queued.
async fn add_faults(State(shared): State<Arc<Shared>>, body: Body) -> DevResult {
    let v: Value = read_json(body).await?;
    let list = match v {
        Value::Array(items) => items,
        other => vec![other],
    };
    let mut faults = Vec::with_capacity(list.len());
    for item in list {
        let f: Fault = serde_json::from_value(item).map_err(|e| error(StatusCode::BAD_REQUEST, e.to_string()))?;
        f.validate().map_err(|e| error(StatusCode::BAD_REQUEST, e))?;
        faults.push(f);
    }
    let mut records = shared.records();
    if !records.faults.has_room_for(&faults) {
        return Err(error(
            StatusCode::BAD_REQUEST,
            format!(
                "the fault queue would overflow ({} queued, at most {MAX_FAULTS} faults and 16 MiB): none queued",
                records.faults.len()
            ),
        ));
    }
    for f in faults {
        records.faults.push(f);
    }
    ok(json!({ "queued": records.faults.len() }))
}

async fn clear_faults(State(shared): State<Arc<Shared>>) -> DevResult {
    shared.records().faults.clear();
    ok(json!({ "ok": true }))
}

async fn list_connections(State(shared): State<Arc<Shared>>) -> DevResult {
    ok(json!(*shared.connections.list()))
}

async fn clear_connections(State(shared): State<Arc<Shared>>) -> DevResult {
    shared.connections.clear();
    ok(json!({ "ok": true }))
}
