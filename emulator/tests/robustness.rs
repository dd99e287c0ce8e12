//! The emulator under bad input and load, over real HTTP (issue 6, suite 7).
//!
//! One server takes, in order: generated bad bodies on every API endpoint
//! (malformed and truncated JSON, non-UTF-8, deep nesting, numbers and other
//! types for strings, duplicate keys, wrong content types, 1 MB and 10 MB
//! bodies with a content-length or chunked), each of which must answer the
//! error envelope `{statusCode: 400, message, apiCode, requestId}`; bad queries
//! on get-profile (the same envelope), and garbage bodies sent with its GET
//! (ignored: the profile); bad bodies
//! on the development endpoints (`{error}` with a 4xx); HTTP-level garbage
//! that hyper refuses before the emulator sees a request; then 200 concurrent
//! clients each running the whole change-number flow. After every case the
//! server must still answer. Counts are written to stdout (past the test
//! harness's capture) as `robustness: ...` lines.

mod common;

use std::io::Write as _;
use std::time::{Duration, Instant};

use common::{assert_ok, exchange, parse, Emu, End, Resp, APP_ID};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const SMS: &str = "/api/v3/send-sms";
const VERIFY: &str = "/api/v3/verify-update-phone-request";
const UPDATE: &str = "/api/v3/update-phone";
const UNBIND: &str = "/api/v3/unbind-phone";
const PROFILE: &str = "/api/v3/get-profile";
const MB: usize = 1 << 20;
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// Writes past libtest's capture, so the counts show in a plain `cargo test`.
fn report(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

#[derive(Clone)]
enum Payload {
    /// Sent with a content-length.
    Fixed(Vec<u8>),
    /// Sent with `transfer-encoding: chunked`, in chunks of this size.
    Chunked(Vec<u8>, usize),
}

#[derive(Clone, Copy, Debug)]
enum Want {
    /// The envelope with this statusCode and apiCode, in an HTTP answer of this status.
    Envelope { http: u16, status: u16, api_code: u32 },
    /// A development endpoint's `{error}` with this HTTP status.
    DevError(u16),
    /// get-profile's success: HTTP 200, statusCode 200 and the user in `data`.
    Profile,
}

const fn bad(api_code: u32) -> Want {
    Want::Envelope { http: 200, status: 400, api_code }
}

#[derive(Clone)]
struct Case {
    name: String,
    method: &'static str,
    path: String,
    headers: Vec<(&'static str, Vec<u8>)>,
    payload: Payload,
    want: Want,
}

fn raw_request(c: &Case) -> Vec<u8> {
    let mut head = format!("{} {} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n", c.method, c.path).into_bytes();
    for (n, v) in &c.headers {
        head.extend_from_slice(n.as_bytes());
        head.extend_from_slice(b": ");
        head.extend_from_slice(v);
        head.extend_from_slice(b"\r\n");
    }
    match &c.payload {
        Payload::Fixed(body) => {
            head.extend_from_slice(format!("content-length: {}\r\n\r\n", body.len()).as_bytes());
            head.extend_from_slice(body);
        }
        Payload::Chunked(body, size) => {
            head.extend_from_slice(b"transfer-encoding: chunked\r\n\r\n");
            for chunk in body.chunks(*size) {
                head.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
                head.extend_from_slice(chunk);
                head.extend_from_slice(b"\r\n");
            }
            head.extend_from_slice(b"0\r\n\r\n");
        }
    }
    head
}

/// Sends while reading, so a server that answers before the body is in cannot deadlock us.
async fn send(port: u16, request: Vec<u8>) -> (Vec<u8>, End) {
    let s = TcpStream::connect(("127.0.0.1", port)).await.expect("connect");
    let (mut rd, mut wr) = s.into_split();
    let writer = tokio::spawn(async move {
        let _ = wr.write_all(&request).await;
        wr
    });
    let mut bytes = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    let deadline = tokio::time::Instant::now() + REQUEST_TIMEOUT;
    let end = loop {
        match tokio::time::timeout_at(deadline, rd.read(&mut chunk)).await {
            Err(_) => break End::Timeout,
            Ok(Ok(0)) => break End::Eof,
            Ok(Ok(n)) => bytes.extend_from_slice(&chunk[..n]),
            Ok(Err(e)) => break End::Error(e.kind()),
        }
    };
    drop(writer.await);
    (bytes, end)
}

fn check(c: &Case, bytes: &[u8], end: &End) -> Result<(), String> {
    if *end != End::Eof {
        return Err(format!("connection ended with {end:?}"));
    }
    let res: Resp =
        parse(bytes).ok_or_else(|| format!("incomplete answer: {:?}", String::from_utf8_lossy(&bytes[..bytes.len().min(300)])))?;
    let v: Value = serde_json::from_slice(&res.body).map_err(|_| format!("not JSON: {:?}", String::from_utf8_lossy(&res.body)))?;
    match c.want {
        Want::Envelope { http, status, api_code } => {
            let id_ok = v["requestId"].as_str().is_some_and(|id| id.split('-').map(str::len).collect::<Vec<_>>() == [8, 4, 4, 4, 12]);
            let ok = res.status == http
                && res.header("content-type") == Some("application/json; charset=utf-8")
                && v["statusCode"] == status
                && v["apiCode"] == api_code
                && v["message"].as_str().is_some_and(|m| !m.is_empty())
                && id_ok
                && v.get("data").is_none();
            if !ok {
                return Err(format!("HTTP {}: {v}", res.status));
            }
        }
        Want::DevError(http) => {
            if res.status != http || !v["error"].is_string() {
                return Err(format!("HTTP {}: {v}", res.status));
            }
        }
        Want::Profile => {
            let ok = res.status == 200 && v["statusCode"] == 200 && v.get("apiCode").is_none() && v["data"]["userId"].is_string();
            if !ok {
                return Err(format!("HTTP {}: {v}", res.status));
            }
        }
    }
    Ok(())
}

struct Bodies {
    path: &'static str,
    /// A well-formed body for the endpoint.
    valid: Value,
    /// JSON pointers of its string fields, and whether each is required.
    strings: Vec<(&'static str, bool)>,
}

fn endpoints() -> Vec<Bodies> {
    vec![
        Bodies {
            path: SMS,
            valid: json!({ "channel": "CHANNEL_BIND_PHONE", "phoneNumber": "13900000002", "phoneCountryCode": "+86" }),
            strings: vec![("/channel", true), ("/phoneNumber", true), ("/phoneCountryCode", false)],
        },
        Bodies {
            path: VERIFY,
            valid: json!({ "verifyMethod": "PHONE_PASSCODE", "phonePassCodePayload": {
                "newPhoneNumber": "13900000003", "newPhonePassCode": "123456", "newPhoneCountryCode": "+86",
                "oldPhoneNumber": "13800000001", "oldPhonePassCode": "654321", "oldPhoneCountryCode": "+86" } }),
            strings: vec![
                ("/verifyMethod", true),
                ("/phonePassCodePayload/newPhoneNumber", true),
                ("/phonePassCodePayload/newPhonePassCode", true),
                ("/phonePassCodePayload/newPhoneCountryCode", false),
                ("/phonePassCodePayload/oldPhoneNumber", false),
                ("/phonePassCodePayload/oldPhonePassCode", false),
                ("/phonePassCodePayload/oldPhoneCountryCode", false),
            ],
        },
        Bodies { path: UPDATE, valid: json!({ "updatePhoneToken": "0123456789abcdef" }), strings: vec![("/updatePhoneToken", true)] },
        Bodies { path: UNBIND, valid: json!({ "passCode": "123456" }), strings: vec![("/passCode", true)] },
    ]
}

/// `{"channel":"` + n filler bytes + `"}`: valid JSON of about n bytes.
fn big_json(n: usize) -> Vec<u8> {
    let mut b = b"{\"channel\":\"".to_vec();
    b.resize(b.len() + n, b'x');
    b.extend_from_slice(b"\"}");
    b
}

const MALFORMED: [&[u8]; 30] = [
    b"",
    b"   \r\n\t ",
    b"{",
    b"}",
    b"[",
    b"{\"channel\":}",
    b"{\"channel\" \"x\"}",
    b"{'channel':'CHANNEL_LOGIN'}",
    b"{channel:\"CHANNEL_LOGIN\"}",
    b"{\"a\":1,}",
    b"{\"a\":1}}",
    b"{} {}",
    b"{}x",
    b"\"unterminated",
    b"{\"a\":\"\\x\"}",
    b"{\"a\":\"\\u12\"}",
    b"{\"a\":\"\\ud800\"}",
    b"{\"a\":\"tab\there\"}",
    b"{\"a\":NaN}",
    b"{\"a\":Infinity}",
    b"{\"a\":-}",
    b"{\"a\":01}",
    b"{\"a\":1e999}",
    b"{\"a\":.5}",
    b"nul",
    b"tru",
    b"/* comment */ {}",
    b"{\"a\":1 // comment\n}",
    b"\x00",
    b"{\"a\":[1,2,]}",
];

const NOT_OBJECTS: [&str; 8] = ["[]", "[{\"channel\":\"CHANNEL_LOGIN\"}]", "\"{}\"", "0", "-1.5e3", "true", "false", "null"];

/// Every case for one API endpoint; `token` authenticates so field checks are reached.
fn api_cases(b: &Bodies, token: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    let valid = b.valid.to_string().into_bytes();
    let std_headers = || -> Vec<(&'static str, Vec<u8>)> {
        vec![
            ("x-authing-app-id", APP_ID.as_bytes().to_vec()),
            ("content-type", b"application/json".to_vec()),
            ("authorization", token.as_bytes().to_vec()),
        ]
    };
    let mut add = |name: String, headers: Vec<(&'static str, Vec<u8>)>, payload: Payload, want: Want| {
        cases.push(Case { name: format!("{} {name}", b.path), method: "POST", path: b.path.to_string(), headers, payload, want })
    };

    for (i, m) in MALFORMED.iter().enumerate() {
        add(format!("malformed #{i}"), std_headers(), Payload::Fixed(m.to_vec()), bad(9001));
    }
    for n in 1..valid.len() {
        add(format!("truncated to {n} bytes"), std_headers(), Payload::Fixed(valid[..n].to_vec()), bad(9001));
    }
    for (i, v) in NOT_OBJECTS.iter().enumerate() {
        add(format!("not an object #{i}"), std_headers(), Payload::Fixed(v.as_bytes().to_vec()), bad(9001));
    }

    // Not UTF-8 (serde_json checks the encoding of the whole text).
    let text = String::from_utf8(valid.clone()).unwrap();
    let quote = text.rfind('"').unwrap();
    let spliced = |bytes: &[u8]| {
        let mut v = valid[..quote].to_vec();
        v.extend_from_slice(bytes);
        v.extend_from_slice(&valid[quote..]);
        v
    };
    let mut utf16 = vec![0xff, 0xfe];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let mut bom = vec![0xef, 0xbb, 0xbf];
    bom.extend_from_slice(&valid);
    for (name, body) in [
        ("0xff in a string", spliced(&[0xff])),
        ("overlong NUL in a string", spliced(&[0xc0, 0x80])),
        ("UTF-8-encoded surrogate in a string", spliced(&[0xed, 0xa0, 0x80])),
        ("latin-1 e-acute in a string", spliced(&[0xe9])),
        ("truncated 3-byte sequence in a string", spliced(&[0xe4, 0xb8])),
        ("UTF-16LE with BOM", utf16),
        ("UTF-8 BOM first", bom),
        ("lone 0xff", vec![0xff]),
        ("ten NULs", vec![0; 10]),
    ] {
        add(format!("non-UTF-8: {name}"), std_headers(), Payload::Fixed(body), bad(9001));
    }

    // Deep nesting: serde_json stops at 128 levels; over 64 KiB the size check comes first.
    let deep_open = |n: usize| b"[".repeat(n);
    let mut balanced = b"[".repeat(30_000);
    balanced.extend(b"]".repeat(30_000));
    let in_field = |depth: usize| {
        let mut v = b"{\"channel\":".to_vec();
        v.extend(b"[".repeat(depth));
        v.extend(b"]".repeat(depth));
        v.push(b'}');
        v
    };
    for (name, body, want) in [
        ("100k [", deep_open(100_000), bad(9002)),
        ("60k [", deep_open(60_000), bad(9001)),
        ("30k [ then 30k ]", balanced, bad(9001)),
        ("12k {\"a\":", b"{\"a\":".repeat(12_000), bad(9001)),
        ("depth 1000 in a field", in_field(1000), bad(9001)),
        ("depth 129 in a field", in_field(129), bad(9001)),
        // Within serde_json's limit the body is JSON; the field's type is wrong.
        ("depth 100 in a field", in_field(100), bad(9003)),
    ] {
        add(format!("nested: {name}"), std_headers(), Payload::Fixed(body), want);
    }

    // Other types for every string field; null only where the field is required.
    let others = [
        json!(13900000002u64),
        json!(123456),
        json!(-1),
        json!(1.5),
        json!(1e308),
        json!(123456789012345678901234567890.0),
        json!(true),
        json!(false),
        json!([]),
        json!(["13900000002"]),
        json!({}),
        json!({ "value": "13900000002" }),
    ];
    for (ptr, required) in &b.strings {
        let nulls = if *required { vec![Value::Null] } else { vec![] };
        for other in others.iter().chain(nulls.iter()) {
            let mut v = b.valid.clone();
            *v.pointer_mut(ptr).unwrap() = other.clone();
            add(format!("{ptr} = {other}"), std_headers(), Payload::Fixed(v.to_string().into_bytes()), bad(9003));
        }
    }
    // The nested payload itself of the wrong type.
    if b.path == VERIFY {
        for other in [json!("x"), json!(1), json!([]), Value::Null] {
            let mut v = b.valid.clone();
            v["phonePassCodePayload"] = other.clone();
            add(format!("payload = {other}"), std_headers(), Payload::Fixed(v.to_string().into_bytes()), bad(9003));
        }
    }
    // Unknown keys: one misspelt, and thousands.
    let mut v = b.valid.clone();
    v["phoneCountrycode"] = json!("+86");
    add("misspelt key".into(), std_headers(), Payload::Fixed(v.to_string().into_bytes()), bad(9003));
    let mut v = b.valid.clone();
    for i in 0..4000 {
        v[format!("k{i}")] = json!(i);
    }
    add("4000 unknown keys".into(), std_headers(), Payload::Fixed(v.to_string().into_bytes()), bad(9003));
    for key in ["__proto__", "constructor"] {
        let mut v = b.valid.clone();
        v[key] = json!({ "polluted": true });
        add(format!("{key} key"), std_headers(), Payload::Fixed(v.to_string().into_bytes()), bad(9003));
    }
    // Control characters and non-ASCII digits in the first string field.
    for s in ["139\u{0}0000002", "１３９００００００２", "\u{202e}13900000002", " "] {
        let mut v = b.valid.clone();
        let ptr = b.strings[0].0;
        *v.pointer_mut(ptr).unwrap() = json!(s);
        // Non-empty tokens and codes are looked up, not format-checked: an unknown
        // token is 9007, a code never sent 2001 (both still the 400 envelope).
        let want = match b.path {
            UPDATE if s != " " => bad(9007),
            UNBIND if s != " " => bad(2001),
            _ => bad(9003),
        };
        add(format!("{ptr} = {s:?}"), std_headers(), Payload::Fixed(v.to_string().into_bytes()), want);
    }

    // Duplicate keys: each top-level key repeated (same value, then another), and a nested one.
    let obj = b.valid.as_object().unwrap();
    for (k, val) in obj {
        for second in [val.clone(), json!("other")] {
            let mut text = b.valid.to_string();
            text.pop(); // the closing brace
            text.push_str(&format!(",{}:{}}}", json!(k), second));
            add(format!("duplicate key {k}"), std_headers(), Payload::Fixed(text.into_bytes()), bad(9001));
        }
    }
    if b.path == VERIFY {
        let text = b.valid.to_string().replacen("\"newPhoneNumber\"", "\"newPhoneNumber\":\"1\",\"newPhoneNumber\"", 1);
        add("duplicate nested key".into(), std_headers(), Payload::Fixed(text.into_bytes()), bad(9001));
    }

    // Wrong content types, with a valid body.
    let cts: [&[u8]; 15] = [
        b"text/plain",
        b"text/html; charset=utf-8",
        b"application/x-www-form-urlencoded",
        b"multipart/form-data; boundary=xyz",
        b"application/xml",
        b"text/json",
        b"application/jsonp",
        b"application/json-patch+json",
        b"application/ld+json",
        b"application",
        b"",
        b"*/*",
        b"application/ json",
        b"application/json\xff",
        b"\xe6\x96\x87\xe6\x9c\xac/json",
    ];
    for ct in cts {
        let mut h = std_headers();
        h[1].1 = ct.to_vec();
        add(format!("content-type {:?}", String::from_utf8_lossy(ct)), h, Payload::Fixed(valid.clone()), bad(9001));
    }
    let mut h = std_headers();
    h.remove(1);
    add("no content-type".into(), h, Payload::Fixed(valid.clone()), bad(9001));

    // Size: the limit is 64 KiB inclusive; then 1 MB and 10 MB, fixed and chunked.
    let mut exact = big_json(0);
    exact.resize(64 * 1024, b' ');
    add("exactly 64 KiB (then a field check)".into(), std_headers(), Payload::Fixed(exact), bad(9003));
    add("64 KiB + 1".into(), std_headers(), Payload::Fixed(big_json(64 * 1024 - 13)), bad(9002));
    for (name, payload) in [
        ("1 MB, content-length", Payload::Fixed(big_json(MB))),
        ("10 MB, content-length", Payload::Fixed(big_json(10 * MB))),
        ("1 MB, chunked by 16 KiB", Payload::Chunked(big_json(MB), 16 * 1024)),
        ("10 MB, chunked by 64 KiB", Payload::Chunked(big_json(10 * MB), 64 * 1024)),
        ("10 MB, one chunk", Payload::Chunked(big_json(10 * MB), 10 * MB + 100)),
        ("1 MB of [, chunked", Payload::Chunked(b"[".repeat(MB), 4096)),
    ] {
        add(format!("huge: {name}"), std_headers(), payload, bad(9002));
    }
    // A small body, chunked, still parsed as usual.
    add("truncated JSON, chunked by 3 bytes".into(), std_headers(), Payload::Chunked(valid[..valid.len() - 1].to_vec(), 3), bad(9001));

    // The app id is checked before the body.
    let mut h = std_headers();
    h.remove(0);
    add("no app id, malformed body".into(), h, Payload::Fixed(b"{".to_vec()), bad(9004));
    let mut h = std_headers();
    h[0].1 = vec![0xff, 0xfe];
    add(
        "non-UTF-8 app id, malformed body".into(),
        h,
        Payload::Fixed(b"{".to_vec()),
        Want::Envelope { http: 200, status: 404, api_code: 9005 },
    );
    cases
}

/// get-profile: bad queries answer the 400 envelope, in the documented order after
/// the app id and the token; garbage bodies, of any size, are not read.
fn profile_cases(token: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    let app = || ("x-authing-app-id", APP_ID.as_bytes().to_vec());
    let auth = || ("authorization", token.as_bytes().to_vec());
    let mut add = |name: String, query: String, headers: Vec<(&'static str, Vec<u8>)>, payload: Payload, want: Want| {
        let path = if query.is_empty() { PROFILE.to_string() } else { format!("{PROFILE}?{query}") };
        cases.push(Case { name: format!("GET {PROFILE} {name}"), method: "GET", path, headers, payload, want })
    };
    let none = || Payload::Fixed(vec![]);
    let many_unknown: Vec<String> = (0..1000).map(|i| format!("p{i}=true")).collect();
    let repeated = vec!["withCustomData=false"; 1000];
    let long_value = format!("withIdentities={}", "t".repeat(8000));
    let mut queries: Vec<String> = [
        "withCustomData=1",
        "withCustomData=0",
        "withCustomData=True",
        "withCustomData=FALSE",
        "withCustomData=",
        "withCustomData",
        "withCustomData==true",
        "withCustomData=true=true",
        "withCustomData=%",
        "withCustomData=%zz",
        "withCustomData=%ff%fe",
        "withCustomData=%00",
        "withCustomData=true%00",
        "withCustomData=+true",
        "withCustomData=%20true",
        "withCustomData=null",
        "withCustomData=[true]",
        "withCustomData[]=true",
        "withCustomData.x=true",
        "withIdentities=yes",
        "withDepartmentIds=on",
        "withcustomdata=true",
        "WithCustomData=true",
        "%",
        "%zz=1",
        "=true",
        "=",
        "__proto__=true",
        "constructor=true",
        "withCustomData=true&withCustomData=true",
        "withCustomData=false&withCustomData=true",
        "withIdentities=true&withIdentities",
        "withDepartmentIds=false&%77ithDepartmentIds=false",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    queries.extend([many_unknown.join("&"), repeated.join("&"), long_value]);
    for q in &queries {
        let shown: String = q.chars().take(60).collect();
        add(format!("query {shown:?}"), q.clone(), vec![app(), auth()], none(), bad(9003));
    }
    // The app id, then the token, come before the query.
    add("no app id, bad query".into(), "withCustomData=1".into(), vec![auth()], none(), bad(9004));
    let other_app = Want::Envelope { http: 200, status: 404, api_code: 9005 };
    add("another app, no token".into(), "nope=1".into(), vec![("x-authing-app-id", b"other".to_vec())], none(), other_app);
    let logged_out = Want::Envelope { http: 200, status: 401, api_code: 2020 };
    for (name, headers) in [
        ("no token", vec![app()]),
        ("unknown token", vec![app(), ("authorization", b"0123456789abcdef".to_vec())]),
        ("non-UTF-8 token", vec![app(), ("authorization", vec![0xff, 0xfe])]),
    ] {
        add(format!("{name}, bad query"), "withCustomData=1".into(), headers, none(), logged_out);
    }
    // Garbage bodies with the SDK's request: not read, whatever their size or framing.
    let sdk = "withCustomData=false&withIdentities=false&withDepartmentIds=false".to_string();
    for (name, payload) in [
        ("malformed JSON body", Payload::Fixed(b"{\"a\":".to_vec())),
        ("non-UTF-8 body", Payload::Fixed(vec![0xff, 0xfe, 0x00])),
        ("1 MB body", Payload::Fixed(big_json(MB))),
        ("10 MB body, chunked", Payload::Chunked(big_json(10 * MB), 64 * 1024)),
        ("1 MB of [, chunked", Payload::Chunked(b"[".repeat(MB), 4096)),
    ] {
        add(name.into(), sdk.clone(), vec![app(), auth(), ("content-type", b"text/plain".to_vec())], payload, Want::Profile);
    }
    add("no query, empty body".into(), String::new(), vec![app(), auth()], none(), Want::Profile);
    add("bare ? and empty segments".into(), "&&withIdentities=true&".into(), vec![app(), auth()], none(), Want::Profile);
    cases
}

/// Unknown routes and methods with garbage: the 404 envelope.
fn route_cases() -> Vec<Case> {
    let not_found = Want::Envelope { http: 404, status: 404, api_code: 9404 };
    let mut cases = Vec::new();
    for (method, path) in [
        ("POST", "/api/v3/send-sms/"),
        ("POST", "/api/v3/SEND-SMS"),
        ("POST", "/api/v3/send-sms%00"),
        ("POST", "/api/v4/send-sms"),
        ("POST", "/"),
        ("PUT", SMS),
        ("GET", VERIFY),
        ("DELETE", UNBIND),
        ("PATCH", UPDATE),
        ("POST", PROFILE),
        ("PUT", PROFILE),
        ("DELETE", PROFILE),
        ("GET", "/api/v3/get-profile/"),
        ("GET", "/api/v3/get-profile%3FwithCustomData=true"),
    ] {
        cases.push(Case {
            name: format!("{method} {path} with garbage"),
            method,
            path: path.to_string(),
            headers: vec![("x-authing-app-id", APP_ID.as_bytes().to_vec()), ("content-type", b"application/json".to_vec())],
            payload: Payload::Fixed(vec![b'{', 0xff, b'[']),
            want: not_found,
        });
    }
    cases
}

/// The development endpoints that read a body: `{error}` with a 4xx, never a success.
fn dev_cases() -> Vec<Case> {
    let targets: [(&'static str, &str, Value, Vec<&'static str>); 3] = [
        (
            "POST",
            "/__emulator/users",
            json!({ "phone": "13700000001", "phoneCountryCode": "+86", "email": "a@b.c" }),
            vec!["/phone", "/phoneCountryCode", "/email"],
        ),
        (
            "PUT",
            "/__emulator/settings",
            json!({ "verifyOldPhone": true, "smsCooldownSecs": 60, "smsCodeLifetimeSecs": 300, "updatePhoneTokenLifetimeSecs": 60 }),
            vec!["/verifyOldPhone", "/smsCooldownSecs", "/smsCodeLifetimeSecs", "/updatePhoneTokenLifetimeSecs"],
        ),
        (
            "POST",
            "/__emulator/faults",
            json!([{ "delayMs": 1, "status": 500, "body": "x", "contentType": "text/plain", "headers": { "a": "b" } }]),
            vec!["/0/delayMs", "/0/status", "/0/body", "/0/contentType", "/0/headers"],
        ),
    ];
    let mut cases = Vec::new();
    for (method, path, valid, fields) in targets {
        let mut add = |name: String, payload: Payload, status: u16| {
            cases.push(Case {
                name: format!("{method} {path} {name}"),
                method,
                path: path.to_string(),
                headers: vec![("content-type", b"application/json".to_vec())],
                payload,
                want: Want::DevError(status),
            })
        };
        let text = valid.to_string().into_bytes();
        // MALFORMED[0..2] are empty/whitespace: they count as {} on dev endpoints.
        for (i, m) in MALFORMED.iter().enumerate().skip(2) {
            add(format!("malformed #{i}"), Payload::Fixed(m.to_vec()), 400);
        }
        for n in 1..text.len() {
            add(format!("truncated to {n}"), Payload::Fixed(text[..n].to_vec()), 400);
        }
        for ptr in fields {
            for other in [json!(-1), json!("60"), json!(1.5), json!([1]), json!({ "x": 1 }), json!(true), json!(1e20)] {
                let mut v = valid.clone();
                let slot = v.pointer_mut(ptr).unwrap();
                // Skip values of the field's own type.
                if std::mem::discriminant(slot) == std::mem::discriminant(&other) && !(slot.is_number() && other.as_u64().is_none()) {
                    continue;
                }
                *slot = other.clone();
                add(format!("{ptr} = {other}"), Payload::Fixed(v.to_string().into_bytes()), 400);
            }
        }
        let mut dup = valid.to_string();
        if path.ends_with("faults") {
            dup = dup.replacen("{\"body\"", "{\"body\":\"y\",\"body\"", 1);
        } else {
            dup.pop();
            let first = valid.as_object().unwrap().iter().next().unwrap();
            dup.push_str(&format!(",{}:{}}}", json!(first.0), first.1));
        }
        add("duplicate key".into(), Payload::Fixed(dup.into_bytes()), 400);
        add("unknown key".into(), Payload::Fixed(b"{\"nope\":1}".to_vec()), 400);
        add("non-UTF-8".into(), Payload::Fixed(vec![b'{', b'"', 0xff, b'"', b':', b'1', b'}']), 400);
        add("60k [".into(), Payload::Fixed(b"[".repeat(60_000)), 400);
        add("1 MB".into(), Payload::Fixed(big_json(MB)), 413);
        add("10 MB chunked".into(), Payload::Chunked(big_json(10 * MB), 64 * 1024), 413);
    }
    // The SMS inbox's filters: a bad query is `{error}` 400, never a silently unfiltered list.
    for query in [
        "nope=1",
        "userId",
        "userId=&phoneNumber=13800000001",
        "userId=a&userId=a",
        "phoneNumber=%ff",
        "phoneNumber=１３８００００００００１",
        "phoneNumber=13800000001&phoneCountryCode=%2B",
        "phoneNumber=13800000001&phoneCountryCode=+12345",
        "phoneCountryCode=+86",
        "%=1",
    ] {
        cases.push(Case {
            name: format!("GET /__emulator/sms?{query}"),
            method: "GET",
            path: format!("/__emulator/sms?{query}"),
            headers: vec![],
            payload: Payload::Fixed(vec![]),
            want: Want::DevError(400),
        });
    }
    cases
}

async fn still_serving(emu: &Emu, after: &str) {
    let raw = exchange(emu.port, &common::build("GET", "/__emulator/health", &[], b""), Duration::from_secs(5)).await;
    let ok = parse(&raw.bytes).is_some_and(|r| r.status == 200 && r.json() == json!({ "ok": true }));
    assert!(ok, "the server stopped answering after {after}");
}

/// HTTP-level garbage. hyper refuses it before there is a request to answer with an
/// envelope (400 or 431, empty body, connection closed); what matters is that the
/// server answers or closes, never hangs, and keeps serving.
async fn protocol_cases(emu: &Emu) -> usize {
    let app = format!("x-authing-app-id: {APP_ID}\r\ncontent-type: application/json\r\n");
    let many_headers: String = (0..200).map(|i| format!("x-h{i}: v\r\n")).collect();
    let cases: Vec<(&str, Vec<u8>, &[u16])> = vec![
        ("not HTTP", b"hello there\r\n\r\n".to_vec(), &[400]),
        ("binary noise", (0..=255u8).cycle().take(4096).collect(), &[400]),
        (
            "content-length not a number",
            format!("POST {SMS} HTTP/1.1\r\nhost: x\r\n{app}content-length: abc\r\n\r\n{{}}").into_bytes(),
            &[400],
        ),
        (
            "two different content-lengths",
            format!("POST {SMS} HTTP/1.1\r\nhost: x\r\n{app}content-length: 2\r\ncontent-length: 3\r\n\r\n{{}}").into_bytes(),
            &[400],
        ),
        (
            "a 500 KB header",
            format!("POST {SMS} HTTP/1.1\r\nhost: x\r\n{app}x-big: {}\r\ncontent-length: 2\r\n\r\n{{}}", "a".repeat(500_000)).into_bytes(),
            &[431],
        ),
        ("200 headers", format!("POST {SMS} HTTP/1.1\r\nhost: x\r\n{app}{many_headers}content-length: 2\r\n\r\n{{}}").into_bytes(), &[431]),
        (
            "a 100 KB path",
            format!("POST /{} HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\n\r\n", "a".repeat(100_000)).into_bytes(),
            &[414, 431, 400],
        ),
        ("HTTP/9.9", format!("POST {SMS} HTTP/9.9\r\nhost: x\r\ncontent-length: 0\r\n\r\n").into_bytes(), &[400, 505]),
    ];
    let n = cases.len();
    for (name, req, statuses) in cases {
        let (bytes, end) = send(emu.port, req).await;
        assert_ne!(end, End::Timeout, "protocol case {name}: hung");
        let status = parse(&bytes).map(|r| r.status);
        assert!(
            status.is_some_and(|s| statuses.contains(&s)),
            "protocol case {name}: {status:?} {:?}",
            String::from_utf8_lossy(&bytes[..bytes.len().min(200)])
        );
        still_serving(emu, name).await;
    }

    // Garbage the emulator does see, as a body that breaks off: its own envelope.
    let broken: Vec<(&str, Vec<u8>)> = vec![
        (
            "a bad chunk size",
            format!("POST {SMS} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n{app}transfer-encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n").into_bytes(),
        ),
        (
            "a chunk longer than announced",
            format!("POST {SMS} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n{app}transfer-encoding: chunked\r\n\r\n2\r\n{{\"a\":1}}\r\n0\r\n\r\n").into_bytes(),
        ),
    ];
    for (name, req) in &broken {
        let (bytes, end) = send(emu.port, req.clone()).await;
        let case = Case {
            name: name.to_string(),
            method: "POST",
            path: SMS.into(),
            headers: vec![],
            payload: Payload::Fixed(vec![]),
            want: bad(9001),
        };
        if let Err(e) = check(&case, &bytes, &end) {
            panic!("protocol case {name}: {e}");
        }
        still_serving(emu, name).await;
    }

    // A body shorter than its content-length, then the client half-closes.
    let mut s = TcpStream::connect(("127.0.0.1", emu.port)).await.unwrap();
    s.write_all(format!("POST {SMS} HTTP/1.1\r\nhost: x\r\n{app}content-length: 100\r\n\r\n{{\"a\":").as_bytes()).await.unwrap();
    s.shutdown().await.unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut out)).await.expect("answered, not hung").expect("read");
    let v = parse(&out).expect("an answer").json();
    assert_eq!((v["statusCode"].as_u64(), v["apiCode"].as_u64()), (Some(400), Some(9001)), "{v}");
    // A client that stalls mid-body holds only its own connection.
    let mut stalled = TcpStream::connect(("127.0.0.1", emu.port)).await.unwrap();
    stalled.write_all(format!("POST {SMS} HTTP/1.1\r\nhost: x\r\n{app}content-length: 100\r\n\r\n{{").as_bytes()).await.unwrap();
    still_serving(emu, "a stalled body").await;
    drop(stalled);
    // 32 MB, past the 16 MiB the emulator drains: it answers and closes early.
    let body = vec![b' '; 32 * MB];
    let req = common::build("POST", SMS, &[("x-authing-app-id", APP_ID), ("content-type", "application/json")], &body);
    let (bytes, end) = send(emu.port, req).await;
    assert_ne!(end, End::Timeout);
    let v = parse(&bytes).expect("answered before the body was in").json();
    assert_eq!(v["apiCode"], 9002, "{v}");
    still_serving(emu, "32 MB").await;
    n + broken.len() + 3
}

/// One person changing their number: create the user, send the code to the new
/// number (and to the old one when the pool verifies it), read the codes, verify,
/// update, read the user back (dev endpoint and get-profile).
async fn change_number(emu: &Emu, i: usize, verify_old: bool) -> Result<(), String> {
    let old = format!("1350000{i:04}");
    let new = format!("1360000{i:04}");
    let (id, token) = emu.user(Some(&old), Some(&format!("u{i}@example.com"))).await;
    assert_ok(&emu.send("CHANNEL_BIND_PHONE", &new).await);
    let new_code = emu.code("CHANNEL_BIND_PHONE", &new).await;
    let mut payload = json!({ "newPhoneNumber": new, "newPhonePassCode": new_code, "newPhoneCountryCode": "+86" });
    if verify_old {
        assert_ok(&emu.send("CHANNEL_UNBIND_PHONE", &old).await);
        payload["oldPhoneNumber"] = json!(old);
        payload["oldPhonePassCode"] = json!(emu.code("CHANNEL_UNBIND_PHONE", &old).await);
    }
    let v = emu.verify(&token, payload).await;
    if v["statusCode"] != 200 {
        return Err(format!("flow {i}: verify {v}"));
    }
    let update_token = v["data"]["updatePhoneToken"].as_str().unwrap_or_default().to_string();
    let v = emu.update(&token, &update_token).await;
    if v["statusCode"] != 200 {
        return Err(format!("flow {i}: update {v}"));
    }
    let user = emu.get_user(&id).await;
    if user["phone"] != json!(new) {
        return Err(format!("flow {i}: phone is {}", user["phone"]));
    }
    let profile = emu.profile(Some(&token), common::SDK_QUERY).await;
    if profile["data"]["phone"] != json!(new) || profile["data"]["userId"] != json!(id) {
        return Err(format!("flow {i}: get-profile {profile}"));
    }
    Ok(())
}

async fn concurrent_flows(emu: &Emu, n: usize, verify_old: bool) -> Duration {
    let t = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..n {
        let emu = Emu { port: emu.port };
        let i = if verify_old { i + n } else { i };
        tasks.push(tokio::spawn(async move { change_number(&emu, i, verify_old).await }));
    }
    let mut failures = Vec::new();
    for t in tasks {
        if let Err(e) = t.await.expect("a flow panicked") {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{} flows failed: {failures:?}", failures.len());
    t.elapsed()
}

#[test]
fn robustness() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(4).enable_all().build().unwrap();
    rt.block_on(async {
        let emu = common::start().await;
        let (_, token) = emu.user(Some("13800000001"), Some("owner@example.com")).await;

        let t = Instant::now();
        let mut api = Vec::new();
        for b in endpoints() {
            api.extend(api_cases(&b, &token));
        }
        api.extend(profile_cases(&token));
        api.extend(route_cases());
        let dev = dev_cases();
        let mut failures = Vec::new();
        for c in api.iter().chain(dev.iter()) {
            let (bytes, end) = send(emu.port, raw_request(c)).await;
            if let Err(e) = check(c, &bytes, &end) {
                failures.push(format!("{}: {e}", c.name));
            }
            still_serving(&emu, &c.name).await;
        }
        assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), api.len() + dev.len(), failures.join("\n"));
        // Nothing slipped through: no SMS sent, no fault queued, settings untouched, one user.
        assert_eq!(emu.dev("GET", "/__emulator/sms", None).await, json!([]));
        assert_eq!(emu.dev("GET", "/__emulator/faults", None).await, json!([]));
        assert_eq!(emu.dev("GET", "/__emulator/settings", None).await["smsCooldownSecs"], 60);
        let bad_secs = t.elapsed().as_secs_f64();
        report(&format!(
            "robustness: {} API cases answered the 400/401/404 envelope (or, for a body sent with get-profile, the profile), {} dev cases answered {{error}} ({bad_secs:.1} s)",
            api.len(),
            dev.len()
        ));

        let t = Instant::now();
        let protocol = protocol_cases(&emu).await;
        report(&format!("robustness: {protocol} HTTP-level cases answered or closed, none hung ({:.1} s)", t.elapsed().as_secs_f64()));

        let n = 200;
        let plain = concurrent_flows(&emu, n, false).await;
        emu.settings(json!({ "verifyOldPhone": true })).await;
        let with_old = concurrent_flows(&emu, n, true).await;
        let limit = Duration::from_secs(60);
        assert!(plain < limit && with_old < limit, "{plain:?} {with_old:?}");
        report(&format!(
            "robustness: {n} concurrent change-number flows ok in {:.2} s, {n} more with old-number verification in {:.2} s",
            plain.as_secs_f64(),
            with_old.as_secs_f64()
        ));
        let total = api.len() + dev.len() + protocol;
        report(&format!("robustness: {total} cases, {n} concurrent flows ok (x2), server kept serving"));
    });
}
