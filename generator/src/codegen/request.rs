//! The `Request` struct of one API: constructor with the required params, chainable setters
//! for the optional ones, and the runtime trait impls.

use super::tree::{Node, Tree};
use super::types::{field_scalar_type, request_field_type, value_type};
use super::{EmitTokens, field_doc_attrs, ident};
use crate::model::{ApiSpec, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;

/// The argument type a constructor/setter takes, and how it becomes the stored value.
fn arg(node: &Node<'_>, rt: &TokenStream) -> (TokenStream, TokenStream) {
    let v = ident(&node.ident);
    let sensitive = node.field.is_sensitive();
    let secret = |e: TokenStream| {
        if sensitive {
            quote!(#rt::Secret::new(#e))
        } else {
            e
        }
    };
    match &node.field.ty {
        TypeRef::Scalar(crate::model::Scalar::String) => (
            quote!(impl ::std::convert::Into<::std::string::String>),
            secret(quote!(#v.into())),
        ),
        TypeRef::List(crate::model::Scalar::String) => {
            let item = secret(quote!(::std::convert::Into::into(item)));
            (
                quote!(
                    impl ::std::iter::IntoIterator<
                        Item = impl ::std::convert::Into<::std::string::String>,
                    >
                ),
                quote!(#v.into_iter().map(|item| #item).collect()),
            )
        }
        TypeRef::List(s) => {
            let t = field_scalar_type(node.field, *s, rt);
            let collect = if sensitive {
                quote!(#v.into_iter().map(#rt::Secret::new).collect())
            } else {
                quote!(#v.into_iter().collect())
            };
            (quote!(impl ::std::iter::IntoIterator<Item = #t>), collect)
        }
        TypeRef::Scalar(s) => (field_scalar_type(node.field, *s, rt), secret(quote!(#v))),
        TypeRef::File | TypeRef::Object(_) | TypeRef::ObjectList(_) => {
            (value_type(node, rt), quote!(#v))
        }
    }
}

pub fn request(spec: &ApiSpec, tree: &Tree<'_>, opts: &EmitTokens) -> TokenStream {
    let rt = &opts.runtime;
    let method = &spec.method;
    let nodes = &tree.request;
    let required: Vec<&Node<'_>> = nodes.iter().filter(|n| n.field.required).collect();
    let optional: Vec<&Node<'_>> = nodes.iter().filter(|n| !n.field.required).collect();

    let fields = nodes.iter().map(|n| {
        let id = ident(&n.ident);
        let ty = request_field_type(n, rt);
        let docs = field_doc_attrs(n.field, true);
        quote!(#docs pub #id: #ty,)
    });
    let default = if required.is_empty() {
        quote!(, ::std::default::Default)
    } else {
        quote!()
    };
    let ctor_args = required.iter().map(|n| {
        let id = ident(&n.ident);
        let (t, _) = arg(n, rt);
        quote!(#id: #t)
    });
    let ctor_inits = nodes.iter().map(|n| {
        let id = ident(&n.ident);
        if n.field.required {
            let (_, conv) = arg(n, rt);
            if conv.to_string() == quote!(#id).to_string() {
                quote!(#id,)
            } else {
                quote!(#id: #conv,)
            }
        } else {
            quote!(#id: ::std::option::Option::None,)
        }
    });
    let setters = optional.iter().map(|n| {
        let id = ident(&n.ident);
        let setter = ident(&n.setter);
        let (t, conv) = arg(n, rt);
        let docs = field_doc_attrs(n.field, true);
        quote! {
            #docs
            #[inline]
            pub fn #setter(mut self, #id: #t) -> Self {
                self.#id = ::std::option::Option::Some(#conv);
                self
            }
        }
    });
    // In wire-name order: the runtime keeps params sorted for signing, and sorted input is
    // its cheap path (each param is appended after one comparison).
    let mut by_name: Vec<_> = nodes.iter().collect();
    by_name.sort_by(|a, b| a.field.name.as_bytes().cmp(b.field.name.as_bytes()));
    let writes = by_name.iter().map(|n| {
        let id = ident(&n.ident);
        let name = &n.field.name;
        let f = match (&n.field.ty, n.field.required) {
            (TypeRef::File, true) => quote!(put_file),
            (TypeRef::File, false) => quote!(put_file_opt),
            (_, true) => quote!(put),
            (_, false) => quote!(put_opt),
        };
        quote!(w.#f(#name, &self.#id);)
    });
    let reads = nodes.iter().map(|n| {
        let id = ident(&n.ident);
        let name = &n.field.name;
        let f = match (&n.field.ty, n.field.required) {
            (TypeRef::File, true) => quote!(required_file),
            (TypeRef::File, false) => quote!(optional_file),
            (_, true) => quote!(required),
            (_, false) => quote!(optional),
        };
        quote!(#id: args.#f(#name)?,)
    });
    let idempotent = spec.is_idempotent();
    let doc = format!(" Request of `{method}`: {}", super::doc_text(&spec.title));
    let ctor_doc = if required.is_empty() {
        " Creates the request; every param is optional.".to_string()
    } else {
        let names: Vec<String> = required
            .iter()
            .map(|n| format!("`{}`", n.field.name))
            .collect();
        format!(
            " Creates the request with its required params ({}).",
            names.join(", ")
        )
    };
    // Clippy's limit is 7 arguments; a long constructor is what the spec asks for.
    let allow_many = if required.len() > 7 {
        quote!(#[allow(clippy::too_many_arguments)])
    } else {
        quote!()
    };
    let w = if nodes.is_empty() {
        quote!(_w)
    } else {
        quote!(w)
    };
    let args_ident = if nodes.is_empty() {
        quote!(_args)
    } else {
        quote!(args)
    };
    let from_args = opts.calls_by_name.then(|| {
        quote! {
            impl #rt::__private::FromArgs for Request {
                fn from_args(#args_ident: &#rt::by_name::Args) -> ::std::result::Result<Self, #rt::Error> {
                    ::std::result::Result::Ok(Self { #(#reads)* })
                }
            }
        }
    });
    quote! {
        #[doc = #doc]
        #[derive(::std::clone::Clone, ::std::fmt::Debug, ::std::cmp::PartialEq #default)]
        pub struct Request { #(#fields)* }
        // `#[inline]` on what is not generic: compiled where it is called, not for every API of
        // the package.
        impl Request {
            #[doc = #ctor_doc]
            #allow_many
            #[inline]
            pub fn new(#(#ctor_args),*) -> Self {
                Self { #(#ctor_inits)* }
            }
            #(#setters)*
        }
        impl #rt::TopRequest for Request {
            type Response = Response;
            const METHOD: &'static str = #method;
            const IDEMPOTENT: bool = #idempotent;
            #[inline]
            fn schema() -> &'static #rt::schema::ApiSchema {
                SCHEMA.get()
            }
            #[inline]
            fn write_params<'a>(&'a self, #w: &mut #rt::__private::ParamWriter<'a>) {
                #(#writes)*
            }
        }
        #from_args
    }
}
