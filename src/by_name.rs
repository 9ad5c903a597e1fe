//! Calling an API by name with text params (the CLI), through the generated typed bindings.

pub use crate::mask::mask_sensitive;
use crate::params::Param;
use crate::schema::{ApiSchema, Field, Gateway, Kind, LazySchema};
use crate::{Client, DateTime, Decimal, Error, FileUpload, Json, TopRequest};
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A typed call by method name: params as text in, the response as JSON out.
pub type CallFn = for<'a> fn(&'a Client, Args) -> BoxFuture<'a, Result<serde_json::Value, Error>>;

/// One generated API in a category package's dispatch table (`topsdk_tbtrade::APIS`).
pub struct Entry {
    pub schema: &'static LazySchema,
    /// The typed call, when topsdk's `dispatch` feature is on (otherwise `None`: calls by
    /// name are then checked against the schema and sent untyped).
    pub call: Option<CallFn>,
}

impl Entry {
    pub fn schema(&self) -> &'static ApiSchema {
        self.schema.get()
    }
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("method", &self.schema.method())
            .finish()
    }
}

/// Finds an API by its TOP method name (in one table, or several chained).
pub fn find<'a>(apis: impl IntoIterator<Item = &'a Entry>, method: &str) -> Option<&'a Entry> {
    apis.into_iter().find(|e| e.schema.method() == method)
}

/// Param values as text, by wire name; checked against the API's params.
#[derive(Clone)]
pub struct Args {
    schema: &'static ApiSchema,
    values: BTreeMap<String, String>,
}

impl std::fmt::Debug for Args {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Values may be secrets.
        f.debug_list().entries(self.values.keys()).finish()
    }
}

impl Args {
    /// Rejects names the API does not have.
    pub fn new(
        schema: &'static ApiSchema,
        pairs: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Args, Error> {
        let mut values = BTreeMap::new();
        for (k, v) in pairs {
            if schema.param(&k).is_none() {
                let known: Vec<&str> = schema.request.iter().map(|f| f.name.as_str()).collect();
                return Err(Error::InvalidRequest {
                    code: 41,
                    param: k,
                    message: format!(
                        "is not a param of {} (params: {})",
                        schema.method,
                        known.join(", ")
                    ),
                });
            }
            values.insert(k, v);
        }
        Ok(Args { schema, values })
    }

    fn bad(&self, name: &str, why: String) -> Error {
        let ty = self.schema.param(name).map_or("a value", |f| f.ty.as_str());
        Error::InvalidRequest {
            code: 41,
            param: name.to_string(),
            message: format!("expected {ty}: {why}"),
        }
    }

    pub fn optional<T: Param>(&self, name: &str) -> Result<Option<T>, Error> {
        match self.values.get(name) {
            None => Ok(None),
            Some(v) => T::parse(v).map(Some).map_err(|e| self.bad(name, e)),
        }
    }

    pub fn required<T: Param>(&self, name: &str) -> Result<T, Error> {
        self.optional(name)?.ok_or_else(|| Error::InvalidRequest {
            code: 40,
            param: name.to_string(),
            message: "is required".into(),
        })
    }

    /// A file param: the value is a path (a leading `@` is allowed, as curl writes it).
    pub fn optional_file(&self, name: &str) -> Result<Option<FileUpload>, Error> {
        match self.values.get(name) {
            None => Ok(None),
            Some(v) => FileUpload::from_path(v.strip_prefix('@').unwrap_or(v))
                .map(Some)
                .map_err(|e| self.bad(name, format!("a readable file path ({e})"))),
        }
    }

    pub fn required_file(&self, name: &str) -> Result<FileUpload, Error> {
        self.optional_file(name)?
            .ok_or_else(|| Error::InvalidRequest {
                code: 40,
                param: name.to_string(),
                message: "is required".into(),
            })
    }
}

/// Values as the wire carries them, each checked by its documented type.
struct Untyped {
    texts: Vec<(String, String, Option<usize>)>,
    files: Vec<(&'static str, FileUpload)>,
}

impl Untyped {
    fn writer(&self) -> crate::params::ParamWriter<'_> {
        let mut w = crate::params::ParamWriter::new();
        for (k, v, count) in &self.texts {
            w.put_text_counted(k.clone(), v.clone(), *count);
        }
        for (k, f) in &self.files {
            w.put_file(k, f);
        }
        w
    }
}

impl Args {
    /// The API these values are for.
    pub fn schema(&self) -> &'static ApiSchema {
        self.schema
    }

    /// Checks the values as the typed bindings would, before any I/O: each parses as its
    /// documented type (`Number` an integer, or a decimal where the spec says so; `Boolean`
    /// `true`/`false`; `Date` `yyyy-MM-dd HH:mm:ss`; objects and `Json` as JSON; lists
    /// comma-separated, object lists a JSON array; a file param a readable path), then the
    /// spec's rules: required params (code 40), length, list size and range (41).
    pub fn check(&self) -> Result<(), Error> {
        crate::params::validate(self.schema, &self.untyped()?.writer())
    }

    /// The values parsed by their documented types (the rules are checked on the writer).
    fn untyped(&self) -> Result<Untyped, Error> {
        let schema: &'static ApiSchema = self.schema;
        let mut out = Untyped {
            texts: Vec::new(),
            files: Vec::new(),
        };
        for f in &schema.request {
            let Some(v) = self.values.get(&f.name) else {
                continue;
            };
            if f.kind == Kind::File {
                if let Some(file) = self.optional_file(&f.name)? {
                    out.files.push((f.name.as_str(), file));
                }
                continue;
            }
            let count = parse_as_documented(f, v).map_err(|e| self.bad(&f.name, e))?;
            out.texts.push((f.name.clone(), v.clone(), count));
        }
        Ok(out)
    }
}

