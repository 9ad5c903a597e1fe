//! Per-call runtime cost, no network: build + validate + sign + encode the seed request with
//! each sign method, and decode the seed's documented samples; each against a bare baseline
//! measured in the same run (hashing the same bytes; serde_json into a hand-written struct).

use criterion::{Criterion, criterion_group, criterion_main};
use hmac::Mac;
use md5::Digest;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};
use topsdk::kongur::alibaba_kongur_token_getosstoken as api;
use topsdk::{Client, Format, SignMethod};

const SECRET: &str = "test_secret_123";

fn request() -> api::Request {
    api::Request::new()
        .kongur_app_key("kak-001")
        .suit_ids("1001,1002")
        .entrust_id("E-77")
}

/// What the SDK signs for the seed request (sorted `key+value` pairs).
fn signed_bytes(m: SignMethod) -> String {
    let mut p = vec![
        ("app_key", "12345678"),
        ("entrust_id", "E-77"),
        ("format", "json"),
        ("kongur_app_key", "kak-001"),
        ("method", "alibaba.kongur.token.getosstoken"),
        ("sign_method", m.as_str()),
        ("suit_ids", "1001,1002"),
        ("timestamp", "2026-11-29 12:00:00"),
        ("v", "2.0"),
    ];
    p.sort();
    p.iter().map(|(k, v)| format!("{k}{v}")).collect()
}

fn baseline_hash(m: SignMethod, s: &str) -> Vec<u8> {
    match m {
        SignMethod::Md5 => {
            let mut h = md5::Md5::new();
            h.update(SECRET);
            h.update(s);
            h.update(SECRET);
            h.finalize().to_vec()
        }
        SignMethod::Hmac => {
            let mut h = <hmac::Hmac<md5::Md5> as Mac>::new_from_slice(SECRET.as_bytes()).unwrap();
            h.update(s.as_bytes());
            h.finalize().into_bytes().to_vec()
        }
        SignMethod::HmacSha256 => {
            let mut h =
                <hmac::Hmac<sha2::Sha256> as Mac>::new_from_slice(SECRET.as_bytes()).unwrap();
            h.update(s.as_bytes());
            h.finalize().into_bytes().to_vec()
        }
    }
}

fn sign_and_encode(c: &mut Criterion) {
    let mut g = c.benchmark_group("sign_encode");
    let at = UNIX_EPOCH + Duration::from_secs(1_795_924_800);
    for m in SignMethod::ALL {
        let client = Client::builder("12345678", SECRET)
            .sign_method(m)
            .clock(Arc::new(topsdk::FixedClock(at)))
            .build()
            .unwrap();
        let req = request();
        g.bench_function(format!("sdk/{m}"), |b| {
            b.iter(|| client.prepare(black_box(&req)).unwrap())
        });
        let bytes = signed_bytes(m);
        g.bench_function(format!("baseline/{m}"), |b| {
            b.iter(|| baseline_hash(m, black_box(&bytes)))
        });
    }
    g.finish();
}

// The baseline: the same JSON into plain hand-written structs.
#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Token {
    oss_token: Option<String>,
    access_key_id: Option<String>,
    secret_access_key: Option<String>,
    oss_dir_map: Option<String>,
    entrust_oss_folder: Option<String>,
    lawyer_oss_folder: Option<String>,
    firm_oss_folder: Option<String>,
    success: Option<bool>,
    error_code: Option<String>,
}
#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct ErrorItem {
    business_id: Option<String>,
    biz_type: Option<String>,
    field_name_en: Option<String>,
    return_error_code: Option<String>,
    error_msg: Option<String>,
}
#[derive(serde::Deserialize)]
struct Datas {
    #[allow(dead_code)]
    oss_token_result_vo: Vec<Token>,
}
#[derive(serde::Deserialize)]
struct Errors {
    #[allow(dead_code)]
    result_data_do: Vec<ErrorItem>,
}
#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Result_ {
    success: Option<bool>,
    datas: Option<Datas>,
    errors: Option<Errors>,
}
#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Inner {
    kongur_oss_result_do: Option<Result_>,
    request_id: Option<String>,
}
#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Wrapped {
    alibaba_kongur_token_getosstoken_response: Inner,
}
#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct SimpleResult {
    success: Option<bool>,
    datas: Vec<Token>,
    errors: Vec<ErrorItem>,
}
#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Simple {
    kongur_oss_result_do: Option<SimpleResult>,
    request_id: Option<String>,
}

