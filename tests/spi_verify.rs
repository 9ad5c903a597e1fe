//! Verifying incoming SPI/QIMEN calls against the golden vectors of the protocol notes
//! (`spi-qimen.md` §3.5), and each way a request is refused.

use proptest::prelude::*;
use std::time::{Duration, SystemTime};
use topsdk::DateTime;
use topsdk::spi::{Request, SpiError, Verifier};

const BODY: &str = r#"<?xml version="1.0" encoding="utf-8"?><request><entryOrder><entryOrderCode>E1</entryOrderCode></entryOrder></request>"#;
const QUERY: &str = "app_key=12345678&customerId=stub-cust-code&format=xml&method=taobao.qimen.entryorder.create&sign_method=md5&timestamp=2016-01-01%2012%3A00%3A00&v=2.0";
const XML: (&str, &str) = ("Content-Type", "text/xml;charset=utf-8");

fn at(text: &str) -> SystemTime {
    DateTime::parse(text).unwrap().to_system_time()
}

fn verify(query: &str, headers: &[(&str, &str)], body: &str) -> Result<(), SpiError> {
    Verifier::new("helloworld")
        .verify(
            &Request {
                query,
                headers,
                body: body.as_bytes(),
            },
            at("2016-01-01 12:00:30"),
        )
        .map(|_| ())
}

#[test]
fn golden_vector_1_qimen_body() {
    let q = format!("{QUERY}&sign=0915043459612FB6D3D2649B1FF09A7D");
    assert_eq!(verify(&q, &[XML], BODY), Ok(()));
    // The params are returned, decoded.
    let params = Verifier::new("helloworld")
        .verify(
            &Request {
                query: &q,
                headers: &[XML],
                body: BODY.as_bytes(),
            },
            SystemTime::now(),
        )
        .unwrap();
    assert_eq!(params[b"timestamp".as_slice()], b"2016-01-01 12:00:00");
}

#[test]
fn golden_vector_2_empty_param_and_a_signed_header() {
    let q = format!("{QUERY}&extra=&sign=000DC61358F00F38297E1339038E5761");
    let headers = [XML, ("top-sign-list", "x-top-test"), ("X-Top-Test", "abc")];
    assert_eq!(verify(&q, &headers, BODY), Ok(()));
    // The empty param is signed: leaving it out breaks the signature.
    let without = q.replace("&extra=", "");
    assert!(matches!(
        verify(&without, &headers, BODY),
        Err(SpiError::BadSign { .. })
    ));
}

/// A form post (no text body): the form params are signed like query params, and nothing is
/// appended. Expected sign computed independently (Python's hashlib over the preimage).
#[test]
fn form_params_are_signed_without_a_body() {
    let form = QUERY.replace("%20", "+");
    let headers = [(
        "Content-Type",
        "application/x-www-form-urlencoded; charset=UTF-8",
    )];
    assert_eq!(
        verify("sign=5FAB58FF356405061AC7B29607000968", &headers, &form),
        Ok(())
    );
    // A query param wins over a form param of the same name (the form one is not signed).
    let both = format!("{QUERY}&sign=5FAB58FF356405061AC7B29607000968");
    assert_eq!(verify(&both, &headers, "v=9.9"), Ok(()));
}

#[test]
fn refusals_say_why() {
    let good = format!("{QUERY}&extra=&sign=000DC61358F00F38297E1339038E5761");
    // A wrong sign.
    let wrong = good.replace("000DC6", "000DC7");
    let headers = [XML, ("top-sign-list", "x-top-test"), ("x-top-test", "abc")];
    assert_eq!(
        verify(&wrong, &headers, BODY),
        Err(SpiError::BadSign {
            missing_headers: vec![]
        })
    );
    // A header named in top-sign-list that the request lacks.
    let e = verify(&good, &[XML, ("top-sign-list", "x-top-test")], BODY).unwrap_err();
    assert_eq!(
        e,
        SpiError::BadSign {
            missing_headers: vec!["x-top-test".into()]
        }
    );
    assert!(e.to_string().contains("missing: x-top-test"), "{e}");
    // No sign at all.
    assert_eq!(verify(QUERY, &[XML], BODY), Err(SpiError::MissingSign));
    // A tampered body.
    let q1 = format!("{QUERY}&sign=0915043459612FB6D3D2649B1FF09A7D");
    assert!(verify(&q1, &[XML], &BODY.replace("E1", "E2")).is_err());
    // Stale: 5 minutes allowed, the call is 10 minutes old.
    let v = Verifier::new("helloworld").max_age(Duration::from_secs(300));
    let req = Request {
        query: &q1,
        headers: &[XML],
        body: BODY.as_bytes(),
    };
    assert!(v.verify(&req, at("2016-01-01 12:04:59")).is_ok());
    let e = v.verify(&req, at("2016-01-01 12:10:00")).unwrap_err();
    assert_eq!(
        e,
        SpiError::Stale {
            age_secs: 600,
            max_age_secs: 300
        }
    );
    assert!(format!("{v:?}").contains("***") && !format!("{v:?}").contains("helloworld"));
}

