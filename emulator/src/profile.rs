//! `GET /api/v3/get-profile`: the signed-in user's own profile, as a UserDto.
//! The query takes three optional flags, `true` or `false` exactly, that add
//! `customData`, `identities` and `departmentIds` (always empty here). api.rs
//! routes, checks the app id and the token, then calls `get_profile`.

use serde_json::{json, Value};

use crate::envelope::ApiError;
use crate::iso_time::iso8601;
use crate::pool::{Pool, User};
use crate::query;

/// One flag of the official SDKs' `getProfile`: `param=true` adds `field`, empty here.
struct Flag {
    param: &'static str,
    field: &'static str,
    empty: fn() -> Value,
}

const FLAGS: [Flag; 3] = [
    Flag { param: "withCustomData", field: "customData", empty: || json!({}) },
    Flag { param: "withIdentities", field: "identities", empty: || json!([]) },
    Flag { param: "withDepartmentIds", field: "departmentIds", empty: || json!([]) },
];

pub fn get_profile(pool: &Pool, user_id: &str, query: Option<&str>) -> Result<Value, ApiError> {
    let q = query::parse(query, &FLAGS.map(|f| f.param)).map_err(ApiError::InvalidArgument)?;
    let mut extras = Vec::new();
    for f in &FLAGS {
        match q.get(f.param) {
            None | Some("false") => {}
            Some("true") => extras.push((f.field, (f.empty)())),
            Some(_) => return Err(ApiError::InvalidArgument(format!("{} must be true or false", f.param))),
        }
    }
    let user = pool.user(user_id).ok_or(ApiError::NotLoggedIn)?;
    let mut dto = user_dto(user);
    if let Some(obj) = dto.as_object_mut() {
        obj.extend(extras.into_iter().map(|(field, value)| (field.to_string(), value)));
    }
    Ok(dto)
}

/// The UserDto fields the emulator knows; the real one has many more (README).
fn user_dto(u: &User) -> Value {
    json!({
        "userId": u.id,
        "username": null,
        "email": u.email,
        "phone": u.phone.as_ref().map(|p| &p.number),
        "phoneCountryCode": u.phone.as_ref().map(|p| &p.country_code),
        // Every number the emulator holds was proven by a code, or set by a test.
        "phoneVerified": u.phone.is_some(),
        "status": "Activated",
        "createdAt": iso8601(u.created_at_ms),
        "updatedAt": iso8601(u.updated_at_ms),
    })
}
