//! Copy as Rust and copy as curl. The Rust snippet is the typed builder call of exactly the
//! request made (the category package named, names as the generator makes them:
//! [`topsdk::schema::naming`]), credentials from the environment, never the secret. The curl
//! line is signed when it is copied (it expires with its timestamp) and carries the session
//! as `$TOP_SESSION`.

use topsdk::schema::naming;
use topsdk::schema::{ApiSchema, Kind};

/// A Rust string literal of `s`.
fn lit(s: &str) -> String {
    format!("{s:?}")
}

/// The Rust expression of a param value for a constructor or setter, or None where the
/// snippet cannot spell it (object and file params: said in a comment instead).
fn value(kind: Kind, list: bool, decimal: bool, text: &str) -> Option<String> {
    let items = || text.split(',').map(str::trim).filter(|s| !s.is_empty());
    Some(match (kind, list) {
        (Kind::Object | Kind::File, _) => return None,
        (Kind::String, false) => lit(text),
        (Kind::String, true) => format!("[{}]", items().map(lit).collect::<Vec<_>>().join(", ")),
        (Kind::Number, false) if !decimal && text.trim().parse::<i64>().is_ok() => {
            text.trim().to_string()
        }
        (Kind::Number, true) if !decimal && items().all(|i| i.parse::<i64>().is_ok()) => {
            format!("[{}]", items().collect::<Vec<_>>().join(", "))
        }
        (Kind::Boolean, false) if matches!(text.trim(), "true" | "false") => {
            text.trim().to_string()
        }
        // Dates, prices, decimals, JSON text: the runtime's types read their text form.
        (_, false) => format!("{}.parse()?", lit(text.trim())),
        (_, true) => format!(
            "[{}].into_iter().map(str::parse).collect::<Result<Vec<_>, _>>()?",
            items().map(lit).collect::<Vec<_>>().join(", ")
        ),
    })
}

/// The Rust program making this call with the typed bindings: a category package's, or,
/// for an API of the user's catalogue file, the user's own (made by topgen in build.rs).
pub(super) fn rust(schema: &ApiSchema, params: &[(String, String)], with_session: bool) -> String {
    let own = crate::catalogue::extra_source(&schema.method).is_some();
    rust_with(schema, params, with_session, own)
}

fn rust_with(
    schema: &ApiSchema,
    params: &[(String, String)],
    with_session: bool,
    own: bool,
) -> String {
    let pkg = if schema.category_pkg.is_empty() {
        "util"
    } else {
        schema.category_pkg.as_str()
    };
    let (krate, package) = naming::category_crate(pkg);
    let module = naming::module_ident(&schema.method);
    let idents = naming::field_idents(schema.request.iter().map(|f| f.name.as_str()));
    let setters = naming::setter_names(&idents);
    let given = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let mut ctor = Vec::new();
    let mut chain = Vec::new();
    let mut left_out = Vec::new();
    for (i, f) in schema.request.iter().enumerate() {
        let Some(text) = given(&f.name) else {
            if f.required {
                left_out.push(format!("{} (required, not given)", f.name));
                ctor.push("todo!()".to_string());
            }
            continue;
        };
        match value(f.kind, f.list, f.decimal, text) {
            Some(v) if f.required => ctor.push(v),
            Some(v) => chain.push(format!("\n        .{}({v})", setters[i])),
            None => {
                left_out.push(format!(
                    "{} ({} param: build it from the docs)",
                    f.name,
                    f.kind.as_str()
                ));
                if f.required {
                    ctor.push("todo!()".to_string());
                }
            }
        }
    }
    let mut out = String::new();
    let deps = if package == "topsdk" || own {
        "topsdk = \"0.1\"".to_string()
    } else {
        format!("topsdk = \"0.1\", {package} = \"0.1\"")
    };
    out.push_str(&format!(
        "// Cargo.toml: {deps}, tokio = {{ version = \"1\", features = [\"full\"] }}\n"
    ));
    if own {
        // Not in any published package: the user's build.rs generates it.
        out.push_str(
            "// [build-dependencies] topgen = \"0.1\"; build.rs, with your SDK download in sdk/:\n\
             //     topgen::Builder::new().import_sdk(\"sdk\").build(\"sdk_apis.rs\");\n\
             mod apis {\n    #![allow(dead_code)] // a program uses some of the APIs\n    \
             include!(concat!(env!(\"OUT_DIR\"), \"/sdk_apis.rs\"));\n}\n",
        );
        out.push_str(&format!("use apis::{module};\n\n"));
    } else {
        out.push_str(&format!("use {krate}::{module};\n\n"));
    }
    out.push_str("#[tokio::main]\nasync fn main() -> Result<(), Box<dyn std::error::Error>> {\n");
    out.push_str(&format!(
        "    // TOP_APP_KEY and TOP_APP_SECRET{} from the environment.\n",
        if with_session { ", TOP_SESSION" } else { "" }
    ));
    out.push_str("    let client = topsdk::Client::from_env()?;\n");
    for l in &left_out {
        out.push_str(&format!("    // Not included: {l}.\n"));
    }
    out.push_str(&format!(
        "    let request = {module}::Request::new({}){};\n",
        ctor.join(", "),
        chain.concat()
    ));
    out.push_str("    let response = client.execute(&request).await?;\n");
    out.push_str("    println!(\"{response:#?}\");\n    Ok(())\n}\n");
    out
}

