//! Calling an API known by name, with text params: [`Args`] checks them against the API's
//! schema the way typed bindings would (each value parsed as its documented type, then the
//! spec's rules), and [`Client::execute_by_schema`](crate::Client::execute_by_schema) sends
//! them. [`NamedCall`] is the one entry point of a call by name with text in and typed,
//! masked JSON out (the `topsdk` command's `call` and `batch`, the explorer): what the
//! command does for all 5,109 APIs without compiling their bindings.

use crate::params::{Param, ParamWriter};
use crate::schema::{ApiSchema, Kind, LazySchema};
use crate::{Call, Client, Error, FileUpload, TopRequest};

/// The API named `method` among `apis` (a category package's `APIS`, or several chained).
pub fn find<'a>(
    apis: impl IntoIterator<Item = &'a &'static LazySchema>,
    method: &str,
) -> Option<&'static ApiSchema> {
    apis.into_iter()
        .find(|s| s.method() == method)
        .map(|s| s.get())
}

/// Param values for one API, by wire name, each checked by its documented type and sent as
/// checked (`" 7 "` as `7`): `Number` an integer (or a decimal where the spec says so),
/// `Boolean` `true`/`false`, `Date` `yyyy-MM-dd HH:mm:ss`, objects and `Json` as JSON, lists
/// comma-separated (object lists and `Json[]` a JSON array), a file param a readable path (a
/// leading `@` allowed, as curl writes it).
#[derive(Clone)]
pub struct Args {
    schema: &'static ApiSchema,
    /// Text params in the schema's order: name, text as sent, a list's item count.
    texts: Vec<(&'static str, String, Option<usize>)>,
    files: Vec<(&'static str, FileUpload)>,
}

impl std::fmt::Debug for Args {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Values may be secrets: names only.
        f.debug_list()
            .entries(self.texts.iter().map(|(k, _, _)| k))
            .entries(self.files.iter().map(|(k, _)| k))
            .finish()
    }
}

impl Args {
    /// Checks each value: a name the API does not have, a name given twice, or a value not of
    /// its type is refused (code 41) before any I/O. The spec's rules (required params,
    /// limits) are [`Args::check`]'s.
    pub fn new(
        schema: &'static ApiSchema,
        pairs: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Args, Error> {
        let mut given: Vec<(String, String)> = Vec::new();
        for (k, v) in pairs {
            if schema.param(&k).is_none() {
                let known: Vec<&str> = schema.request.iter().map(|f| f.name.as_str()).collect();
                return Err(invalid(
                    &k,
                    format!(
                        "is not a param of {} (params: {})",
                        schema.method,
                        known.join(", ")
                    ),
                ));
            }
            if given.iter().any(|(g, _)| *g == k) {
                return Err(invalid(
                    &k,
                    "is given twice (a list is one comma-separated value)".into(),
                ));
            }
            given.push((k, v));
        }
        let mut args = Args {
            schema,
            texts: Vec::new(),
            files: Vec::new(),
        };
        for f in &schema.request {
            let Some((_, v)) = given.iter().find(|(k, _)| *k == f.name) else {
                continue;
            };
            if f.kind == Kind::File {
                let path = v.strip_prefix('@').unwrap_or(v);
                let file = FileUpload::from_path(path).map_err(|e| {
                    invalid(&f.name, format!("expected a readable file path ({e})"))
                })?;
                args.files.push((f.name.as_str(), file));
                continue;
            }
            let checked = crate::rules::parse_as_documented(f, v)?;
            args.texts
                .push((f.name.as_str(), checked.text, checked.count));
        }
        Ok(args)
    }

    /// Adds a file param's content (a tool that has the bytes, not a path: the explorer's
    /// page); a name that is not a file param of the API, or one already given, is refused.
    pub fn with_file(mut self, name: &str, file: FileUpload) -> Result<Args, Error> {
        let Some(f) = self.schema.param(name) else {
            return Err(invalid(
                name,
                format!("is not a param of {}", self.schema.method),
            ));
        };
        if f.kind != Kind::File {
            return Err(invalid(name, "is not a file param".into()));
        }
        if self.files.iter().any(|(k, _)| *k == f.name) {
            return Err(invalid(name, "is given twice".into()));
        }
        self.files.push((f.name.as_str(), file));
        Ok(self)
    }

    /// The API these values are for.
    pub fn schema(&self) -> &'static ApiSchema {
        self.schema
    }

    /// The spec's rules, before any I/O: required params present (code 40), lengths, list
    /// sizes and ranges (41).
    pub fn check(&self) -> Result<(), Error> {
        crate::rules::check(self.schema, &self.writer()).map_err(Error::from)
    }

