//! Every sampled catalogue API, called through its generated typed bindings against the mock
//! gateway, in JSON and XML, wrapped and simplified: the typed response must carry exactly
//! the sample the mock built from the API's schema.

use topsdk::by_name::Args;
use topsdk::mock::MockGateway;
use topsdk::schema::{Field, Kind};
use topsdk::{Client, Format};
use topsdk_catalogue_sample::apis::{APIS, CALLS};

/// A valid text for a required param of this type and rules.
fn value_for(f: &Field, upload: &std::path::Path) -> String {
    match f.kind {
        Kind::String => "x".to_string(),
        Kind::Number => f.constraints.min_value.unwrap_or(1).to_string(),
        Kind::Boolean => "true".into(),
        Kind::Date => "2026-01-01 00:00:00".into(),
        Kind::Price => "1.00".into(),
        Kind::Json => "{}".into(),
        Kind::Object if f.list => "[]".into(),
        Kind::Object => "{}".into(),
        Kind::File => upload.display().to_string(),
    }
}

#[test]
fn the_sample_is_large_and_varied() {
    let categories: std::collections::BTreeSet<&str> =
        APIS.iter().map(|e| e.get().category_pkg.as_str()).collect();
    assert!(APIS.len() >= 300, "{} APIs", APIS.len());
    assert!(categories.len() >= 40, "{} categories", categories.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_sampled_api_answers_through_the_mock() {
    let tmp = tempfile::tempdir().unwrap();
    let upload = tmp.path().join("upload.bin");
    std::fs::write(&upload, b"\x00\x01binary").unwrap();
    let mock = MockGateway::start(APIS, "k", "s").await.unwrap();
    let mut calls = 0;
    for format in [Format::Json, Format::Xml] {
        for simplify in [false, true] {
            let client = Client::builder("k", "s")
                .gateway_url(mock.url())
                .format(format)
                .simplify(simplify)
                .build()
                .unwrap()
                // QIMEN APIs need it; the others do not send it.
                .with_customer_id("stub-cust-code");
            for (entry, (method, call)) in APIS.iter().zip(CALLS) {
                let schema = entry.get();
                assert_eq!(&schema.method, method);
                let pairs = schema
                    .request
                    .iter()
                    .filter(|f| f.required)
                    .map(|f| (f.name.clone(), value_for(f, &upload)));
                let args = Args::new(schema, pairs).unwrap();
                // The mock issues real tokens for these two instead of their samples.
                if schema.method.starts_with("taobao.top.auth.token.") {
                    match call(&client, args).await {
                        Ok(v) => {
                            let text = v["token_result"].as_str().unwrap_or_default();
                            let token: serde_json::Value = serde_json::from_str(text).unwrap();
                            assert!(token["access_token"].is_string(), "{}: {v}", schema.method);
                        }
                        // A refresh token the mock never issued.
                        Err(topsdk::Error::Api(e)) => assert_eq!(
                            e.sub_code.as_deref(),
                            Some("isv.refresh-token-invalid"),
                            "{}",
                            schema.method
                        ),
                        Err(e) => panic!("{}: {e}", schema.method),
                    }
                    calls += 1;
                    continue;
                }
                let mut got = call(&client, args).await.unwrap_or_else(|e| {
                    panic!("{} ({format}, simplify={simplify}): {e}", schema.method)
                });
                // A QIMEN reply: `flag` success and the sample's other fields, no request_id.
                if schema.gateway == topsdk::schema::Gateway::Qimen {
                    let mut want = mock.sample(&schema.method).expect("served");
                    for (k, v) in [("flag", "success"), ("code", "0"), ("message", "success")] {
                        want["response"][k] = v.into();
                    }
                    assert_eq!(got, want, "{}", schema.method);
                    calls += 1;
                    continue;
                }
                assert!(
                    got.as_object_mut()
                        .and_then(|m| m.remove("request_id"))
                        .is_some(),
                    "{}",
                    schema.method
                );
                let mut want = mock.sample(&schema.method).expect("served");
                // The gateway's own id replaces any documented request_id.
                want.as_object_mut().map(|m| m.remove("request_id"));
                assert_eq!(
                    got, want,
                    "{} ({format}, simplify={simplify})",
                    schema.method
                );
                calls += 1;
            }
        }
    }
    assert_eq!(calls, APIS.len() * 4);
    let _ = std::fs::remove_file(upload);
}
