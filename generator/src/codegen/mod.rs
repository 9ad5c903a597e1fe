//! Validated specs -> `quote!` tokens -> `syn::File` -> prettyplease text.
//!
//! Emitted code is thin: structs, derives, a `Param` write per request param and a static
//! schema. Signing, encoding, validation, retries and decoding live in the runtime crate.

mod request;
mod schema;
pub mod topics;
mod tree;
mod types;

use crate::loader::LoadedSpec;
use crate::naming;
use proc_macro2::TokenStream;
use quote::quote;
use tree::Tree;

/// The interface version between generated code and the runtime; bump on breaking changes of
/// what generated code calls, together with `topsdk::__private::ABI`.
pub const ABI: u32 = 9;

/// Code generation options.
#[derive(Clone, Debug)]
pub struct Options {
    /// Path of the runtime crate in emitted code (default `::topsdk`); must parse as a path.
    pub runtime: String,
    /// Extra derives for every emitted struct (paths, e.g. `::schemars::JsonSchema`).
    pub extra_derives: Vec<String>,
    /// Also emit a typed call by method name for each API (`FromArgs` impls and a `CALLS`
    /// table of `topsdk::by_name::CallFn`): for tests that call every API of a package by name
    /// through its typed bindings. Off by default: it compiles every API's whole call path.
    pub calls_by_name: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            runtime: "::topsdk".into(),
            extra_derives: Vec::new(),
            calls_by_name: false,
        }
    }
}

/// [`Options`] as tokens. Tokens cannot cross threads, so each worker makes its own.
pub(crate) struct EmitTokens {
    pub runtime: TokenStream,
    pub extra_derives: Vec<syn::Path>,
    pub calls_by_name: bool,
}

