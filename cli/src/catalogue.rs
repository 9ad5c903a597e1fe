//! The APIs this command knows: those compiled into it (typed calls: the seed's `kongur` and
//! TMC's own; `--features tbtrade` adds a category), then every other API of the catalogue as
//! data. `catalogue.jsonl` holds
//! each API's schema (params, types, rules, sensitive fields, response tree, list item names),
//! one JSON line per API, written from spec/ by `topgen catalogue spec cli/catalogue.jsonl`
//! (CI checks it is in step). Data costs the build next to nothing where the typed bindings
//! of 5,000 APIs would cost many minutes; calls by schema are checked, flattened and masked
//! the same way (`by_name::call_untyped`).

use std::collections::HashSet;
use std::sync::OnceLock;
use topsdk::by_name::Entry;
use topsdk::schema::LazySchema;

/// Every catalogue API's schema, one JSON line each, sorted by method.
pub(crate) static CATALOGUE: &str = include_str!("../catalogue.jsonl");

/// The compiled APIs first (typed), then the catalogue's others (by schema: `call` is `None`).
pub(crate) fn apis() -> impl Iterator<Item = &'static Entry> {
    static ALL: OnceLock<Vec<&'static Entry>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut all: Vec<&'static Entry> = compiled().collect();
        let typed: HashSet<&str> = all.iter().map(|e| e.schema.method()).collect();
        // Leaked once per process: the entries live as long as the command, like the tables
        // of compiled bindings.
        let schemas: &'static [LazySchema] =
            Vec::leak(CATALOGUE.lines().map(LazySchema::new).collect());
        let data: &'static [Entry] = Vec::leak(
            schemas
                .iter()
                .filter(|s| !typed.contains(s.method()))
                .map(|schema| Entry { schema, call: None })
                .collect(),
        );
        all.extend(data);
        all
    })
    .iter()
    .copied()
}

/// The APIs compiled into this command: their typed calls.
fn compiled() -> impl Iterator<Item = &'static Entry> {
    #[allow(unused_mut)]
    let mut tables: Vec<&'static [Entry]> = vec![topsdk_kongur::APIS, topsdk_tmc::APIS];
    #[cfg(feature = "fenxiao")]
    tables.push(topsdk_fenxiao::APIS);
    #[cfg(feature = "legalcase")]
    tables.push(topsdk_legalcase::APIS);
    #[cfg(feature = "tbtrade")]
    tables.push(topsdk_tbtrade::APIS);
    tables.into_iter().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use topsdk::by_name::{self, Args};
    use topsdk::schema::{Field, Kind};

    /// A value of the field's documented type within its documented rules; `file` is a path
    /// for file params.
    fn value_for(f: &Field, file: &str) -> String {
        let one = match f.kind {
            Kind::Number | Kind::Price => {
                let c = &f.constraints;
                let n = c.min_value.unwrap_or(1).max(1);
                c.max_value.map_or(n, |max| n.min(max)).to_string()
            }
            Kind::Boolean => "true".into(),
            Kind::Date => "2026-01-01 00:00:00".into(),
            Kind::Json => "{}".into(),
            Kind::Object => json_for(&f.fields).to_string(),
            Kind::File => return file.into(),
            Kind::String => "x".into(),
        };
        if f.list && matches!(f.kind, Kind::Object | Kind::Json) {
            format!("[{one}]")
        } else {
            one
        }
    }

    /// An object with its required fields, for object params (JSON, or QIMEN's XML body).
    fn json_for(fields: &[Field]) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        for f in fields.iter().filter(|f| f.required) {
            let v = match f.kind {
                Kind::Object => json_for(&f.fields),
                Kind::Number | Kind::Price => 1.into(),
                Kind::Boolean => true.into(),
                Kind::Date => "2026-01-01 00:00:00".into(),
                _ => "x".into(),
            };
            m.insert(f.name.clone(), if f.list { vec![v].into() } else { v });
        }
        m.into()
    }

    /// Every API the command knows, called with its required params through the built-in
    /// mock: the compiled ones typed, the rest by schema (checked, routed by gateway,
    /// flattened); none refused, none failing to decode.
    #[tokio::test(flavor = "multi_thread")]
    async fn every_catalogue_api_answers_through_the_built_in_mock() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("upload.txt");
        std::fs::write(&file, b"x").unwrap();
        let file = file.to_string_lossy().into_owned();
        let mock = topsdk::mock::MockGateway::start(apis(), "k", "s")
            .await
            .unwrap();
        let client = topsdk::ClientBuilder::new("k", "s")
            .gateway_url(mock.url())
            .build()
            .unwrap()
            .with_customer_id("C1");
        let (mut ok, mut failures) = (0, Vec::new());
        for e in apis() {
            let s = e.schema();
            // A QIMEN API's `request` object is the body itself, sent whether or not the docs
            // mark it required.
            let qimen = s.gateway == topsdk::schema::Gateway::Qimen;
            let pairs = s
                .request
                .iter()
                .filter(|f| f.required || (qimen && f.name == "request"))
                .map(|f| (f.name.clone(), value_for(f, &file)));
            let args = Args::new(s, pairs).unwrap();
            let result = match e.call {
                Some(call) => call(&client, args).await,
                None => by_name::call_untyped(&client, &args).await,
            };
            match result {
                Ok(mut v) => {
                    by_name::mask_sensitive(&mut v, &s.response);
                    ok += 1;
                }
                // The mock's token service refuses a refresh token it never issued, as TOP
                // does: an answer, not a failure of the call.
                Err(topsdk::Error::Api(a))
                    if a.sub_code.as_deref() == Some("isv.refresh-token-invalid") =>
                {
                    ok += 1;
                }
                Err(err) => failures.push(format!("{}: {err}", s.method)),
            }
        }
        assert!(
            failures.is_empty(),
            "{} of {} failed:\n{}",
            failures.len(),
            ok + failures.len(),
            failures[..failures.len().min(30)].join("\n")
        );
        assert!(ok > 5000, "{ok}");
    }

    /// Every line parses as this runtime's schema (unknown fields are refused), and each
    /// method is listed once, compiled or not.
    #[test]
    fn every_catalogue_line_is_a_schema_and_every_method_is_known_once() {
        let mut lines = 0;
        for line in CATALOGUE.lines() {
            let schema: &'static LazySchema = Box::leak(Box::new(LazySchema::new(line)));
            assert_eq!(schema.method(), schema.get().method, "{line:.80}");
            lines += 1;
        }
        assert!(lines > 5000, "the catalogue has {lines} APIs");
        let methods: Vec<&str> = apis().map(|e| e.schema.method()).collect();
        let unique: HashSet<&str> = methods.iter().copied().collect();
        assert_eq!(unique.len(), methods.len());
        assert_eq!(methods.len(), lines);
        let typed = apis()
            .find(|e| e.schema.method() == "alibaba.kongur.token.getosstoken")
            .expect("the seed API");
        assert!(typed.call.is_some(), "compiled APIs keep their typed call");
    }
}
