//! The words a person reads: every `GenAuthError.message`, in the client's language (`zh-CN`
//! or `en-US`), chosen by the error's `reason`, else its `code`. An app may replace any of
//! them through the `messages` option (keys: the codes and reasons), as Firebase's error maps
//! allow. A message never names a field, an internal name or what the caller passed; the
//! developer's side of an error (field path, rule) is its `detail`.
//!
//! The catalogues are one string per language, a line per key in the order of [`KEYS`]:
//! two string constants compress better than a table of pointers to fifty.

use crate::args::{decode, own, Field, Fields, Kind, Shape};
use crate::error::{set, ErrorCode, Reason, Result, CODES, REASONS};
use crate::validate::Rule;
use wasm_bindgen::JsValue;

/// English, a line per key of [`KEYS`].
const EN_US: &str = "Something went wrong. Please try again later.
Please sign in again.
Please wait a moment before asking for another code.
The verification has expired. Please get a new code.
This verification was already used. Please get a new code.
The service took too long to respond. Please try again.
Cancelled.
Could not connect. Please check your network and try again.
The service is unavailable. Please try again later.
The service gave an unexpected answer. Please try again later.
The request was refused. Please try again.
This page has expired. Please reload it.
This is not possible right now.
This account has no phone number.
Please enter a phone number.
This is not a valid phone number.
Please add the country code, such as +86.
This country code does not exist.
This phone number is too short.
This phone number is too long.
Please remove the extra 0 after the country code.
This phone number has the wrong number of digits.
Please enter the verification code.
The verification code is 4 to 10 digits.
Could not connect. Please check your network and try again.
The browser blocked the service. Please contact the app's support.";

/// Chinese (simplified), a line per key of [`KEYS`].
const ZH_CN: &str = "应用出错了，请稍后重试。
请重新登录。
验证码刚刚发送过，请稍后再获取。
验证已过期，请重新获取验证码。
此次验证已使用，请重新获取验证码。
服务响应超时，请重试。
已取消。
无法连接，请检查网络后重试。
服务暂时不可用，请稍后重试。
服务返回异常，请稍后重试。
请求被拒绝，请重试。
页面已失效，请刷新。
当前无法进行此操作。
此账号未绑定手机号。
请输入手机号。
手机号格式不正确。
请加上国家或地区代码，如 +86。
国家或地区代码不存在。
手机号位数太少。
手机号位数太多。
请去掉国家或地区代码后多余的 0。
手机号位数不正确。
请输入验证码。
验证码为 4 到 10 位数字。
无法连接，请检查网络后重试。
浏览器拦截了服务，请联系应用客服。";

const fn key(key: &'static str) -> Field {
    Field { key, kind: Kind::Text(Rule::Any), required: false }
}

/// The `messages` option of a client: every code (in the order of `CODES`), then every reason
/// (of `REASONS`); the catalogues' lines follow this order.
pub static KEYS: Shape = Shape { name: "messages", path: "messages", fields: FIELDS };
/// The same, as `parsePhoneNumber`'s `options.messages`.
pub static KEYS_IN_OPTIONS: Shape = Shape { name: "options.messages", path: "options.messages", fields: FIELDS };

static FIELDS: &[Field] = &[
    key(CODES[0]),
    key(CODES[1]),
    key(CODES[2]),
    key(CODES[3]),
    key(CODES[4]),
    key(CODES[5]),
    key(CODES[6]),
    key(CODES[7]),
    key(CODES[8]),
    key(CODES[9]),
    key(CODES[10]),
    key(CODES[11]),
    key(CODES[12]),
    key(CODES[13]),
    key(REASONS[0]),
    key(REASONS[1]),
    key(REASONS[2]),
    key(REASONS[3]),
    key(REASONS[4]),
    key(REASONS[5]),
    key(REASONS[6]),
    key(REASONS[7]),
    key(REASONS[8]),
    key(REASONS[9]),
    key(REASONS[10]),
    key(REASONS[11]),
];

