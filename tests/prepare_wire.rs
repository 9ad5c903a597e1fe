//! The wire form `Client::prepare` produces, checked against an independent reading: the URL's
//! query and the form body parsed back with `form_urlencoded`, and the signature recomputed
//! from the parsed params with the hash crates directly.

use hmac::Mac;
use md5::Digest;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};
use topsdk::Body;
use topsdk::kongur::alibaba_kongur_token_getosstoken as api;
use topsdk::{Client, SignMethod};

const SECRET: &str = "s3cret-for-wire";

fn parse(text: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(text).into_owned().collect()
}

/// The signature of `params` computed here, from the documented rule.
fn expected_sign(method: SignMethod, params: &BTreeMap<String, String>) -> String {
    let s: String = params
        .iter()
        .filter(|(k, _)| *k != "sign")
        .map(|(k, v)| format!("{k}{v}"))
        .collect();
    let digest = match method {
        SignMethod::Md5 => md5::Md5::digest(format!("{SECRET}{s}{SECRET}")).to_vec(),
        SignMethod::Hmac => {
            let mut h = hmac::Hmac::<md5::Md5>::new_from_slice(SECRET.as_bytes()).unwrap();
            h.update(s.as_bytes());
            h.finalize().into_bytes().to_vec()
        }
        SignMethod::HmacSha256 => {
            let mut h = hmac::Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
            h.update(s.as_bytes());
            h.finalize().into_bytes().to_vec()
        }
    };
    digest.iter().map(|b| format!("{b:02X}")).collect()
}

#[test]
fn url_and_body_parse_back_and_the_signature_matches() {
    // 2026-11-29 04:00:00.5 UTC: 12:00:00 on TOP's clock.
    let at = UNIX_EPOCH + Duration::from_millis(1_795_924_800_500);
    // Values that need escaping (space, comma, slash, `&`, `=`, `+`, `%`, multibyte) and a
    // long one (the encoder copies long runs differently from short ones).
    let long = "x".repeat(300) + " tail";
    let cases = [
        ("kak 001/&=+%", "1001,1002", "委托-7"),
        ("plain", "1", "E-77"),
        (long.as_str(), "", "a b"),
    ];
    for m in SignMethod::ALL {
        for (with_extras, gateway) in [
            (false, "http://127.0.0.1:9/router/rest"),
            (true, "http://127.0.0.1:9/router/rest?tenant=a"),
        ] {
            let mut b = Client::builder("12345678", SECRET)
                .sign_method(m)
                .gateway_url(gateway)
                .clock(Arc::new(topsdk::FixedClock(at)));
            if with_extras {
                b = b
                    .session("sess-1")
                    .partner_id("top-sdk-rust")
                    .target_app_key("87654321")
                    .simplify(true);
            }
            let client = b.build().unwrap();
            for (kak, suits, entrust) in &cases {
                let req = api::Request::new()
                    .kongur_app_key(*kak)
                    .suit_ids(*suits)
                    .entrust_id(*entrust);
                let prepared = client.prepare(&req).unwrap();
                let url = prepared.url();
                let (base, query) = url.split_once('?').unwrap();
                assert_eq!(base, "http://127.0.0.1:9/router/rest");
                let Body::Form(body) = prepared.body() else {
                    panic!("a request without files has a form body")
                };
                let body = parse(body);
                // Blank values are neither sent nor signed (as the Java SDK does).
                let sent: Vec<(String, String)> = [
                    ("entrust_id", *entrust),
                    ("kongur_app_key", *kak),
                    ("suit_ids", *suits),
                ]
                .into_iter()
                .filter(|(_, v)| !v.trim().is_empty())
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
                assert_eq!(body, sent, "app params in key order, in the body only");
                let mut query: BTreeMap<String, String> = parse(query.as_bytes())
                    .into_iter()
                    .filter(|(k, _)| k != "tenant")
                    .collect();
                let mut want: BTreeMap<String, String> = [
                    ("app_key", "12345678"),
                    ("format", "json"),
                    ("method", "alibaba.kongur.token.getosstoken"),
                    ("sign_method", m.as_str()),
                    ("timestamp", "2026-11-29 12:00:00"),
                    ("v", "2.0"),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
                if with_extras {
                    for (k, v) in [
                        ("session", "sess-1"),
                        ("partner_id", "top-sdk-rust"),
                        ("target_app_key", "87654321"),
                        ("simplify", "true"),
                    ] {
                        want.insert(k.to_string(), v.to_string());
                    }
                }
                let sign = query.remove("sign").expect("sign in the query");
                assert_eq!(query, want, "system params in the query");
                let mut signed = want.clone();
                signed.extend(body);
                assert_eq!(sign, expected_sign(m, &signed), "{m}, {kak:?}");
            }
        }
    }
}

#[test]
fn debug_shows_sizes_not_values() {
    let client = Client::builder("12345678", SECRET)
        .session("SESSION-VALUE")
        .build()
        .unwrap();
    let req = api::Request::new().kongur_app_key("SECRET-PARAM");
    let prepared = client.prepare(&req).unwrap();
    let shown = format!("{prepared:?}");
    assert!(shown.starts_with("PreparedRequest"), "{shown}");
    assert!(shown.contains("form, "), "{shown}");
    for hidden in ["SESSION-VALUE", "SECRET-PARAM", SECRET, "sign="] {
        assert!(!shown.contains(hidden), "{hidden} in {shown}");
    }
}
