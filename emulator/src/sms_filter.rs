//! The SMS inbox's filters (`GET /__emulator/sms?...`), so a page shows only its
//! own user's codes: `userId` (the messages sent to the number that user had
//! bound at the time, or asked for with that user's access token), and
//! `phoneNumber` with an optional `phoneCountryCode` (default +86). Both together
//! must both match; any other parameter is refused.

use crate::envelope::Lang;
use crate::input::phone;
use crate::pool::{Phone, SmsRecord};
use crate::query;

#[derive(Debug, Default)]
pub struct SmsFilter {
    user_id: Option<String>,
    phone: Option<Phone>,
}

impl SmsFilter {
    /// The filter a query string asks for; the error says which parameter is wrong.
    pub fn from_query(q: Option<&str>) -> Result<SmsFilter, String> {
        let q = query::parse(q, &["userId", "phoneNumber", "phoneCountryCode"])?;
        let user_id = match q.get("userId") {
            Some("") => return Err("userId must not be empty".into()),
            id => id.map(str::to_string),
        };
        let phone = match (q.get("phoneNumber"), q.get("phoneCountryCode")) {
            (Some(n), cc) => Some(phone("phoneNumber", n, "phoneCountryCode", cc).map_err(|e| e.message(Lang::En))?),
            (None, Some(_)) => return Err("phoneCountryCode needs phoneNumber".into()),
            (None, None) => None,
        };
        Ok(SmsFilter { user_id, phone })
    }

    pub fn matches(&self, s: &SmsRecord) -> bool {
        let user = self.user_id.as_deref().is_none_or(|id| [&s.sender_id, &s.owner_id].into_iter().any(|u| u.as_deref() == Some(id)));
        user && self.phone.as_ref().is_none_or(|p| *p == s.phone)
    }
}

#[cfg(test)]
mod tests {
    use super::SmsFilter;
    use crate::pool::{Phone, SmsRecord};

    fn sms(number: &str, cc: &str, sender: Option<&str>, owner: Option<&str>) -> SmsRecord {
        SmsRecord {
            channel: "CHANNEL_BIND_PHONE",
            phone: Phone { country_code: cc.into(), number: number.into() },
            code: "123456".into(),
            sent_at_ms: 0,
            sender_id: sender.map(Into::into),
            owner_id: owner.map(Into::into),
        }
    }

    fn keeps(query: &str, s: &SmsRecord) -> bool {
        SmsFilter::from_query(Some(query)).map(|f| f.matches(s)).unwrap_or_else(|e| panic!("{query}: {e}"))
    }

    #[test]
    fn by_user_by_number_and_both() {
        let by_token = sms("13900000002", "+86", Some("u1"), None);
        let to_owner = sms("13800000001", "+86", None, Some("u1"));
        let other = sms("13800000001", "+852", Some("u2"), Some("u2"));
        for s in [&by_token, &to_owner, &other] {
            assert!(keeps("", s));
        }
        assert!(keeps("userId=u1", &by_token) && keeps("userId=u1", &to_owner) && !keeps("userId=u1", &other));
        assert!(keeps("phoneNumber=13800000001", &to_owner) && !keeps("phoneNumber=13800000001", &other));
        assert!(keeps("phoneNumber=13800000001&phoneCountryCode=%2B852", &other));
        assert!(keeps("phoneNumber=13800000001&phoneCountryCode=+852", &other));
        assert!(!keeps("phoneNumber=13800000001&phoneCountryCode=+852", &to_owner));
        assert!(keeps("userId=u1&phoneNumber=13900000002", &by_token) && !keeps("userId=u1&phoneNumber=13900000002", &to_owner));
    }

    #[test]
    fn bad_filters_say_which_parameter() {
        for (query, named) in [
            ("user=u1", "user"),
            ("userId=", "userId"),
            ("userId=a&userId=b", "userId"),
            ("phoneNumber=+8613800000001", "phoneNumber"),
            ("phoneNumber=12", "phoneNumber"),
            ("phoneNumber=13800000001&phoneCountryCode=86", "phoneCountryCode"),
            ("phoneCountryCode=%2B86", "phoneCountryCode"),
        ] {
            let e = SmsFilter::from_query(Some(query)).expect_err(query);
            assert!(e.contains(named), "{query}: {e}");
        }
    }
}