    /// The text params as a call sends them, in the schema's order (file params are not
    /// text: see [`Args::has_files`]).
    pub fn params(&self) -> impl Iterator<Item = (&str, &str)> {
        self.texts.iter().map(|(k, v, _)| (*k, v.as_str()))
    }

    /// Whether a file param was given.
    pub fn has_files(&self) -> bool {
        !self.files.is_empty()
    }

    /// The values as a call sends them.
    pub(crate) fn writer(&self) -> ParamWriter<'_> {
        let mut w = ParamWriter::new();
        for (k, v, count) in &self.texts {
            w.put_checked(k, v, *count);
        }
        for (k, f) in &self.files {
            w.put_file(k, f);
        }
        w
    }

    fn text(&self, name: &str) -> Option<&str> {
        self.texts
            .iter()
            .find(|(k, _, _)| *k == name)
            .map(|(_, v, _)| v.as_str())
    }

    /// A param's value as `T`, if given (generated `FromArgs`).
    pub fn optional<T: Param>(&self, name: &str) -> Result<Option<T>, Error> {
        match self.text(name) {
            None => Ok(None),
            Some(v) => T::parse(v).map(Some).map_err(|e| {
                let ty = self.schema.param(name).map_or("a value", |f| f.ty.as_str());
                invalid(name, format!("expected {ty}: {e}"))
            }),
        }
    }

    /// A required param's value as `T` (generated `FromArgs`).
    pub fn required<T: Param>(&self, name: &str) -> Result<T, Error> {
        self.optional(name)?.ok_or_else(|| missing(name))
    }

    /// A file param, if given.
    pub fn optional_file(&self, name: &str) -> Result<Option<FileUpload>, Error> {
        Ok(self
            .files
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, f)| f.clone()))
    }

    /// A required file param.
    pub fn required_file(&self, name: &str) -> Result<FileUpload, Error> {
        self.optional_file(name)?.ok_or_else(|| missing(name))
    }
}

impl Client {
    /// Calls an API known by its schema alone (no compiled bindings), with text params checked
    /// by [`Args`]: routed, retried and decoded as a typed call of it would be, the answer in
    /// the typed form ([`crate::shape::normalize`]: lists as arrays, values of their types,
    /// located errors for values that are not). Sensitive fields come in clear: mask with
    /// [`crate::shape::mask`] before showing them.
    pub async fn execute_by_schema(&self, args: &Args) -> Result<serde_json::Value, Error> {
        let schema = args.schema();
        let w = args.writer();
        crate::rules::check(schema, &w)?;
        let value = self.call_schema(schema, &w).await?;
        Ok(crate::shape::normalize(value, &schema.response)?)
    }
}

/// One call by method name with text params, as a person makes it (the `topsdk` command's
/// `call` and `batch`, the explorer): an API whose schema is known is checked by it before any
/// I/O, sent as checked, its answer typed and sensitive fields masked unless revealed; another
/// (newer than the catalogue at hand) is sent as given and shown as answered.
#[derive(Clone, Debug)]
pub struct NamedCall {
    method: String,
    target: Target,
}

#[derive(Clone)]
enum Target {
    Known(Args),
    Unknown(Vec<(String, String)>),
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Known(args) => f.debug_tuple("Known").field(args).finish(),
            // Values may be secrets: names only.
            Target::Unknown(p) => f
                .debug_tuple("Unknown")
                .field(&p.iter().map(|(k, _)| k).collect::<Vec<_>>())
                .finish(),
        }
    }
}

impl NamedCall {
    /// `method` with `params`; `schema` its schema where known (find it with [`find`]). A
    /// name that is not a method name (code 41), a param the API lacks, a value not of its
    /// type or breaking its rules (codes 40/41) are refused here.
    pub fn new(
        schema: Option<&'static ApiSchema>,
        method: &str,
        params: Vec<(String, String)>,
    ) -> Result<NamedCall, Error> {
        if !crate::schema::is_method_name(method) {
            return Err(invalid(
                "method",
                format!(
                    "`{}` is not a method name (dot-separated parts of ASCII letters, digits, \
                     `_`, `-`)",
                    method.escape_debug()
                ),
            ));
        }
        let target = match schema {
            Some(schema) => {
                let args = Args::new(schema, params)?;
                args.check()?;
                Target::Known(args)
            }
            None => Target::Unknown(params),
        };
        Ok(NamedCall {
            method: method.to_string(),
            target,
        })
    }