/// The SDK's decode of a seed sample into the generated `Response`.
fn sdk_decode(body: &str, format: Format, simplified: bool) -> api::Response {
    topsdk::test_util::decode::<api::Response>(
        body.as_bytes(),
        format,
        simplified,
        api::SCHEMA.get(),
    )
    .unwrap()
}

/// The baselines must decode the same content the SDK does, or the comparison means nothing.
fn check_same_work(json: &str, simple: &str, xml: &str) {
    let token = |t: &Token| (t.oss_token.clone(), t.secret_access_key.clone(), t.success);
    let sdk = |body: &str, format, simplified| {
        let d = sdk_decode(body, format, simplified)
            .kongur_oss_result_do
            .unwrap();
        let t = &d.datas[0];
        let t = (
            t.oss_token.as_ref().map(|s| s.expose().clone()),
            t.secret_access_key.as_ref().map(|s| s.expose().clone()),
            t.success,
        );
        (d.datas.len(), d.errors.len(), t)
    };
    let wrapped = serde_json::from_str::<Wrapped>(json).unwrap();
    let w = wrapped
        .alibaba_kongur_token_getosstoken_response
        .kongur_oss_result_do
        .unwrap();
    let (datas, errors) = (
        w.datas.unwrap().oss_token_result_vo,
        w.errors.unwrap().result_data_do,
    );
    assert_eq!(
        sdk(json, Format::Json, false),
        (datas.len(), errors.len(), token(&datas[0]))
    );
    let s = serde_json::from_str::<Simple>(simple)
        .unwrap()
        .kongur_oss_result_do
        .unwrap();
    assert_eq!(
        sdk(simple, Format::Json, true),
        (s.datas.len(), s.errors.len(), token(&s.datas[0]))
    );
    let x = quick_xml::de::from_str::<Inner>(xml)
        .unwrap()
        .kongur_oss_result_do
        .unwrap();
    let (datas, errors) = (
        x.datas.unwrap().oss_token_result_vo,
        x.errors.unwrap().result_data_do,
    );
    assert_eq!(
        sdk(xml, Format::Xml, false),
        (datas.len(), errors.len(), token(&datas[0]))
    );
}

fn decode(c: &mut Criterion) {
    let schema = api::SCHEMA.get();
    let ex = &schema.examples;
    let json = ex.response_json.clone().unwrap();
    let simple = ex.response_json_simplified.clone().unwrap();
    let xml = ex.response_xml.clone().unwrap();
    check_same_work(&json, &simple, &xml);
    let mut g = c.benchmark_group("decode");
    let sdk = |g: &mut criterion::BenchmarkGroup<_>, name, body: &str, format, simplified| {
        g.bench_function(name, |b| {
            b.iter(|| sdk_decode(black_box(body), format, simplified))
        });
    };
    sdk(&mut g, "sdk/json", &json, Format::Json, false);
    g.bench_function("baseline/json", |b| {
        b.iter(|| serde_json::from_str::<Wrapped>(black_box(&json)).unwrap())
    });
    sdk(&mut g, "sdk/json_simplified", &simple, Format::Json, true);
    g.bench_function("baseline/json_simplified", |b| {
        b.iter(|| serde_json::from_str::<Simple>(black_box(&simple)).unwrap())
    });
    sdk(&mut g, "sdk/xml", &xml, Format::Xml, false);
    // XML baselines: quick-xml's serde deserializer into the same hand-written structs (the
    // counterpart of `serde_json::from_str`), and just reading every event of the document.
    g.bench_function("baseline/xml", |b| {
        b.iter(|| quick_xml::de::from_str::<Inner>(black_box(&xml)).unwrap())
    });
    g.bench_function("baseline/xml_events", |b| {
        b.iter(|| {
            let mut r = quick_xml::Reader::from_str(black_box(&xml));
            let mut n = 0usize;
            while !matches!(r.read_event(), Ok(quick_xml::events::Event::Eof) | Err(_)) {
                n += 1;
            }
            n
        })
    });
    g.finish();
}

criterion_group!(benches, sign_and_encode, decode);
criterion_main!(benches);
