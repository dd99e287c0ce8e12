//! Timeouts and aborts really end the request (issue 6, suite 4): the emulator sees the
//! connection closed by the client, not merely a promise that stopped waiting.

use super::support::*;
use genauth_phone::AuthenticationClient;
use js_sys::Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

/// The emulator's record of the one watched request since the last clear, once its
/// connection has ended (closed by the client or answered), polling for up to 3 s.
async fn settled_connection() -> JsValue {
    for _ in 0..150 {
        let list: Array = dev("GET", "/__emulator/connections", None).await.unchecked_into();
        assert!(list.length() <= 1, "one watched request expected, got {}", list.length());
        let c = list.get(0);
        if get(&c, &["closedByClient"]).is_truthy() || get(&c, &["answered"]).is_truthy() {
            return c;
        }
        sleep(20.0).await;
    }
    panic!("the watched request never ended");
}

/// Runs `start` against a fresh watch and returns (the call's error code or "ok", the record).
async fn watched(fault_spec: JsValue, start: impl FnOnce() -> js_sys::Promise) -> (String, JsValue) {
    dev("DELETE", "/__emulator/faults", None).await;
    dev("DELETE", "/__emulator/connections", None).await;
    fault(fault_spec).await;
    let outcome = match call(start()).await {
        Ok(_) => String::from("ok"),
        Err(e) => code_of(&e),
    };
    (outcome, settled_connection().await)
}

fn assert_closed_by_client(record: &JsValue, fault: &str, within_ms: (f64, f64)) {
    assert_eq!(get_str(record, &["fault"]).as_deref(), Some(fault));
    assert_eq!(get(record, &["closedByClient"]), JsValue::TRUE, "{fault}: not closed by the client");
    assert_eq!(get(record, &["answered"]), JsValue::FALSE);
    let after = get_num(record, &["closedAfterMs"]).expect("closedAfterMs");
    assert!(after >= within_ms.0 && after <= within_ms.1, "{fault}: closed after {after} ms, expected {within_ms:?}");
}

#[wasm_bindgen_test]
async fn timeouts_and_aborts_close_the_connection() {
    let c = client(None);
    let hang = || obj(&[("hang", JsValue::TRUE)]);
    let slow = |ms: f64| obj(&[("delayMs", JsValue::from_f64(ms))]);

    // A per-call timeout, while the answer's body never ends.
    let (code, rec) =
        watched(hang(), || c.send_sms(sms("CHANNEL_BIND_PHONE", &new_phone()), opts(&[("timeout", JsValue::from_f64(300.0))]))).await;
    assert_eq!(code, "TIMEOUT");
    // The server counts from when the request arrived, the client from when it sent it: on a
    // loaded machine the two differ by tens of ms, so the floor only says "not at once".
    assert_closed_by_client(&rec, "hang", (150.0, 2500.0));

    // The client's default timeout, while the server has not answered at all.
    let short = AuthenticationClient::new(options(None, &[("timeout", JsValue::from_f64(400.0))])).unwrap();
    let (code, rec) = watched(slow(5000.0), || short.send_sms(sms("CHANNEL_BIND_PHONE", &new_phone()), none())).await;
    assert_eq!(code, "TIMEOUT");
    assert_closed_by_client(&rec, "delay", (200.0, 2500.0));

    // A per-call timeout longer than the client's default wins: the answer arrives.
    let (code, rec) =
        watched(slow(800.0), || short.send_sms(sms("CHANNEL_BIND_PHONE", &new_phone()), opts(&[("timeout", JsValue::from_f64(3000.0))])))
            .await;
    assert_eq!(code, "ok");
    assert_eq!(get(&rec, &["answered"]), JsValue::TRUE);
    assert_eq!(get(&rec, &["closedByClient"]), JsValue::FALSE);

    // The caller's AbortSignal, fired 150 ms into a slow answer.
    let controller = abort_controller();
    let signal = get(&controller, &["signal"]);
    let (code, rec) = watched(slow(5000.0), || {
        let p = c.send_sms(sms("CHANNEL_BIND_PHONE", &new_phone()), opts(&[("signal", signal)]));
        let fire = wasm_bindgen::closure::Closure::once_into_js(move || abort(&controller));
        set_timeout(fire.unchecked_ref(), 150.0);
        p
    })
    .await;
    assert_eq!(code, "ABORTED");
    assert_closed_by_client(&rec, "delay", (100.0, 2500.0));
    console_log!("giving up: timeout (per call, default) and abort each closed the connection; a longer per-call timeout was honoured");
}