/// Line `i` of a catalogue (empty past its end). Byte search: `str::lines` would link more.
fn line(catalogue: &'static str, i: usize) -> &'static str {
    let mut rest = catalogue;
    for _ in 0..i {
        let next = rest.as_bytes().iter().position(|b| *b == b'\n').map_or(rest.len(), |n| n + 1);
        rest = rest.get(next..).unwrap_or_default();
    }
    let end = rest.as_bytes().iter().position(|b| *b == b'\n').unwrap_or(rest.len());
    rest.get(..end).unwrap_or_default()
}

/// The language and the app's own messages of a client (or of one `parsePhoneNumber` call).
pub struct Texts {
    english: bool,
    /// The `messages` option, decoded by [`KEYS`].
    own: Option<Fields>,
}

impl Texts {
    /// The texts of `lang` (as checked by `Rule::Lang`); without one, Chinese (README,
    /// "Messages").
    pub fn new(lang: Option<&str>) -> Texts {
        Texts { english: lang == Some("en-US"), own: None }
    }

    /// The language of these texts.
    pub fn lang(&self) -> &'static str {
        if self.english {
            "en-US"
        } else {
            "zh-CN"
        }
    }

    /// Reads the app's `messages` option (`shape`: [`KEYS`], or [`KEYS_IN_OPTIONS`] for its
    /// path); refused, and left out, when it is not an object of strings under known keys.
    pub fn read_own(&mut self, messages: &JsValue, shape: &'static Shape) -> Result<()> {
        self.own = Some(decode(messages, shape)?);
        Ok(())
    }

    /// The texts to word a refusal of a whole options object in, when it could not be decoded:
    /// its `lang` when that one is readable and valid (read again only to word the refusal;
    /// nothing of a refused object is used), else the default.
    pub fn of_refused(options: &JsValue) -> Texts {
        let english = own(options, "lang").and_then(|l| l.as_string()).is_some_and(|l| l == "en-US");
        Texts { english, own: None }
    }

    /// The words for key `i` (a code, or a reason past the codes) whose code is key `code`:
    /// the app's for the key, else the app's for the code, else the catalogue's for the key.
    fn words(&self, i: usize, code: usize) -> &str {
        let mine = self.own.as_ref().and_then(|o| o.text(i).or_else(|| o.text(code)));
        mine.unwrap_or_else(|| line(if self.english { EN_US } else { ZH_CN }, i))
    }

    /// Words the `message` of an error of this package: until here it holds its key (its
    /// reason, else its code: see `error.rs`), which becomes the app's message for the reason,
    /// else for the code, else the catalogue's. A server's own words are no key, and stay.
    /// Returns the error, for chaining.
    #[inline(never)]
    pub fn localize(&self, error: JsValue) -> JsValue {
        let key = own(&error, "message").and_then(|m| m.as_string()).unwrap_or_default();
        let Some(i) = KEYS.fields.iter().position(|f| f.key == key) else { return error };
        // A reason's code: the phone and code reasons are INVALID_ARGUMENT's, the rest NETWORK's.
        let code = match i {
            0..CODES_LEN => i,
            _ if i < CODES_LEN + Reason::Unreachable as usize => ErrorCode::InvalidArgument as usize,
            _ => ErrorCode::Network as usize,
        };
        set(&error, "message", &JsValue::from_str(self.words(i, code)));
        error
    }
}

/// How many keys are codes (the rest are reasons).
const CODES_LEN: usize = CODES.len();

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_and_reason_has_a_message_in_both_languages() {
        let keys: Vec<&str> = KEYS.fields.iter().map(|f| f.key).collect();
        let expected: Vec<&str> = CODES.iter().chain(REASONS.iter()).copied().collect();
        assert_eq!(keys, expected, "KEYS lists every code, then every reason");
        for (name, catalogue) in [("en-US", EN_US), ("zh-CN", ZH_CN)] {
            assert_eq!(catalogue.lines().count(), keys.len(), "{name}: one line per key");
            for (i, key) in keys.iter().enumerate() {
                let text = line(catalogue, i);
                assert!(!text.trim().is_empty(), "{name}: {key} has no message");
                assert_eq!(text, text.trim(), "{name}: {key}");
            }
        }
    }

    #[test]
    fn messages_are_for_people() {
        // No field path, internal name or rule jargon in what a person reads.
        let jargon = ["ASCII", "CountryCode", "retryAfterMs", "dto", "Dto", "field", ":", "token", "Token", "_", "null", "undefined"];
        for catalogue in [EN_US, ZH_CN] {
            for text in catalogue.lines() {
                for word in jargon {
                    assert!(!text.contains(word), "{text:?} contains {word:?}");
                }
                let ends = if catalogue == EN_US { text.ends_with('.') } else { text.ends_with('。') };
                assert!(ends, "{text:?} is a sentence");
            }
        }
        // Chinese lines are Chinese: no English sentence left untranslated.
        for text in ZH_CN.lines() {
            assert!(text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{text:?}");
        }
    }

    #[test]
    fn lines_past_the_end_are_empty() {
        assert_eq!(line("a\nb", 0), "a");
        assert_eq!(line("a\nb", 1), "b");
        assert_eq!(line("a\nb", 2), "");
        assert_eq!(line("", 5), "");
    }

    #[test]
    fn the_default_language_is_chinese() {
        assert_eq!(Texts::new(None).words(1, 1), "请重新登录。");
        assert_eq!(Texts::new(Some("zh-CN")).words(1, 1), "请重新登录。");
        assert_eq!(Texts::new(Some("en-US")).words(1, 1), "Please sign in again.");
    }
}
