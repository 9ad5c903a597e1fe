//! The mock's `/router/batch`: the envelope checked once (key, version, time, signature over
//! the URL's params with the body appended), then each line answered as a call of its own
//! (the `#PUBLIC#` params, then the line's, over the URL's `format`/`session`), joined by the
//! separator (`top-api-separator`, else `\r\n-S-\r\n`). A refused envelope is one
//! `error_response`, which the client reads as the batch failing as a whole.

use super::render::error_body;
use super::{Body, Reply, State, content_type, full, gateway, next_reply};
use crate::batch::DEFAULT_SEPARATOR;
use hyper::{Response, StatusCode};
use std::collections::BTreeMap;
use std::time::SystemTime;

pub(super) async fn serve(
    state: &State,
    now: SystemTime,
    query: Vec<(String, String)>,
    body: &[u8],
    separator: Option<&str>,
) -> Response<Body> {
    let system: BTreeMap<String, String> = query.into_iter().collect();
    let format = gateway::reply_format(&system);
    let refuse = |mut e: crate::ApiError| {
        e.request_id = Some(super::request_id());
        full(StatusCode::OK, content_type(format), error_body(&e, format))
    };
    if let Err(e) = gateway::envelope(
        &state.app_key,
        state.app_secret.expose(),
        now,
        &system,
        body,
    ) {
        return refuse(e);
    }
    let Ok(text) = std::str::from_utf8(body) else {
        return refuse(crate::ApiError {
            code: 41,
            msg: "Invalid Arguments".into(),
            sub_msg: Some("the batch body is not UTF-8 text".into()),
            ..Default::default()
        });
    };
    let sep = separator
        .filter(|s| !s.is_empty())
        .unwrap_or(DEFAULT_SEPARATOR);
    let mut lines: Vec<&str> = text.split(sep).collect();
    let mut public = Vec::new();
    if let Some(first) = lines.first().and_then(|l| l.strip_prefix("#PUBLIC#")) {
        public = form_urlencoded::parse(first.as_bytes())
            .into_owned()
            .collect();
        lines.remove(0);
    }
    let mut answers = Vec::with_capacity(lines.len());
    for line in lines {
        let mut params = system.clone();
        params.remove("sign");
        params.extend(public.iter().cloned());
        if line != "N" {
            params.extend(form_urlencoded::parse(line.as_bytes()).into_owned());
        }
        let incoming = gateway::Incoming {
            params,
            files: Vec::new(),
        };
        let rid = super::request_id();
        let answer = match gateway::check_call(&state.apis, &incoming) {
            Ok(accepted) => {
                let reply = next_reply(state, &accepted.schema.method);
                match super::reply_text(state, reply, &accepted, &incoming.params, &rid).await {
                    Ok(body) => body,
                    Err(Reply::Raw { body, .. } | Reply::Truncated { body, .. }) => {
                        String::from_utf8_lossy(&body).into_owned()
                    }
                    Err(_) => String::new(),
                }
            }
            Err(mut e) => {
                e.request_id = Some(rid);
                error_body(&e, gateway::reply_format(&incoming.params))
            }
        };
        answers.push(answer);
    }
    full(StatusCode::OK, content_type(format), answers.join(sep))
}
