//! What this command knows, as data: `catalogue.jsonl` holds every API's schema (params,
//! types, rules, sensitive fields, response tree, list item names), one JSON line per API,
//! then every TMC topic's content fields, one line per topic; written from spec/ by `topgen
//! catalogue spec cli/catalogue.jsonl` (CI checks it is in step). Every call and message goes
//! through the schema path (`Client::execute_by_schema`, `topsdk::shape`): checked, typed,
//! flattened and masked as typed bindings would, for 5,109 APIs at next to no compile cost.

use std::sync::OnceLock;
use topsdk::schema::{LazySchema, TopicSchema};

/// The catalogue: API schemas (sorted by method), then topic schemas (sorted by topic).
pub(crate) static CATALOGUE: &str = include_str!("../catalogue.jsonl");

/// APIs from catalogue files the user named (`--catalogue`, `TOPSDK_CATALOGUE`), set once
/// at start by [`load_extra`].
static EXTRA: OnceLock<Vec<&'static LazySchema>> = OnceLock::new();

/// The file each API of the user's catalogues came from, by method.
static EXTRA_FILES: OnceLock<std::collections::HashMap<String, String>> = OnceLock::new();

/// The catalogue file `method` came from, when it is not a built-in API.
pub(crate) fn extra_source(method: &str) -> Option<&'static str> {
    EXTRA_FILES.get()?.get(method).map(String::as_str)
}

/// The largest catalogue file read (the built-in one, of 5,109 APIs, is ~20 MB).
const MAX_EXTRA_BYTES: u64 = 256 * 1024 * 1024;

/// Reads the catalogue files `paths` names, and those of `TOPSDK_CATALOGUE` (separated by
/// `:`): every API line is checked as a schema now, so a bad file is one located error at
/// start, never a failure in the middle of a command.
pub(crate) fn load_extra(paths: &[std::path::PathBuf]) -> Result<usize, String> {
    let mut files: Vec<std::path::PathBuf> = paths.to_vec();
    if let Ok(v) = std::env::var("TOPSDK_CATALOGUE") {
        files.extend(
            v.split(':')
                .filter(|p| !p.is_empty())
                .map(std::path::PathBuf::from),
        );
    }
    let mut extra: Vec<&'static LazySchema> = Vec::new();
    let mut sources = std::collections::HashMap::new();
    for file in &files {
        let shown = file.display();
        let len = std::fs::metadata(file)
            .map_err(|e| format!("catalogue {shown}: {e}"))?
            .len();
        if len > MAX_EXTRA_BYTES {
            return Err(format!(
                "catalogue {shown}: {len} bytes, more than the limit of {MAX_EXTRA_BYTES}"
            ));
        }
        let text = std::fs::read_to_string(file).map_err(|e| format!("catalogue {shown}: {e}"))?;
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with("{\"topic\":") {
                continue;
            }
            if let Err(e) = serde_json::from_str::<topsdk::schema::ApiSchema>(line) {
                return Err(format!(
                    "{shown}:{}: not an API line as `topgen catalogue` writes them: {e}",
                    n + 1
                ));
            }
            // Leaked like the built-in lines: they live as long as the command.
            let line: &'static str = Box::leak(line.to_string().into_boxed_str());
            let schema: &'static LazySchema = Box::leak(Box::new(LazySchema::new(line)));
            sources
                .entry(schema.method().to_string())
                .or_insert_with(|| file.display().to_string());
            extra.push(schema);
        }
    }
    let n = extra.len();
    let _ = EXTRA.set(extra);
    let _ = EXTRA_FILES.set(sources);
    Ok(n)
}