proptest! {
    #[test]
    fn arbitrary_requests_never_panic(query in ".{0,200}", body in proptest::collection::vec(any::<u8>(), 0..200), list in "[a-z,% -]{0,30}") {
        let headers = [("top-sign-list", list.as_str()), ("content-type", "text/plain")];
        let _ = Verifier::new("s").max_age(Duration::from_secs(60)).verify(
            &Request { query: &query, headers: &headers, body: &body },
            SystemTime::now(),
        );
    }
}

/// The `http` crate's request (what axum and hyper hand a handler): golden vector 2, with its
/// signed header, verifies; without the header it is refused naming it.
#[test]
fn http_requests_verify_as_plain_ones() {
    let q = format!("{QUERY}&extra=&sign=000DC61358F00F38297E1339038E5761");
    let request = http::Request::builder()
        .method("POST")
        .uri(format!("https://wms.example.com/qimen?{q}"))
        .header("content-type", "text/xml;charset=utf-8")
        .header("top-sign-list", "x-top-test")
        .header("x-top-test", "abc")
        .body(())
        .unwrap();
    let (head, ()) = request.into_parts();
    let v = Verifier::new("helloworld");
    let now = at("2016-01-01 12:00:30");
    assert!(v.verify_http(&head, BODY.as_bytes(), now).is_ok());
    let mut head2 = head.clone();
    head2.headers.remove("x-top-test");
    assert_eq!(
        v.verify_http(&head2, BODY.as_bytes(), now),
        Err(SpiError::BadSign {
            missing_headers: vec!["x-top-test".into()]
        })
    );
}

#[test]
fn source_ip_allow_list() {
    use std::net::IpAddr;
    use topsdk::spi::IpAllowList;
    let list = IpAllowList::parse(
        "140.205.144.0/24,140.205.145.0/24; 106.11.0.0/16 2400:b200::/32 110.75.1.2",
    )
    .unwrap();
    let ip = |s: &str| s.parse::<IpAddr>().unwrap();
    for inside in [
        "140.205.144.7",
        "140.205.145.255",
        "106.11.200.1",
        "2400:b200::1",
        "110.75.1.2",
        "::ffff:140.205.144.9",
    ] {
        assert!(list.contains(ip(inside)), "{inside}");
    }
    for outside in ["140.205.146.1", "10.0.0.1", "2400:b201::1", "110.75.1.3"] {
        assert!(!list.contains(ip(outside)), "{outside}");
    }
    // The peer, unless behind a proxy: then the first forwarded address (skipping `unknown`).
    let headers = [
        ("X-Real-IP", "unknown"),
        ("X-Forwarded-For", "140.205.144.8, 10.0.0.2"),
    ];
    assert_eq!(
        list.check(&headers, ip("10.0.0.2"), true),
        Ok(ip("140.205.144.8"))
    );
    assert_eq!(
        list.check(&headers, ip("10.0.0.2"), false),
        Err(SpiError::ForbiddenIp(ip("10.0.0.2")))
    );
    assert_eq!(
        list.check(&[], ip("106.11.0.1"), true),
        Ok(ip("106.11.0.1"))
    );
    // Bad entries are named.
    let e = IpAllowList::parse("140.205.144.0/24, 300.1.1.1").unwrap_err();
    assert!(e.contains("entry 2 `300.1.1.1`"), "{e}");
    assert!(
        IpAllowList::parse("1.2.3.0/33")
            .unwrap_err()
            .contains("prefix")
    );
    assert!(
        IpAllowList::parse("")
            .unwrap()
            .check(&[], ip("1.1.1.1"), false)
            .is_err()
    );
}
