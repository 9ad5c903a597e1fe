//! The key server of `tests/security_vectors.rs`: the keys, versions and `app_config`s the
//! Java run's mock served, over the test gateway of `tests/support`.

use super::support::{Answer, Gateway, Seen, error_json};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use topsdk::security::SecurityClient;
use topsdk::{Client, Format, RetryPolicy};

pub const RANDOM_NUM: &str = "vectors-random-num";
const APP_V7: &str = "hzycfdEI8IzjrkenSBjrHQ==";
const APP_V6: &str = "OkVQgUsK9KQuSLiwhtJr6g==";

pub fn vectors() -> Value {
    serde_json::from_str(include_str!("../fixtures/security-vectors.json")).unwrap()
}

/// The key server: `(secret, version)` per app, scope and asked version, as the Java run's
/// mock served them; `None` answers sub_code 20005 ("no such version").
fn key_of(
    app: &str,
    session: Option<&str>,
    customer: Option<&str>,
    asked: Option<i64>,
) -> Option<(&'static str, i64)> {
    let table: &[(i64, &'static str)] = match (session, customer) {
        (None, Some("12345")) => &[(1, "GgBBGtv9P9tZKKNcQu3L/g==")],
        (Some("sess-alice"), None) => &[
            (3, "O4r3LUFxj+FjJlTzZfPVJQ=="),
            (2, "DsflvKKJuPQ04Mafeq68SA=="),
        ],
        (None, None) => match app {
            "vec_aes256" => &[(9, "Zvlxyw7RMsnREt2q3udH+F4XdNmlgXMR004VulrzJoI=")],
            "vec_aes192" => &[(8, "XB92/PsduF7bgSXX+bCuZEREtc+amveO")],
            _ => &[(7, APP_V7), (6, APP_V6)],
        },
        _ => &[],
    };
    let (v, k) = match asked {
        None => table.first()?,
        Some(-1) => table.get(1)?,
        Some(v) => table.iter().find(|(tv, _)| *tv == v)?,
    };
    Some((k, *v))
}

fn app_config(app: &str) -> Option<&'static str> {
    match app {
        "vec_index" => Some(
            r#"{"current_phone":"2","previous_phone":"1","current_nick":"2","previous_nick":"1","current_receiver_name":"2","previous_receiver_name":"1","encrypt_index_compress_len":"3","encrypt_slide_size":"4"}"#,
        ),
        "vec_alt" => Some(r#"{"encrypt_index_compress_len":"4","encrypt_slide_size":"3"}"#),
        "vec_beta" => Some(r#"{"publish_status":"0"}"#),
        _ => None,
    }
}

fn answer(xml: bool, fields: &[(&str, String)]) -> Answer {
    if xml {
        let mut body =
            String::from("<?xml version=\"1.0\" encoding=\"utf-8\" ?><top_secret_get_response>");
        for (k, v) in fields {
            body.push_str(&format!(
                "<{k}>{}</{k}>",
                v.replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('"', "&quot;")
            ));
        }
        body.push_str("</top_secret_get_response>");
        let mut a = Answer::json(body);
        a.headers = vec![("Content-Type".into(), "text/xml;charset=UTF-8".into())];
        return a;
    }
    let mut o = serde_json::Map::new();
    for (k, v) in fields {
        let value = match v.parse::<i64>() {
            Ok(n) if *k != "secret" && *k != "app_config" => Value::from(n),
            _ => Value::from(v.clone()),
        };
        o.insert(k.to_string(), value);
    }
    Answer::json(serde_json::json!({ "top_secret_get_response": o }).to_string())
}

fn error_answer(xml: bool, code: i64, msg: &str, sub_code: &str) -> Answer {
    if xml {
        let mut a = Answer::json(format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\" ?><error_response><code>{code}</code><msg>{msg}</msg><sub_code>{sub_code}</sub_code><sub_msg>{sub_code}</sub_msg></error_response>"
        ));
        a.headers = vec![("Content-Type".into(), "text/xml;charset=UTF-8".into())];
        return a;
    }
    Answer::json(error_json(code, msg, sub_code, sub_code))
}

/// Calls counted per app, for the rotation cases (the nth call serves the nth key).
#[derive(Default)]
struct Counts(Mutex<HashMap<String, usize>>);

fn serve(seen: &Seen, counts: &Counts) -> Answer {
    let xml = seen.query("format").as_deref() == Some("xml");
    let app = seen.query("app_key").unwrap_or_default();
    assert_eq!(
        seen.query("method").as_deref(),
        Some("taobao.top.secret.get")
    );
    assert_eq!(
        seen.form("random_num").as_deref(),
        Some(RANDOM_NUM),
        "random_num sent"
    );
    let n = {
        let mut c = counts.0.lock().unwrap();
        let n = c.entry(app.clone()).or_default();
        *n += 1;
        *n
    };
    let session = seen.query("session");
    let customer = seen.form("customer_user_id");
    let asked = seen
        .form("secret_version")
        .map(|v| v.parse::<i64>().unwrap());
    let intervals = |i: i64, m: i64| [("interval", i.to_string()), ("max_interval", m.to_string())];
    match app.as_str() {
        "vec_error" => return error_answer(xml, 50, "Remote service error", "isp.mock-failure"),
        // The Java run's server refused every call of this app as an invalid session.
        "vec_badsession" => {
            return error_answer(xml, 27, "Invalid session", "invalid-sessionkey");
        }
        "vec_beta" | "vec_nosecret" => {
            let mut f = intervals(300, 600).to_vec();
            if let Some(c) = app_config(&app) {
                f.push(("app_config", c.into()));
            }
            return answer(xml, &f);
        }
        "vec_rotate" | "vec_rotate0" => {
            const SERVED: [&str; 5] = [
                APP_V6,
                APP_V7,
                "O4r3LUFxj+FjJlTzZfPVJQ==",
                "DsflvKKJuPQ04Mafeq68SA==",
                "GgBBGtv9P9tZKKNcQu3L/g==",
            ];
            let max = if app == "vec_rotate" { 600 } else { 0 };
            let mut f = vec![
                ("secret", SERVED[(n - 1).min(4)].to_string()),
                ("secret_version", n.to_string()),
            ];
            f.extend(intervals(0, max));
            return answer(xml, &f);
        }
        _ => {}
    }
    if session.as_deref() == Some("sess-unknown") {
        return error_answer(xml, 27, "Invalid session", "invalid-sessionkey");
    }
    match key_of(&app, session.as_deref(), customer.as_deref(), asked) {
        None => error_answer(xml, 15, "Remote service error", "20005"),
        Some((secret, version)) => {
            let mut f = vec![
                ("secret", secret.to_string()),
                ("secret_version", version.to_string()),
            ];
            f.extend(intervals(300, 600));
            if let Some(c) = app_config(&app) {
                f.push(("app_config", c.into()));
            }
            answer(xml, &f)
        }
    }
}

pub struct Harness {
    pub gateway: Gateway,
    counts: Arc<Counts>,
    clients: Mutex<HashMap<String, SecurityClient>>,
}

impl Harness {
    pub async fn start() -> Harness {
        let counts = Arc::new(Counts::default());
        let c = counts.clone();
        let gateway = Gateway::with_handler(move |seen| serve(seen, &c)).await;
        Harness {
            gateway,
            counts,
            clients: Mutex::default(),
        }
    }

    /// One security client per app, as the Java run had (each app its own cache).
    pub fn app(&self, app: &str) -> SecurityClient {
        self.clients
            .lock()
            .unwrap()
            .entry(app.to_string())
            .or_insert_with(|| {
                let client = Client::builder(app, "vectors-app-secret")
                    .gateway_url(self.gateway.url.clone())
                    .format(if app == "vec_xml" {
                        Format::Xml
                    } else {
                        Format::Json
                    })
                    .retry(RetryPolicy {
                        max_attempts: 1,
                        ..RetryPolicy::default()
                    })
                    .build()
                    .unwrap();
                SecurityClient::new(client, RANDOM_NUM)
            })
            .clone()
    }

    pub fn calls(&self, app: &str) -> usize {
        self.counts.0.lock().unwrap().get(app).copied().unwrap_or(0)
    }
}