/// Every API of the catalogue, in method order: the built-in ones, and those of the user's
/// catalogue files, which replace built-in ones of the same method.
pub(crate) fn apis() -> &'static [&'static LazySchema] {
    static ALL: OnceLock<Vec<&'static LazySchema>> = OnceLock::new();
    ALL.get_or_init(|| {
        let extra = EXTRA.get().map(Vec::as_slice).unwrap_or_default();
        let replaced: std::collections::HashSet<&str> = extra.iter().map(|s| s.method()).collect();
        // Leaked once per process: the entries live as long as the command, like the tables
        // of compiled bindings.
        let mut all: Vec<&'static LazySchema> = CATALOGUE
            .lines()
            .filter(|l| l.starts_with("{\"method\":"))
            .map(|l| &*Box::leak(Box::new(LazySchema::new(l))))
            .filter(|s| !replaced.contains(s.method()))
            .collect();
        let mut seen = std::collections::HashSet::new();
        // The first file naming a method wins over later ones.
        all.extend(extra.iter().copied().filter(|s| seen.insert(s.method())));
        all.sort_by(|a, b| a.method().cmp(b.method()));
        all
    })
}

/// The content fields of `topic`, when the catalogue documents any.
pub(crate) fn topic(topic: &str) -> Option<&'static TopicSchema> {
    /// A topic's line, and its schema once parsed.
    type Entry = (&'static str, OnceLock<Option<TopicSchema>>);
    static ALL: OnceLock<Vec<Entry>> = OnceLock::new();
    let all = ALL.get_or_init(|| {
        CATALOGUE
            .lines()
            .filter(|l| l.starts_with("{\"topic\":"))
            .map(|l| (l, OnceLock::new()))
            .collect()
    });
    let at = all
        .binary_search_by(|(line, _)| topic_name(line).cmp(topic))
        .ok()?;
    let (line, cell) = &all[at];
    cell.get_or_init(|| serde_json::from_str(line).ok())
        .as_ref()
        .filter(|t| !t.fields.is_empty())
}

/// The topic a catalogue line names (it starts `{"topic":"<name>"`).
fn topic_name(line: &str) -> &str {
    line.strip_prefix("{\"topic\":\"")
        .and_then(|rest| rest.split_once('"'))
        .map_or("", |(name, _)| name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use topsdk::by_name::Args;
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

    /// Every API the command knows, called by its schema with its required params through the
    /// built-in mock (checked, routed by gateway, typed, flattened): none refused, none failing
    /// to decode.
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
            let s = e.get();
            // A QIMEN API's `request` object is the body itself, sent whether or not the docs
            // mark it required.
            let qimen = s.gateway == topsdk::schema::Gateway::Qimen;
            let pairs = s
                .request
                .iter()
                .filter(|f| f.required || (qimen && f.name == "request"))
                .map(|f| (f.name.clone(), value_for(f, &file)));
            let args = Args::new(s, pairs).unwrap();
            match client.execute_by_schema(&args).await {
                Ok(mut v) => {
                    topsdk::shape::mask(&mut v, &s.response);
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

    /// Every API line parses as this runtime's schema (unknown fields are refused), each
    /// method once; every topic line as a topic schema, each topic once, in order.
    #[test]
    fn every_catalogue_line_is_a_schema_and_every_name_is_known_once() {
        let mut lines = 0;
        for line in CATALOGUE.lines().filter(|l| l.starts_with("{\"method\":")) {
            let schema: &'static LazySchema = Box::leak(Box::new(LazySchema::new(line)));
            assert_eq!(schema.method(), schema.get().method, "{line:.80}");
            lines += 1;
        }
        assert!(lines > 5000, "the catalogue has {lines} APIs");
        let methods: Vec<&str> = apis().iter().map(|e| e.method()).collect();
        let unique: HashSet<&str> = methods.iter().copied().collect();
        assert_eq!(unique.len(), methods.len());
        assert_eq!(methods.len(), lines);
        let topics: Vec<TopicSchema> = CATALOGUE
            .lines()
            .filter(|l| l.starts_with("{\"topic\":"))
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l:.80}")))
            .collect();
        assert!(topics.len() > 1000, "{} topics", topics.len());
        assert!(
            topics.windows(2).all(|w| w[0].topic < w[1].topic),
            "sorted, once each"
        );
        assert_eq!(
            CATALOGUE.lines().count(),
            lines + topics.len(),
            "every line is an API or a topic"
        );
        let trade = topic("taobao_trade_TradeCreate").expect("a documented topic");
        assert!(trade.fields.iter().any(|f| f.name == "tid"));
        assert!(topic("example_custom_Event").is_none());
    }
}