impl EmitTokens {
    fn new(opts: &Options) -> EmitTokens {
        // Builder validates both; an unparsable value falls back rather than panicking.
        let runtime = syn::parse_str::<syn::Path>(&opts.runtime)
            .map(|p| quote!(#p))
            .unwrap_or_else(|_| quote!(::topsdk));
        let extra_derives = opts
            .extra_derives
            .iter()
            .filter_map(|d| syn::parse_str::<syn::Path>(d).ok())
            .collect();
        EmitTokens {
            runtime,
            extra_derives,
            calls_by_name: opts.calls_by_name,
        }
    }
}

pub(crate) fn ident(text: &str) -> syn::Ident {
    match text.strip_prefix("r#") {
        Some(raw) => syn::Ident::new_raw(raw, proc_macro2::Span::call_site()),
        None => syn::Ident::new(text, proc_macro2::Span::call_site()),
    }
}

/// A description from the docs as Markdown rustdoc renders without a warning.
pub(crate) fn doc_text(text: &str) -> String {
    topsdk_schema::doc::to_markdown(text)
}

/// A field's doc attributes (see [`field_doc`]).
pub(crate) fn field_doc_attrs(field: &crate::model::Field, request: bool) -> TokenStream {
    raw_doc_attrs(&field_doc(field, request))
}

/// A field's doc: its description, then what the spec says of its value (required or not,
/// limits, default, the documented example, whether it is kept secret).
fn field_doc(field: &crate::model::Field, request: bool) -> String {
    let mut facts: Vec<String> = Vec::new();
    if request {
        facts.push(
            if field.required {
                "**Required.**"
            } else {
                "Optional."
            }
            .into(),
        );
    }
    let c = &field.constraints;
    if let Some(n) = c.max_length {
        facts.push(format!("At most {n} characters."));
    }
    if let Some(n) = c.max_list_size {
        facts.push(format!("At most {n} items."));
    }
    match (c.min_value, c.max_value) {
        (Some(a), Some(b)) => facts.push(format!("From {a} to {b}.")),
        (Some(a), None) => facts.push(format!("At least {a}.")),
        (None, Some(b)) => facts.push(format!("At most {b}.")),
        (None, None) => {}
    }
    if let Some(d) = &c.default {
        facts.push(format!("Default: {}.", one_line(d)));
    }
    if field.is_sensitive() {
        facts.push("Sensitive: shown as `***` in `Debug` and serialized output.".into());
    }
    // Last: an example ends the line, whatever punctuation it has of its own.
    if let Some(e) = field.example.as_deref().filter(|e| !e.trim().is_empty()) {
        facts.push(format!("Example: {}", one_line(e)));
    }
    let mut d = doc_text(&field.description);
    if !facts.is_empty() {
        if !d.is_empty() {
            d.push_str("\n\n");
        }
        d.push_str(&facts.join(" "));
    }
    d
}

/// A value from the docs on one line, as Markdown text.
fn one_line(text: &str) -> String {
    doc_text(&text.split_whitespace().collect::<Vec<_>>().join(" ")).replace('\n', " ")
}

/// Doc attributes for text that is already rustdoc-safe (e.g. holds fenced examples).
fn raw_doc_attrs(text: &str) -> TokenStream {
    if text.trim().is_empty() {
        return quote!();
    }
    let lines = text.lines().map(|l| format!(" {l}"));
    quote!(#(#[doc = #lines])*)
}

/// The schema data the bindings of `spec` carry (`SCHEMA`), as the runtime parses it.
pub fn schema_json(spec: &crate::model::ApiSpec) -> String {
    schema::api_schema_json(spec)
}

/// Fields as the runtime's schema describes them (a topic's content, say).
pub fn schema_fields(fields: &[crate::model::Field]) -> Vec<topsdk_schema::Field> {
    schema::fields(fields, false)
}

/// One generated object type: where it lives and what the docs call it (for tests of stable
/// names).
#[cfg(feature = "test-util")]
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct TypeName {
    /// `request` or `response`: the submodule of the API's module.
    pub side: &'static str,
    pub name: String,
    pub doc_name: String,
    /// Named by the last resort, a number (the catalogue never needs it; a test checks).
    pub numbered: bool,
}

/// The object types the bindings of `spec` declare, sorted.
#[cfg(feature = "test-util")]
pub fn type_names(spec: &crate::model::ApiSpec) -> Vec<TypeName> {
    let tree = Tree::build(spec);
    let mut out = Vec::new();
    for side in [tree::Side::Request, tree::Side::Response] {
        for t in tree.types(side) {
            out.push(TypeName {
                side: side.key(),
                numbered: tree.numbered.contains(&t.ident),
                name: t.ident,
                doc_name: t.doc_name.to_string(),
            });
        }
    }
    out.sort();
    out
}

/// Generates the Rust source for all `specs` (sorted by method for a stable output). API
/// modules are generated and formatted on all cores; the output does not depend on how many.
pub fn generate(specs: &[LoadedSpec], opts: &Options) -> String {
    let mut sorted: Vec<&LoadedSpec> = specs.iter().collect();
    sorted.sort_by(|a, b| a.spec.method.cmp(&b.spec.method));
    let names = naming::module_idents(sorted.iter().map(|s| s.spec.method.as_str()));
    let jobs: Vec<(&LoadedSpec, &String)> = sorted.iter().copied().zip(&names).collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let chunk = jobs.len().div_ceil(threads).max(16);
    let modules: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = jobs
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    let emit = EmitTokens::new(opts);
                    part.iter()
                        .map(|(s, m)| format_items(api_module(s, &ident(m), &emit)))
                        .collect::<Vec<String>>()
                })
            })
            .collect();
        // A worker that panicked is a generator bug: pass the panic on rather than emit a file
        // with modules missing.
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    let emit = EmitTokens::new(opts);
    let rt = &emit.runtime;
    let abi = ABI;
    let mods: Vec<syn::Ident> = names.iter().map(|m| ident(m)).collect();
    let trait_fns = sorted.iter().zip(&mods).map(|(s, m)| {
        let doc = format!(" `{}`: {}", s.spec.method, doc_text(&s.spec.title));
        let deprecated = deprecated_attr(&s.spec);
        quote! {
            #[doc = #doc]
            #deprecated
            fn #m(&self, request: #m::Request) -> #rt::Call<'_, #m::Response>;
        }
    });
    let impl_fns = mods.iter().map(|m| {
        quote! {
            #[inline]
            fn #m(&self, request: #m::Request) -> #rt::Call<'_, #m::Response> {
                #rt::__private::execute_boxed(self, request)
            }
        }
    });
    // The trait and its impl name deprecated APIs: they allow it only then.
    let any_deprecated = sorted.iter().any(|s| s.spec.deprecated.is_some());
    let allow = if any_deprecated {
        quote!(#[allow(deprecated)])
    } else {
        quote!()
    };
    let calls = emit.calls_by_name.then(|| {
        let entries = sorted.iter().zip(&mods).map(|(s, m)| {
            let method = &s.spec.method;
            quote!((#method, #rt::__private::call::<#m::Request> as #rt::__private::CallFn))
        });
        quote! {
            /// A typed call by method name for each API (topgen's `calls_by_name`).
            #allow
            pub static CALLS: &[(&str, #rt::__private::CallFn)] = &[#(#entries),*];
        }
    });
    let head = format_items(quote! {
        const _: () = #rt::__private::check_abi(#abi);
    });
    let tail = format_items(quote! {
        /// One method per API on the runtime's `Client`: `client.<method_with_underscores>(request)`.
        #allow
        pub trait Apis {
            #(#trait_fns)*
        }
        #allow
        impl Apis for #rt::Client {
            #(#impl_fns)*
        }
        /// Every API in this file, for calls by method name and the mock gateway.
        #allow
        pub static APIS: &[&#rt::schema::LazySchema] = &[#(&#mods::SCHEMA),*];
        #calls
    });
    let mut out = format!(
        "// @generated by topgen {} from TOP API specs. Do not edit: change the spec and regenerate.\n",
        env!("CARGO_PKG_VERSION")
    );
    out.reserve(modules.iter().map(String::len).sum::<usize>() + head.len() + tail.len());
    out.push_str(&head);
    for m in &modules {
        out.push_str(m);
    }
    out.push_str(&tail);
    out
}

/// Formats items with prettyplease.
fn format_items(tokens: TokenStream) -> String {
    match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(file) => prettyplease::unparse(&file),
        // Emitting unparsable tokens is a generator bug; keep the raw text so rustc points at it.
        Err(_) => tokens.to_string(),
    }
}

fn api_module(loaded: &LoadedSpec, m: &syn::Ident, opts: &EmitTokens) -> TokenStream {
    let spec = &loaded.spec;
    let rt = &opts.runtime;
    let tree = Tree::build(spec);
    let docs = raw_doc_attrs(&module_doc(loaded));
    let request = request::request(spec, &tree, opts);
    let side_module = |side: tree::Side, doc: &str| {
        let objects = tree.types(side);
        if objects.is_empty() {
            return quote!();
        }
        let structs = objects.iter().map(|d| types::object_struct(d, opts));
        let name = ident(side.key());
        quote! {
            #[doc = #doc]
            pub mod #name {
                #(#structs)*
            }
        }
    };
    let object_structs = [
        side_module(
            tree::Side::Request,
            if spec.gateway == Some(crate::model::Gateway::Qimen) {
                " Object types of the request (sent as elements of the XML `<request>` body)."
            } else {
                " Object types of the request (each param of such a type is sent as one JSON string)."
            },
        ),
        side_module(tree::Side::Response, " Object types of the response."),
    ];
    let schema_json = schema::api_schema_json(spec);
    let response_doc = format!(" Response of `{}`.", spec.method);
    let response_struct = types::response_struct(
        &ident("Response"),
        quote!(#[doc = #response_doc]),
        &tree.response,
        opts,
    );
    let request_id_impl = match tree.request_id_node() {
        Some(n) => {
            let id = ident(&n.ident);
            quote!(self.#id.as_deref())
        }
        None => quote!(::std::option::Option::None),
    };
    let deprecated = deprecated_attr(spec);
    quote! {
        #docs
        #deprecated
        pub mod #m {
            #request
            #response_struct
            impl #rt::TopResponse for Response {
                #[inline]
                fn request_id(&self) -> ::std::option::Option<&str> {
                    #request_id_impl
                }
            }
            #(#object_structs)*
            /// What the documentation says about this API, for validation, the mock and the CLI.
            pub static SCHEMA: #rt::__private::LazySchema = #rt::__private::LazySchema::new(#schema_json);
        }
    }
}

/// `#[deprecated]` (and leave the module's own uses alone) when the docs say so.
fn deprecated_attr(spec: &crate::model::ApiSpec) -> TokenStream {
    match &spec.deprecated {
        Some(d) => {
            let note = deprecation_note(d);
            quote!(#[deprecated(note = #note)] #[allow(deprecated)])
        }
        None => quote!(),
    }
}

fn deprecation_note(d: &crate::model::Deprecation) -> String {
    let what = if d.offline {
        "offline: the gateway no longer serves it"
    } else {
        "deprecated"
    };
    format!("{what} ({})", d.reason)
}

fn module_doc(loaded: &LoadedSpec) -> String {
    let spec = &loaded.spec;
    let mut d = format!("`{}`: {}\n", spec.method, doc_text(&spec.title));
    if !spec.description.is_empty() && spec.description != spec.title {
        d.push('\n');
        d.push_str(&doc_text(&spec.description));
        d.push('\n');
    }
    if let Some(dep) = &spec.deprecated {
        d.push_str(&format!("\n**{}**\n", doc_text(&deprecation_note(dep))));
    }
    d.push_str(&format!(
        "\n{}",
        if spec.is_idempotent() {
            "Only reads: retried after errors where TOP may have executed it.\n"
        } else {
            "Changes data: sent once, never retried after TOP may have executed it.\n"
        }
    ));
    if spec.gateway == Some(crate::model::Gateway::Qimen) {
        d.push_str(
            "\nA QIMEN API: sent to the QIMEN gateway as an XML `<request>` body, from a client \
             handle with the target's `customerId` (`client.with_customer_id(..)`); a \
             `<flag>failure</flag>` reply is `topsdk::Error::Qimen`.\n",
        );
    }
    if !spec.category.is_empty() {
        d.push_str(&format!("\nCategory: {}\n", doc_text(&spec.category)));
    }
    if let Some(url) = &spec.doc_url {
        let link = topsdk_schema::doc::to_markdown(url);
        d.push_str(&format!("\nDocumentation: {link}\n"));
    }
    let ex = &spec.examples;
    if !ex.request.is_empty() {
        d.push_str("\nThe documented request sample's params:\n\n");
        for (name, value) in &ex.request {
            let value = one_line(value);
            d.push_str(&format!("- `{name}`: {value}\n"));
        }
    }
    let samples = [
        ("Response sample (JSON)", "json", &ex.response_json),
        ("Response sample (XML)", "xml", &ex.response_xml),
        ("Error sample (JSON)", "json", &ex.error_json),
    ];
    for (title, lang, text) in samples {
        if let Some(text) = text.as_deref().filter(|t| !t.trim().is_empty()) {
            d.push_str(&format!("\n{title}:\n\n```{lang}\n"));
            // A fence inside would end the block early.
            d.push_str(&text.trim_end().replace("```", "'''"));
            d.push_str("\n```\n");
        }
    }
    d
}
