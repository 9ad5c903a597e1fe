//! Secrets never reach logs or errors; file params go multipart and unsigned; spec rules are
//! enforced before any I/O. Uses a small hand-declared API (what topgen would emit for a spec
//! with a `byte[]` param and constraints).

use std::sync::{Arc, Mutex};
use std::time::Duration;
use topsdk::__private::LazySchema;
use topsdk::__private::ParamWriter;

use topsdk::mock::{MockGateway, Reply};
use topsdk::schema::ApiSchema;
use topsdk::{Client, Error, FileUpload, Format, RetryPolicy, TopRequest, TopResponse};

static UPLOAD: LazySchema = LazySchema::new(
    r#"{"method":"topsdk.test.image.upload","title":"test upload","category_pkg":"test",
        "response_key":"topsdk_test_image_upload_response",
        "request":[
          {"name":"title","ty":"String","required":true,"constraints":{"max_length":5}},
          {"name":"image","ty":"byte[]","kind":"File"},
          {"name":"count","ty":"Number","kind":"Number","constraints":{"min_value":1,"max_value":10}}],
        "response":[{"name":"upload_token","ty":"String","sensitive":true}],
        "examples":{"response_json":"{\"topsdk_test_image_upload_response\":{\"upload_token\":\"UPL-T0KEN-SECRET\"}}"}}"#,
);

#[derive(Debug, Clone)]
struct Upload {
    title: String,
    image: Option<FileUpload>,
    count: Option<i64>,
}

#[derive(Debug, Default, PartialEq, serde::Deserialize, serde::Serialize)]
struct UploadResponse {
    #[serde(default, deserialize_with = "topsdk::__private::de::opt")]
    upload_token: Option<topsdk::Secret<String>>,
    #[serde(default, deserialize_with = "topsdk::__private::de::opt")]
    request_id: Option<String>,
}

impl TopResponse for UploadResponse {
    fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
}

impl TopRequest for Upload {
    type Response = UploadResponse;
    const METHOD: &'static str = "topsdk.test.image.upload";
    const IDEMPOTENT: bool = false;
    fn schema() -> &'static ApiSchema {
        UPLOAD.get()
    }
    fn write_params<'a>(&'a self, w: &mut ParamWriter<'a>) {
        w.put("title", &self.title);
        w.put_file_opt("image", &self.image);
        w.put_opt("count", &self.count);
    }
}

static APIS: [&LazySchema; 1] = [&UPLOAD];

async fn mock() -> MockGateway {
    capture();
    MockGateway::start(&APIS, "k", "APP-S3CRET-VALUE")
        .await
        .unwrap()
}

fn builder(m: &MockGateway) -> topsdk::ClientBuilder {
    Client::builder("k", "APP-S3CRET-VALUE")
        .gateway_url(m.url())
        .session("SESS-S3CRET-VALUE")
        .retry(RetryPolicy {
            max_attempts: 2,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
            ..RetryPolicy::default()
        })
}

#[tokio::test]
async fn file_params_go_multipart_and_are_not_signed() {
    let m = mock().await;
    let c = builder(&m).build().unwrap();
    let req = Upload {
        title: "cat".into(),
        image: Some(FileUpload::new("cat.png", vec![0x89, b'P', b'N', b'G'])),
        count: Some(3),
    };
    let resp = c.execute(&req).await.unwrap();
    assert_eq!(resp.upload_token.unwrap().expose(), "UPL-T0KEN-SECRET");
    let r = &m.requests()[0];
    assert!(
        r.content_type
            .as_deref()
            .unwrap_or("")
            .starts_with("multipart/form-data; boundary="),
        "{:?}",
        r.content_type
    );
    assert_eq!(r.files, ["image"]);
    assert_eq!(
        r.body,
        [
            ("count".to_string(), "3".to_string()),
            ("title".to_string(), "cat".to_string()),
        ]
    );
}

#[tokio::test]
async fn spec_rules_are_checked_before_any_io() {
    let m = mock().await;
    let c = builder(&m).build().unwrap();
    let cases = [
        (
            Upload {
                title: "too long".into(),
                image: None,
                count: None,
            },
            "title",
            "8 characters",
        ),
        (
            Upload {
                title: "委托委托委".into(),
                image: None,
                count: Some(0),
            },
            "count",
            "minimum is 1",
        ),
        (
            Upload {
                title: "ok".into(),
                image: None,
                count: Some(11),
            },
            "count",
            "maximum is 10",
        ),
    ];
    for (req, param, why) in cases {
        let err = c.execute(&req).await.unwrap_err();
        let Error::InvalidRequest {
            code: 41,
            param: p,
            message,
        } = &err
        else {
            panic!("{err:?}")
        };
        assert_eq!(p, param);
        assert!(message.contains(why), "{message}");
    }
    assert!(m.requests().is_empty(), "nothing was sent");
}

/// Collects everything `tracing` writes.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// One global subscriber for this test binary: every test's logs are captured (and checked).
fn capture() -> &'static Capture {
    static CAPTURE: std::sync::OnceLock<Capture> = std::sync::OnceLock::new();
    CAPTURE.get_or_init(|| {
        let capture = Capture::default();
        let writer = capture.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_global_default(subscriber)
            .expect("no other subscriber in this test binary");
        capture
    })
}

#[test]
fn secrets_never_reach_logs_debug_or_errors() {
    let capture = capture();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut shown = Vec::new();
    rt.block_on(async {
        let m = mock().await;
        let c = builder(&m).build().unwrap();
        shown.push(format!("{c:?} {:?}", c.config()));
        let req = Upload { title: "cat".into(), image: None, count: None };
        let ok = c.execute(&req).await.unwrap();
        shown.push(format!("{ok:?}"));
        shown.push(format!("{:?}", c.prepare(&req).unwrap()));
        // Every error kind the call can produce, formatted every way.
        let replies = [
            Reply::Raw { status: 200, content_type: "application/json".into(), body: br#"{"topsdk_test_image_upload_response":{"upload_token":["UPL-T0KEN-SECRET"]}}"#.to_vec() },
            Reply::Raw { status: 500, content_type: "application/json".into(), body: br#"{"upload_token":"UPL-T0KEN-SECRET"}"#.to_vec() },
            Reply::Error(topsdk::ApiError { code: 15, msg: "x".into(), sub_code: Some("isp.x".into()), ..Default::default() }),
            Reply::Truncated { declared_len: 100, body: b"{".to_vec() },
        ];
        for reply in replies {
            m.set_reply(&UPLOAD.get().method, reply);
            let e = c.execute(&req).await.unwrap_err();
            shown.push(format!("{e} {e:?} {e:#?}"));
        }
        let e = Client::builder("k", "wrong").gateway_url(m.url()).session("SESS-S3CRET-VALUE").build().unwrap().execute(&req).await.unwrap_err();
        shown.push(format!("{e} {e:?}"));
        let e = c.execute(&Upload { title: "SESS-S3CRET-VALUE".into(), image: None, count: None }).await.unwrap_err();
        shown.push(format!("{e} {e:?}"));
    });
    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("top_call") && logs.contains("attempt"),
        "tracing spans are emitted: {logs}"
    );
    assert!(logs.contains("request_id="), "{logs}");
    for text in shown.iter().chain(std::iter::once(&logs)) {
        for secret in ["APP-S3CRET-VALUE", "SESS-S3CRET-VALUE", "UPL-T0KEN-SECRET"] {
            assert!(!text.contains(secret), "`{secret}` leaked into: {text}");
        }
    }
    let _ = Format::Json;
}
