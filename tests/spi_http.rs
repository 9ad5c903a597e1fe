//! An ISV's SPI/QIMEN endpoint over real HTTP: a hyper server written here verifies each call
//! with `Verifier::verify_http` and the source-IP check, and answers as a QIMEN target does.
//! Calls signed here by hand (a good one, a wrong sign, a signed header dropped, a stale
//! timestamp, no sign) get their reasons back; the QIMEN client's own call verifies and its
//! typed response comes back.

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
mod support;

use std::net::SocketAddr;
use std::time::{Duration, SystemTime};
use topsdk::spi::{IpAllowList, Verifier};
use topsdk::{DateTime, SignMethod};
use topsdk_qimen::taobao_qimen_entryorder_create::{self as entry, request as req};

const SECRET: &str = "helloworld";

/// The endpoint: 200 with a QIMEN success reply, or 401 with the reason.
async fn endpoint() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let verifier = Verifier::new(SECRET).max_age(Duration::from_secs(300));
    let allowed = IpAllowList::parse("127.0.0.0/8").unwrap();
    tokio::spawn(async move {
        loop {
            let (stream, peer) = listener.accept().await.unwrap();
            let (verifier, allowed) = (verifier.clone(), allowed.clone());
            tokio::spawn(async move {
                let service = hyper::service::service_fn(
                    move |req: hyper::Request<hyper::body::Incoming>| {
                        let (verifier, allowed) = (verifier.clone(), allowed.clone());
                        async move {
                            let (head, body) = req.into_parts();
                            let body = body.collect().await?.to_bytes();
                            let headers: Vec<(&str, &str)> = head
                                .headers
                                .iter()
                                .filter_map(|(k, v)| Some((k.as_str(), v.to_str().ok()?)))
                                .collect();
                            let checked =
                                allowed.check(&headers, peer.ip(), false).and_then(|_| {
                                    verifier.verify_http(&head, &body, SystemTime::now())
                                });
                            let (status, text) = match checked {
                            Ok(_) => (
                                200,
                                "<response><flag>success</flag><code>0</code><message>ok</message>\
                                 <entryOrderId>WMS-77</entryOrderId></response>"
                                    .to_string(),
                            ),
                            Err(why) => (401, why.to_string()),
                        };
                            let mut r = hyper::Response::new(Full::new(Bytes::from(text)));
                            *r.status_mut() = hyper::StatusCode::from_u16(status).unwrap();
                            Ok::<_, hyper::Error>(r)
                        }
                    },
                );
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    addr
}

fn gmt8_now(offset_secs: i64) -> String {
    let t = SystemTime::now() - Duration::from_secs(offset_secs as u64);
    DateTime::from_system_time(t).to_string()
}

/// A signed query string, as TOP would forward it (md5 computed here, spi-qimen.md §3.1).
fn signed_query(timestamp: &str, headers: &[(&str, &str)], body: &str) -> String {
    let mut params = vec![
        ("app_key", "12345678"),
        ("customerId", "c1"),
        ("format", "xml"),
        ("method", "taobao.qimen.entryorder.create"),
        ("sign_method", "md5"),
        ("timestamp", timestamp),
        ("v", "2.0"),
    ];
    params.extend_from_slice(headers);
    let sign = support::md5_sign_with_body(SECRET, params.iter().copied(), body);
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (k, v) in params.iter().filter(|(k, _)| !k.starts_with("x-")) {
        q.append_pair(k, v);
    }
    q.append_pair("sign", &sign);
    q.finish()
}

#[tokio::test]
async fn each_refusal_says_why_over_http() {
    let addr = endpoint().await;
    let http = reqwest::Client::new();
    let body = "<request><entryOrder><entryOrderCode>E1</entryOrderCode></entryOrder></request>";
    let send = |query: String, header: Option<(&'static str, &'static str)>| {
        let mut r = http
            .post(format!("http://{addr}/qimen?{query}"))
            .header("content-type", "text/xml;charset=utf-8")
            .header("top-sign-list", "x-top-test")
            .body(body);
        if let Some((k, v)) = header {
            r = r.header(k, v);
        }
        async move {
            let resp = r.send().await.unwrap();
            (resp.status().as_u16(), resp.text().await.unwrap())
        }
    };
    let signed_header = [("x-top-test", "abc")];
    let now = gmt8_now(0);
    let good = signed_query(&now, &signed_header, body);
    let (status, text) = send(good.clone(), Some(("x-top-test", "abc"))).await;
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("<flag>success</flag>"));

    let wrong = good.replace("sign=", "sign=0");
    let (status, text) = send(wrong, Some(("x-top-test", "abc"))).await;
    assert_eq!(
        (status, text.as_str()),
        (401, "the signature does not match")
    );

    let (status, text) = send(good.clone(), None).await;
    assert_eq!(status, 401);
    assert!(
        text.ends_with("headers named in top-sign-list are missing: x-top-test"),
        "{text}"
    );

    let stale = signed_query(&gmt8_now(3600), &signed_header, body);
    let (status, text) = send(stale, Some(("x-top-test", "abc"))).await;
    assert_eq!(status, 401);
    assert!(text.contains("at most 300 s is accepted"), "{text}");

    let unsigned = good.split("&sign=").next().unwrap().to_string();
    let (status, text) = send(unsigned, Some(("x-top-test", "abc"))).await;
    assert_eq!((status, text.as_str()), (401, "no `sign` in the query"));
}

/// The QIMEN client calling the ISV endpoint directly: what the client signs, the receiving
/// side verifies, and the hand-written reply decodes.
#[tokio::test]
async fn the_qimen_client_passes_the_receiving_check() {
    let addr = endpoint().await;
    let client = topsdk::Client::builder("12345678", SECRET)
        .qimen_url(format!("http://{addr}/qimen"))
        .sign_method(SignMethod::Md5)
        .build()
        .unwrap()
        .with_customer_id("c1");
    let request = entry::Request::new().request(req::EntryOrderCreateRequest {
        entry_order: Some(req::EntryOrder {
            entry_order_code: "E1".into(),
            owner_code: "O".into(),
            warehouse_code: "W".into(),
            remark: Some("加急 & <fragile>".into()),
            ..Default::default()
        }),
        ..Default::default()
    });
    let resp = client.execute(&request).await.unwrap();
    assert_eq!(
        resp.response.unwrap().entry_order_id.as_deref(),
        Some("WMS-77")
    );
    // Signed with a secret the endpoint does not know: refused there, an HTTP error here.
    let wrong = topsdk::Client::builder("12345678", "other")
        .qimen_url(format!("http://{addr}/qimen"))
        .sign_method(SignMethod::Md5)
        .build()
        .unwrap()
        .with_customer_id("c1");
    match wrong.execute(&request).await {
        Err(topsdk::Error::Http { status, excerpt }) => {
            assert_eq!(status, 401);
            assert!(excerpt.contains("signature"), "{excerpt}");
        }
        other => panic!("{other:?}"),
    }
}