/// Whether `text` parses as `f`'s type; a list's item count.
fn parse_as_documented(f: &Field, text: &str) -> Result<Option<usize>, String> {
    fn parse<T: Param>(list: bool, text: &str) -> Result<Option<usize>, String> {
        if list {
            T::parse_list(text).map(|items| Some(items.len()))
        } else {
            T::parse(text).map(|_| None)
        }
    }
    match f.kind {
        Kind::Number if f.decimal => parse::<Decimal>(f.list, text),
        Kind::Number => parse::<i64>(f.list, text),
        Kind::Price => parse::<Decimal>(f.list, text),
        Kind::Boolean => parse::<bool>(f.list, text),
        Kind::Date => parse::<DateTime>(f.list, text),
        Kind::Json | Kind::Object => parse::<Json>(f.list, text),
        Kind::String | Kind::File => parse::<String>(f.list, text),
    }
}

/// Calls an API known by its schema alone (no compiled bindings): the values checked as
/// [`Args::check`] does, sent to the gateway the schema names (router/rest, or QIMEN with
/// the client's `customerId`), retried as the schema's `idempotent` allows, and the answer
/// brought to the typed responses' shape ([`flatten_lists`]). Sensitive fields come in
/// clear: mask with [`mask_sensitive`] before showing them.
pub async fn call_untyped(client: &Client, args: &Args) -> Result<serde_json::Value, Error> {
    let schema = args.schema;
    let untyped = args.untyped()?;
    let w = untyped.writer();
    crate::params::validate(schema, &w)?;
    let mut value = match schema.gateway {
        Gateway::Rest => {
            client
                .execute_untyped(&schema.method, schema.idempotent, &w)
                .await?
        }
        Gateway::Qimen => crate::qimen::execute_value(client, schema, &w).await?,
    };
    flatten_lists(&mut value, &schema.response);
    Ok(value)
}

/// Builds a typed request from text params (implemented by generated code).
#[doc(hidden)]
pub trait FromArgs: Sized {
    fn from_args(args: &Args) -> Result<Self, Error>;
}

/// The typed call every entry of a `dispatch` build points at.
#[doc(hidden)]
pub fn call<R: TopRequest + FromArgs + 'static>(
    client: &Client,
    args: Args,
) -> BoxFuture<'_, Result<serde_json::Value, Error>> {
    Box::pin(async move {
        let req = R::from_args(&args)?;
        let resp = client.execute(&req).await?;
        // In clear: the caller masks by the schema (the CLI, unless --reveal-secrets).
        let mut value = serde_json::to_value(crate::Reveal(&resp)).map_err(|e| Error::Decode {
            path: String::new(),
            message: e.to_string(),
            excerpt: String::new(),
        })?;
        drop_nulls(&mut value);
        Ok(value)
    })
}

/// Brings an untyped response (`Client::execute_raw`, `BatchResponse::take_raw`) to the
/// typed responses' shape, following the schema: list wrappers dropped (`{"datas":
/// {"item": [..]}}` is `{"datas": [..]}`), a single item (as XML gives one) made a list, so
/// that [`mask_sensitive`] finds every field.
pub fn flatten_lists(value: &mut serde_json::Value, fields: &[Field]) {
    use serde_json::Value;
    let Value::Object(map) = value else { return };
    for f in fields {
        let Some(v) = map.get_mut(&f.name) else {
            continue;
        };
        if f.list {
            let items = match v.take() {
                Value::Array(a) => a,
                Value::Null => Vec::new(),
                Value::Object(m) if m.len() == 1 && f.kind != crate::schema::Kind::Json => {
                    match m.into_iter().next().map(|(_, inner)| inner) {
                        Some(Value::Array(a)) => a,
                        Some(Value::Null) | None => Vec::new(),
                        Some(one) => vec![one],
                    }
                }
                one => vec![one],
            };
            *v = Value::Array(items);
        }
        if f.kind == crate::schema::Kind::Object {
            match v {
                Value::Array(items) => items.iter_mut().for_each(|i| flatten_lists(i, &f.fields)),
                other => flatten_lists(other, &f.fields),
            }
        }
    }
}

/// Removes absent (null) fields, recursively: what was not sent is not shown.
pub fn drop_nulls(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(drop_nulls);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

/// A human description of a param's type and rules (CLI `describe`, error messages).
pub fn describe_field(f: &Field) -> String {
    let mut s = f.ty.clone();
    let c = &f.constraints;
    let mut rules = Vec::new();
    if let Some(n) = c.max_length {
        rules.push(format!("max length {n}"));
    }
    if let Some(n) = c.max_list_size {
        rules.push(format!("max {n} items"));
    }
    if let Some(n) = c.min_value {
        rules.push(format!("min {n}"));
    }
    if let Some(n) = c.max_value {
        rules.push(format!("max {n}"));
    }
    if let Some(d) = &c.default {
        rules.push(format!("default {d}"));
    }
    if !rules.is_empty() {
        s.push_str(" (");
        s.push_str(&rules.join(", "));
        s.push(')');
    }
    s
}