    /// [`NamedCall::new`] with file params given as their content (a known API only).
    pub fn with_files(
        schema: &'static ApiSchema,
        method: &str,
        params: Vec<(String, String)>,
        files: Vec<(String, FileUpload)>,
    ) -> Result<NamedCall, Error> {
        let mut call = NamedCall::new(None, method, Vec::new())?;
        let mut args = Args::new(schema, params)?;
        for (name, file) in files {
            args = args.with_file(&name, file)?;
        }
        args.check()?;
        call.target = Target::Known(args);
        Ok(call)
    }

    pub fn method(&self) -> &str {
        &self.method
    }

    /// The API's schema, when it is known.
    pub fn schema(&self) -> Option<&'static ApiSchema> {
        match &self.target {
            Target::Known(args) => Some(args.schema()),
            Target::Unknown(_) => None,
        }
    }

    /// The params as they go on the wire (a known API's as checked: `" 7 "` as `7`).
    pub fn params(&self) -> Vec<(&str, &str)> {
        match &self.target {
            Target::Known(args) => args.params().collect(),
            Target::Unknown(p) => p.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect(),
        }
    }

    /// Sends it with `client` (routed, retried, decoded as a typed call would be) and returns
    /// the answer as [`NamedCall::finish`] shapes it.
    pub async fn send(&self, client: &Client, reveal: bool) -> Result<serde_json::Value, Error> {
        match &self.target {
            Target::Known(args) => {
                let mut v = client.execute_by_schema(args).await?;
                if !reveal {
                    crate::shape::mask(&mut v, &args.schema().response);
                }
                Ok(v)
            }
            Target::Unknown(p) => client.execute_raw(&self.method, p.iter().cloned()).await,
        }
    }

    /// Signs and encodes it with `client` now without sending it: what one attempt sends
    /// (each attempt of [`NamedCall::send`] signs again, with its own timestamp).
    pub fn prepare(&self, client: &Client) -> Result<crate::PreparedRequest, Error> {
        match &self.target {
            Target::Known(args) => client.prepare_schema(args.schema(), &args.writer()),
            Target::Unknown(p) => {
                let mut w = crate::params::ParamWriter::new();
                for (k, v) in p {
                    w.put_text(k.clone(), v.clone());
                }
                Ok(client.prepare_raw(&self.method, &w))
            }
        }
    }

    /// Adds it to `batch` (with `session`, else the batch's); its index there.
    pub fn add_to(&self, batch: &mut crate::batch::Batch<'_>, session: Option<&str>) -> usize {
        let params = self.params().into_iter();
        batch.add_raw(
            &self.method,
            params.map(|(k, v)| (k.to_string(), v.to_string())),
            session,
        )
    }

    /// An answer to it as shown: a known API's in its typed form (a value not of its type is
    /// an error), sensitive fields masked unless `reveal`; another's as it came.
    pub fn finish(
        &self,
        answer: serde_json::Value,
        reveal: bool,
    ) -> Result<serde_json::Value, Error> {
        let Some(schema) = self.schema() else {
            return Ok(answer);
        };
        let mut v = crate::shape::normalize(answer, &schema.response)?;
        if !reveal {
            crate::shape::mask(&mut v, &schema.response);
        }
        Ok(v)
    }
}

fn invalid(param: &str, message: String) -> Error {
    Error::invalid_param(param, message)
}

fn missing(param: &str) -> Error {
    Error::missing_param(param, "is required")
}

/// A typed call by method name, text params in and the response as JSON out (the table
/// [`Builder::calls_by_name`](https://docs.rs/topgen) emits; part of the codegen interface).
#[doc(hidden)]
pub type CallFn = for<'a> fn(&'a Client, Args) -> Call<'a, serde_json::Value>;

/// Builds a typed request from text params (generated with `calls_by_name`).
#[doc(hidden)]
pub trait FromArgs: Sized {
    fn from_args(args: &Args) -> Result<Self, Error>;
}

/// The typed call of a [`CallFn`] table entry: the response serialized in clear (absent
/// fields left out); the caller masks.
#[doc(hidden)]
pub fn call<R: TopRequest + FromArgs + 'static>(
    client: &Client,
    args: Args,
) -> Call<'_, serde_json::Value> {
    Box::pin(async move {
        let req = R::from_args(&args)?;
        let resp = client.execute(&req).await?;
        serde_json::to_value(crate::Reveal(&resp)).map_err(|e| Error::Decode {
            path: String::new(),
            message: e.to_string(),
            excerpt: String::new(),
        })
    })
}
