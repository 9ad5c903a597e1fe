//! One attempt's wire form of a call: system params + `sign` in the query, app params in the
//! body (form-urlencoded, or multipart when a file is present).

use super::Config;
use crate::params::ParamWriter;
use crate::{DateTime, FileUpload};

/// A signed request, ready to send.
#[derive(Clone)]
pub struct PreparedRequest {
    /// Gateway URL with the system params and `sign` as its query.
    pub url: String,
    pub body: Body,
}

/// The body of a prepared request.
#[derive(Clone)]
pub enum Body {
    /// `application/x-www-form-urlencoded;charset=utf-8`
    Form(String),
    /// `multipart/form-data`: text params, then file params (files are not signed).
    Multipart {
        text: Vec<(String, String)>,
        files: Vec<(String, FileUpload)>,
    },
}

impl std::fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The query holds the session and the body may hold secret params: sizes only.
        f.debug_struct("PreparedRequest")
            .field("url_len", &self.url.len())
            .field(
                "body",
                &match &self.body {
                    Body::Form(b) => format!("form, {} bytes", b.len()),
                    Body::Multipart { text, files } => {
                        format!(
                            "multipart, {} text params, {} files",
                            text.len(),
                            files.len()
                        )
                    }
                },
            )
            .finish()
    }
}

pub(crate) fn prepare(cfg: &Config, method: &str, w: &ParamWriter) -> PreparedRequest {
    let mut timestamp = String::with_capacity(19);
    DateTime::from_system_time(cfg.clock.now()).write_to(&mut timestamp);
    let mut system: Vec<(&str, &str)> = Vec::with_capacity(10);
    system.extend([
        ("method", method),
        ("app_key", cfg.app_key.as_str()),
        ("timestamp", timestamp.as_str()),
        ("format", cfg.format.as_str()),
        ("v", "2.0"),
        ("sign_method", cfg.sign_method.as_str()),
    ]);
    if let Some(s) = &cfg.session {
        system.push(("session", s.expose().as_str()));
    }
    if let Some(p) = &cfg.partner_id {
        system.push(("partner_id", p.as_str()));
    }
    if let Some(t) = &cfg.target_app_key {
        system.push(("target_app_key", t.as_str()));
    }
    if cfg.simplify {
        system.push(("simplify", "true"));
    }
    let mut signed: Vec<(&str, &str)> = Vec::with_capacity(system.len() + w.params.len());
    signed.extend(system.iter().copied());
    signed.extend(w.text_params());
    let sign = crate::sign::sign(cfg.sign_method, cfg.app_secret.expose(), &mut signed);

    let mut query = form_urlencoded::Serializer::new(String::with_capacity(256));
    query.extend_pairs(system.iter().copied());
    query.append_pair("sign", &sign);
    let query = query.finish();
    let sep = if cfg.gateway_url.contains('?') {
        '&'
    } else {
        '?'
    };
    let url = format!("{}{sep}{query}", cfg.gateway_url);

    let body = if w.files().next().is_some() {
        Body::Multipart {
            text: w
                .text_params()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            files: w.files().map(|(k, f)| (k.to_string(), f.clone())).collect(),
        }
    } else {
        let mut form = form_urlencoded::Serializer::new(String::with_capacity(128));
        form.extend_pairs(w.text_params());
        Body::Form(form.finish())
    };
    PreparedRequest { url, body }
}
