//! Which transport carried the calls. Every `fetch` (undici in Node, browsers) asks for
//! compressed answers; the Node build's js/node-transport.cjs (feature "node") does not,
//! so this fails when the Node suite is not running through the transport it claims to.

use super::support::*;
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
async fn the_calls_go_through_the_transport_of_this_build() {
    let c = client(None);
    let before = request_count().await;
    call(c.send_sms(sms("CHANNEL_BIND_PHONE", &new_phone()), none())).await.unwrap();
    let sent = requests().await.get(before);
    let encoding = get_str(&sent, &["headers", "accept-encoding"]);
    assert_eq!(encoding.is_none(), cfg!(feature = "node"), "accept-encoding: {encoding:?}");
    console_log!("transport: {}", if cfg!(feature = "node") { "js/node-transport.cjs" } else { "global fetch" });
}
