//! Masking sensitive response fields (the spec's `sensitive: true`) in the text of a body that
//! did not decode ([`redacted_excerpt`], error messages), where there is no tree to follow:
//! every value under a sensitive field's name is masked, in JSON or XML. (In a tree, by the
//! schema: [`crate::shape::mask`].)

use crate::schema::{ApiSchema, Field};

/// A short excerpt of the body for error messages, with sensitive field values masked.
pub fn redacted_excerpt(body: &[u8], schema: &ApiSchema) -> String {
    let head = &body[..body.len().min(4096)];
    let mut text = String::from_utf8_lossy(head).into_owned();
    let mut names = Vec::new();
    sensitive_names(&schema.response, &mut names);
    for name in names {
        text = mask_json_values(&text, name);
        text = mask_xml_values(&text, name);
    }
    crate::error::excerpt(text.as_bytes(), 200)
}

fn sensitive_names<'a>(fields: &'a [Field], out: &mut Vec<&'a str>) {
    for f in fields {
        if f.sensitive {
            out.push(&f.name);
        }
        sensitive_names(&f.fields, out);
    }
}

fn mask_json_values(text: &str, name: &str) -> String {
    let needle = format!("\"{name}\"");
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(&needle) {
        let (before, after) = rest.split_at(i + needle.len());
        out.push_str(before);
        let trimmed = after.trim_start();
        let Some(colon_rest) = trimmed.strip_prefix(':') else {
            rest = after;
            continue;
        };
        let value = colon_rest.trim_start();
        out.push_str(&after[..after.len() - value.len()]);
        // Skip the value: a string (with escapes) or a bare token.
        let end = if let Some(s) = value.strip_prefix('"') {
            let mut esc = false;
            s.char_indices()
                .find(|&(_, c)| {
                    let stop = c == '"' && !esc;
                    esc = c == '\\' && !esc;
                    stop
                })
                .map(|(j, _)| j + 2)
                .unwrap_or(value.len())
        } else {
            value.find([',', '}', ']']).unwrap_or(value.len())
        };
        out.push_str("\"***\"");
        rest = &value[end..];
    }
    out.push_str(rest);
    out
}

fn mask_xml_values(text: &str, name: &str) -> String {
    let open = format!("<{name}>");
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(&open) {
        let (before, after) = rest.split_at(i + open.len());
        out.push_str(before);
        out.push_str("***");
        rest = match after.find('<') {
            Some(j) => &after[j..],
            None => "",
        };
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_sensitive_values() {
        assert_eq!(
            mask_json_values(r#"{"secret": "a\"b", "x": 1, "secret":7}"#, "secret"),
            r#"{"secret": "***", "x": 1, "secret":"***"}"#
        );
        assert_eq!(mask_xml_values("<s>abc</s><s>d", "s"), "<s>***</s><s>***");
    }

    #[test]
    fn masks_by_the_tree_where_there_is_one() {
        let schema: ApiSchema = serde_json::from_str(
            r#"{"method":"a.b","title":"","description":"","category":"","category_pkg":"",
                "doc_url":"","response_key":"a_b_response","idempotent":true,"request":[],
                "response":[{"name":"rows","ty":"Row[]","kind":"Object","list":true,
                  "fields":[{"name":"token","ty":"String","sensitive":true},
                            {"name":"id","ty":"Number","kind":"Number"}]},
                  {"name":"token","ty":"String"}]}"#,
        )
        .unwrap();
        let mut v = serde_json::json!({
            "rows": [{"token": "t1", "id": 1}, {"token": ["t2", "t3"], "id": 2}, {"token": null}],
            "token": "not sensitive at the top"
        });
        crate::shape::mask(&mut v, &schema.response);
        assert_eq!(
            v,
            serde_json::json!({
                "rows": [{"token": "***", "id": 1}, {"token": ["***", "***"], "id": 2}, {"token": null}],
                "token": "not sensitive at the top"
            })
        );
        // Without a tree every value under the name is masked: more, never less.
        let text = redacted_excerpt(br#"{"rows": [{"token": "t1"}], "token": "x"}"#, &schema);
        assert_eq!(text, r#"{"rows": [{"token": "***"}], "token": "***"}"#);
    }
}