/// A shell word in single quotes.
fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The curl line of a prepared request; the session (in the URL's query) as `$TOP_SESSION`.
pub(super) fn curl(
    prepared: &topsdk::PreparedRequest,
    session: Option<&str>,
) -> Result<String, String> {
    let url = prepared.url();
    let body = match prepared.body() {
        topsdk::Body::Form(b) => String::from_utf8_lossy(b).into_owned(),
        _ => return Err("copy as curl covers form calls (no files, not batch or QIMEN)".into()),
    };
    // Double quotes for the URL so the shell puts the session in; nothing else in an encoded
    // URL is special there but `$`, `` ` ``, `"` and `\`, which encoding leaves out.
    let url = match session {
        Some(s) => {
            let encoded: String = form_urlencoded::byte_serialize(s.as_bytes()).collect();
            let needle = format!("session={encoded}");
            if !url.contains(&needle) {
                return Err("the session is not in the signed URL".into());
            }
            url.replace(&needle, "session=${TOP_SESSION}")
        }
        None => url.to_string(),
    };
    if url.contains(['`', '"', '\\']) || url.replace("${TOP_SESSION}", "").contains('$') {
        return Err("the URL holds characters a shell would read".into());
    }
    Ok(format!(
        "# Signed now: TOP refuses it once its timestamp is too old (minutes); copy again then.\n\
         curl -sS -X POST \"{url}\" \\\n  -H 'Content-Type: application/x-www-form-urlencoded;charset=utf-8' \\\n  --data-raw {}\n",
        quoted(&body)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_spelled_as_their_types_take_them() {
        assert_eq!(
            value(Kind::String, false, false, "a\"b").unwrap(),
            r#""a\"b""#
        );
        assert_eq!(value(Kind::Number, false, false, " 42 ").unwrap(), "42");
        assert_eq!(
            value(Kind::Number, false, true, "1.5").unwrap(),
            "\"1.5\".parse()?"
        );
        assert_eq!(value(Kind::Boolean, false, false, "true").unwrap(), "true");
        assert_eq!(
            value(Kind::String, true, false, "a, b").unwrap(),
            "[\"a\", \"b\"]"
        );
        assert_eq!(value(Kind::Number, true, false, "1,2").unwrap(), "[1, 2]");
        assert!(value(Kind::Object, false, false, "{}").is_none());
        assert_eq!(quoted("it's"), r"'it'\''s'");
    }

    #[test]
    fn an_api_of_the_users_catalogue_uses_the_users_own_bindings() {
        let schema: ApiSchema = serde_json::from_str(
            r#"{"method":"taobao.tbk.order.details.get","category_pkg":"tbk","response_key":"tbk_order_details_get_response","request":[{"name":"page_size","ty":"Number","kind":"Number"}]}"#,
        )
        .unwrap();
        let given = [("page_size".to_string(), "20".to_string())];
        let own = rust_with(&schema, &given, false, true);
        assert!(
            own.contains("// Cargo.toml: topsdk = \"0.1\", tokio"),
            "{own}"
        );
        assert!(
            own.contains("import_sdk(\"sdk\")") && own.contains("mod apis {"),
            "{own}"
        );
        assert!(
            own.contains("use apis::taobao_tbk_order_details_get;"),
            "{own}"
        );
        assert!(
            !own.contains("topsdk-tbk") && !own.contains("topsdk_tbk"),
            "{own}"
        );
        let packaged = rust_with(&schema, &given, false, false);
        assert!(
            packaged.contains("use topsdk_tbk::taobao_tbk_order_details_get;"),
            "{packaged}"
        );
    }
}
