//! Every sampled catalogue API called against the mock gateway, in JSON and XML, wrapped and
//! simplified: by its schema (all of them) and through its generated typed bindings (a fourth
//! of them, whose typed call by name compiles each API's whole call path); either answer must
//! carry exactly the sample the mock built from the API's schema.

use topsdk::by_name::Args;
use topsdk::mock::MockGateway;
use topsdk::schema::{Field, Kind};
use topsdk::{Client, Format};
use topsdk_catalogue_sample::apis::APIS;
use topsdk_catalogue_sample::called::{APIS as CALLED, CALLS};

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

/// Checks one answer against the mock's sample for the API.
fn check(
    mock: &MockGateway,
    schema: &topsdk::schema::ApiSchema,
    answer: Result<serde_json::Value, topsdk::Error>,
    how: &str,
) {
    // With `topsdk/security` (on when the workspace is tested together) the mock serves real keys and OAID
    // answers computed from the request for these: the sample's fields, other values.
    if matches!(
        schema.method.as_str(),
        "taobao.top.secret.get" | "taobao.top.oaid.merge" | "taobao.top.oaid.decrypt"
    ) {
        let mut got = answer.unwrap_or_else(|e| panic!("{how}: {e}"));
        let mut want = mock.sample(&schema.method).expect("served");
        got.as_object_mut().map(|m| m.remove("request_id"));
        want.as_object_mut().map(|m| m.remove("request_id"));
        if got == want {
            return; // without the feature (this package tested alone): the sample
        }
        let keys = |v: &serde_json::Value| -> std::collections::BTreeSet<String> {
            let mut k: std::collections::BTreeSet<String> = v
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, _)| k.clone())
                .collect();
            k.remove("request_id");
            k
        };
        assert!(keys(&got).is_subset(&keys(&want)), "{how}: {got} vs {want}");
        if schema.method == "taobao.top.secret.get" {
            assert_eq!(
                got["secret"].as_str().map(str::len),
                Some(24),
                "{how}: {got}"
            );
            assert!(got["secret_version"].as_i64() > Some(0), "{how}: {got}");
        }
        return;
    }
    // The mock issues real tokens for these two instead of their samples.
    if schema.method.starts_with("taobao.top.auth.token.") {
        match answer {
            Ok(v) => {
                let text = v["token_result"].as_str().unwrap_or_default();
                let token: serde_json::Value = serde_json::from_str(text).unwrap();
                assert!(token["access_token"].is_string(), "{how}: {v}");
            }
            // A refresh token the mock never issued.
            Err(topsdk::Error::Api(e)) => assert_eq!(
                e.sub_code.as_deref(),
                Some("isv.refresh-token-invalid"),
                "{how}"
            ),
            Err(e) => panic!("{how}: {e}"),
        }
        return;
    }
    let mut got = answer.unwrap_or_else(|e| panic!("{how}: {e}"));
    let mut want = mock.sample(&schema.method).expect("served");
    // A QIMEN reply: `flag` success and the sample's other fields, no request_id.
    if schema.gateway == topsdk::schema::Gateway::Qimen {
        for (k, v) in [("flag", "success"), ("code", "0"), ("message", "success")] {
            want["response"][k] = v.into();
        }
        assert_eq!(got, want, "{how}");
        return;
    }
    assert!(
        got.as_object_mut()
            .and_then(|m| m.remove("request_id"))
            .is_some(),
        "{how}: no request_id"
    );
    // The gateway's own id replaces any documented request_id.
    want.as_object_mut().map(|m| m.remove("request_id"));
    assert_eq!(got, want, "{how}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_sampled_api_answers_through_the_mock() {
    let tmp = tempfile::tempdir().unwrap();
    let upload = tmp.path().join("upload.bin");
    std::fs::write(&upload, b"\x00\x01binary").unwrap();
    let mock = MockGateway::start(APIS, "k", "s").await.unwrap();
    let args = |schema: &'static topsdk::schema::ApiSchema| {
        let pairs = schema
            .request
            .iter()
            .filter(|f| f.required)
            .map(|f| (f.name.clone(), value_for(f, &upload)));
        Args::new(schema, pairs).unwrap()
    };
    let (mut typed, mut by_schema) = (0, 0);
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
            for (entry, (method, call)) in CALLED.iter().zip(CALLS) {
                let schema = entry.get();
                assert_eq!(&schema.method, method);
                let how = format!("{method} typed ({format}, simplify={simplify})");
                check(&mock, schema, call(&client, args(schema)).await, &how);
                typed += 1;
            }
            for entry in APIS {
                let schema = entry.get();
                let how = format!(
                    "{} by schema ({format}, simplify={simplify})",
                    schema.method
                );
                check(
                    &mock,
                    schema,
                    client.execute_by_schema(&args(schema)).await,
                    &how,
                );
                by_schema += 1;
            }
        }
    }
    assert_eq!((typed, by_schema), (CALLED.len() * 4, APIS.len() * 4));
    assert!(CALLED.len() >= 100, "{} APIs called typed", CALLED.len());
}
