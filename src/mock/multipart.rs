//! Reading a `multipart/form-data` body (RFC 7578), as much as the mock needs: each part's
//! name, whether it is a file, and a text part's value. The whole body is in memory already
//! (read under the mock's size cap), so this is a split, not a stream.

/// The parts of a form: text params (name, value) and the names of file params.
pub(crate) struct Form {
    pub text: Vec<(String, String)>,
    pub files: Vec<String>,
}

/// Parses `body` of content type `content_type` (`multipart/form-data; boundary=...`).
pub(crate) fn parse(content_type: &str, body: &[u8]) -> Result<Form, String> {
    let boundary = boundary(content_type).ok_or("bad multipart: no boundary")?;
    let delimiter = format!("--{boundary}");
    let mut form = Form {
        text: Vec::new(),
        files: Vec::new(),
    };
    let mut rest = after(body, delimiter.as_bytes()).ok_or("bad multipart: no first boundary")?;
    loop {
        if rest.starts_with(b"--") {
            return Ok(form);
        }
        rest = rest
            .strip_prefix(b"\r\n")
            .ok_or("bad multipart: no line end after a boundary")?;
        let end = find(rest, format!("\r\n{delimiter}").as_bytes())
            .ok_or("bad multipart: a part does not end")?;
        part(&rest[..end], &mut form)?;
        rest = &rest[end + 2 + delimiter.len()..];
    }
}

/// One part: its headers, a blank line, its content.
fn part(part: &[u8], form: &mut Form) -> Result<(), String> {
    let split = find(part, b"\r\n\r\n").ok_or("bad multipart: a part has no header end")?;
    let headers = std::str::from_utf8(&part[..split])
        .map_err(|_| "bad multipart: part headers are not UTF-8".to_string())?;
    let content = &part[split + 4..];
    let disposition = headers
        .split("\r\n")
        .find_map(|h| {
            let (k, v) = h.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case("content-disposition")
                .then_some(v)
        })
        .ok_or("bad multipart: a part has no Content-Disposition")?;
    let name = param(disposition, "name").ok_or("bad multipart: a part has no name")?;
    if param(disposition, "filename").is_some() {
        form.files.push(name);
    } else {
        let value = String::from_utf8(content.to_vec())
            .map_err(|_| format!("bad multipart: text part `{name}` is not UTF-8"))?;
        form.text.push((name, value));
    }
    Ok(())
}

/// `key="value"` (or unquoted) of a header's parameters.
fn param(header: &str, key: &str) -> Option<String> {
    header.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim().eq_ignore_ascii_case(key)).then(|| {
            let v = v.trim();
            v.strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(v)
                .to_string()
        })
    })
}

fn boundary(content_type: &str) -> Option<String> {
    let (mime, _) = content_type.split_once(';').unwrap_or((content_type, ""));
    if !mime.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    param(content_type, "boundary").filter(|b| !b.is_empty() && b.len() <= 70)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn after<'a>(haystack: &'a [u8], needle: &[u8]) -> Option<&'a [u8]> {
    find(haystack, needle).map(|at| &haystack[at + needle.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_file_parts() {
        let body = b"preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n\
            cat \xe5\xa7\x94\r\n--XyZ\r\nContent-Disposition: form-data; name=\"image\"; \
            filename=\"cat.png\"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\r\n--XyZ--\r\n";
        let form = parse("multipart/form-data; boundary=XyZ", body).unwrap();
        assert_eq!(form.text, [("title".to_string(), "cat 委".to_string())]);
        assert_eq!(form.files, ["image"]);
        for (ct, body) in [
            ("text/plain", &body[..]),
            ("multipart/form-data; boundary=XyZ", b"no boundary here"),
            (
                "multipart/form-data; boundary=XyZ",
                b"--XyZ\r\nno header end",
            ),
            (
                "multipart/form-data; boundary=XyZ",
                b"--XyZ\r\n\r\nx\r\n--XyZ--",
            ),
            (
                "multipart/form-data; boundary=XyZ",
                b"--XyZ\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\n\xff\r\n--XyZ--",
            ),
        ] {
            assert!(parse(ct, body).is_err(), "{ct} {body:?}");
        }
    }
}
