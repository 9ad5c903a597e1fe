//! Rust types of fields, and the object structs of one API.

use super::tree::{Node, Side, TypeDef};
use super::{EmitTokens, field_doc_attrs, ident};
use crate::model::{Scalar, TypeRef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The Rust type of one scalar value (no Option/Vec).
pub fn scalar_type(s: Scalar, rt: &TokenStream) -> TokenStream {
    match s {
        Scalar::String => quote!(::std::string::String),
        Scalar::Number => quote!(i64),
        Scalar::Boolean => quote!(bool),
        Scalar::Date => quote!(#rt::DateTime),
        Scalar::Price => quote!(#rt::Price),
        Scalar::Json => quote!(#rt::Json),
    }
}

/// The Rust type of one scalar value of `field`: a `decimal: true` Number is a `Decimal`.
pub fn field_scalar_type(field: &crate::model::Field, s: Scalar, rt: &TokenStream) -> TokenStream {
    if field.decimal && s == Scalar::Number {
        quote!(#rt::Decimal)
    } else {
        scalar_type(s, rt)
    }
}

/// The type of one value of the field: `T`, `Secret<T>`, `Vec<T>`, an object, ...
pub fn value_type(node: &Node<'_>, rt: &TokenStream) -> TokenStream {
    let sensitive = node.field.is_sensitive();
    let wrap = |t: TokenStream| {
        if sensitive {
            quote!(#rt::Secret<#t>)
        } else {
            t
        }
    };
    match &node.field.ty {
        TypeRef::Scalar(s) => wrap(field_scalar_type(node.field, *s, rt)),
        TypeRef::List(s) => {
            let t = wrap(field_scalar_type(node.field, *s, rt));
            quote!(::std::vec::Vec<#t>)
        }
        TypeRef::File => quote!(#rt::FileUpload),
        TypeRef::Object(_) => type_path(node),
        TypeRef::ObjectList(_) => {
            let t = type_path(node);
            quote!(::std::vec::Vec<#t>)
        }
    }
}

/// An object type as named where the field is declared: from the API's `Request`/`Response`
/// through its side's module, from another object of the same module directly.
fn type_path(node: &Node<'_>) -> TokenStream {
    let t = format_ident!("{}", node.type_ident.as_deref().unwrap_or("Object"));
    if node.top {
        let side = format_ident!("{}", node.side.key());
        quote!(#side::#t)
    } else {
        quote!(#t)
    }
}

/// The declared type of a request field: required values as they are, the rest optional.
pub fn request_field_type(node: &Node<'_>, rt: &TokenStream) -> TokenStream {
    let t = value_type(node, rt);
    if node.field.required {
        t
    } else {
        quote!(::std::option::Option<#t>)
    }
}

/// A response struct field: everything optional or a (possibly empty) list, read leniently
/// (see [`response_struct`]).
pub fn response_field(node: &Node<'_>, rt: &TokenStream) -> TokenStream {
    let id = ident(&node.ident);
    let docs = field_doc_attrs(node.field, false);
    let t = value_type(node, rt);
    // Absent values are left out when serialized: what TOP did not send is not shown.
    let (ty, skip) = match &node.field.ty {
        TypeRef::Scalar(_) | TypeRef::Object(_) | TypeRef::File => (
            quote!(::std::option::Option<#t>),
            quote!(skip_serializing_if = "::std::option::Option::is_none"),
        ),
        TypeRef::List(_) | TypeRef::ObjectList(_) => (t, quote!()),
    };
    let rename = rename_attr(node);
    let attr = if rename.is_empty() && skip.is_empty() {
        quote!()
    } else {
        quote!(#[serde(#rename #skip)])
    };
    quote! {
        #docs
        #attr
        pub #id: #ty,
    }
}

/// A response struct (`Response`, or an object type of the response): derived `Serialize`
/// and the std traits; `Deserialize` through the runtime's `de::structure`, which reads each
/// field leniently by its index. (serde's derive, with a `deserialize_with` wrapper per
/// field, was a quarter of the bindings' compile time.)
pub fn response_struct(
    id: &syn::Ident,
    attrs: TokenStream,
    nodes: &[Node<'_>],
    opts: &EmitTokens,
) -> TokenStream {
    let rt = &opts.runtime;
    let extra = &opts.extra_derives;
    let serde_path = format!("{}::__private::serde", path_text(rt));
    let fields = nodes.iter().map(|n| response_field(n, rt));
    let de = deserialize_impls(id, nodes, rt, |n| match &n.field.ty {
        TypeRef::Scalar(_) => "read_opt",
        TypeRef::List(_) => "read_scalar_list",
        TypeRef::ObjectList(_) => "read_list",
        TypeRef::Object(_) | TypeRef::File => "read_object",
    });
    quote! {
        #attrs
        #[derive(::std::clone::Clone, ::std::fmt::Debug, ::std::default::Default, ::std::cmp::PartialEq,
            #rt::__private::serde::Serialize #(, #extra)*)]
        #[serde(crate = #serde_path)]
        pub struct #id { #(#fields)* }
        #de
    }
}

/// `Deserialize` of a struct through the runtime's `de::structure`: the fields' wire names
/// and one `match` arm per field, reading it with the runtime's `de::<read>`.
fn deserialize_impls(
    id: &syn::Ident,
    nodes: &[Node<'_>],
    rt: &TokenStream,
    read: impl Fn(&Node<'_>) -> &'static str,
) -> TokenStream {
    let fields: Vec<ReadField<'_>> = nodes
        .iter()
        .map(|n| ReadField {
            wire: &n.field.name,
            field: ident(&n.ident),
            read: read(n),
        })
        .collect();
    structure_impls(id, &fields, None, rt)
}

/// One field as the runtime's `de::structure` reads it.
pub(crate) struct ReadField<'a> {
    /// The wire name.
    pub wire: &'a str,
    /// The struct's field.
    pub field: syn::Ident,
    /// The runtime's reader (`read_opt`, `read_list`, ...).
    pub read: &'static str,
}

/// `Deserialize` and `Structure` impls of struct `id` (response, request object and topic
/// types alike): the fields' wire names and one `match` arm per field; keys the type does not
/// document are kept in the `undocumented` field when one is given (topics), else skipped.
pub(crate) fn structure_impls(
    id: &syn::Ident,
    fields: &[ReadField<'_>],
    undocumented: Option<&syn::Ident>,
    rt: &TokenStream,
) -> TokenStream {
    let wire_names = fields.iter().map(|f| f.wire);
    let reads = fields.iter().enumerate().map(|(i, f)| {
        let field = &f.field;
        let read = format_ident!("{}", f.read);
        let i = proc_macro2::Literal::usize_unsuffixed(i);
        quote!(#i => self.#field = #rt::__private::de::#read(map)?,)
    });
    let keep = undocumented.map(|extra| {
        quote! {
            fn undocumented(
                &mut self,
            ) -> ::std::option::Option<&mut #rt::__private::serde_json::Map<::std::string::String, #rt::__private::serde_json::Value>> {
                ::std::option::Option::Some(&mut self.#extra)
            }
        }
    });
    let name = id.to_string();
    // A type without fields reads none: the trait's default `read_field` skips the value.
    // One field is an `if`, more a `match` (what clippy asks of each).
    let body = match fields {
        [] => None,
        [f] => {
            let field = &f.field;
            let read = format_ident!("{}", f.read);
            Some(quote! {
                if index == 0 {
                    self.#field = #rt::__private::de::#read(map)?;
                }
            })
        }
        _ => Some(quote! {
            match index {
                #(#reads)*
                _ => {}
            }
        }),
    };
    let read_field = body.map(|body| {
        quote! {
            fn read_field<'de, A: #rt::__private::serde::de::MapAccess<'de>>(
                &mut self,
                index: usize,
                map: &mut A,
            ) -> ::std::result::Result<(), A::Error> {
                #body
                ::std::result::Result::Ok(())
            }
        }
    });
    quote! {
        impl<'de> #rt::__private::serde::Deserialize<'de> for #id {
            fn deserialize<D: #rt::__private::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                #rt::__private::de::structure(d)
            }
        }
        impl #rt::__private::de::Structure for #id {
            const NAME: &'static str = #name;
            const FIELDS: &'static [&'static str] = &[#(#wire_names),*];
            #read_field
            #keep
        }
    }
}

/// `rename = "wire",` when serde would not derive the wire name from the identifier.
pub fn rename_attr(node: &Node<'_>) -> TokenStream {
    let name = &node.field.name;
    if node.ident.trim_start_matches("r#") == name {
        quote!()
    } else {
        quote!(rename = #name,)
    }
}

/// A request object field (inside a JSON-encoded object param).
fn request_object_field(node: &Node<'_>, rt: &TokenStream) -> TokenStream {
    let id = ident(&node.ident);
    let docs = field_doc_attrs(node.field, true);
    let ty = request_field_type(node, rt);
    let rename = rename_attr(node);
    // Unset optional fields are left out of the JSON sent.
    let skip = if node.field.required {
        quote!()
    } else {
        quote!(skip_serializing_if = "::std::option::Option::is_none")
    };
    if rename.is_empty() && skip.is_empty() {
        return quote!(#docs pub #id: #ty,);
    }
    quote! {
        #docs
        #[serde(#rename #skip)]
        pub #id: #ty,
    }
}

/// The runtime path as text, for serde attributes that take paths as strings.
pub fn path_text(rt: &TokenStream) -> String {
    rt.to_string().replace(' ', "")
}

/// The struct of one object type.
pub fn object_struct(def: &TypeDef<'_, '_>, opts: &EmitTokens) -> TokenStream {
    let rt = &opts.runtime;
    let id = ident(&def.ident);
    let serde_path = format!("{}::__private::serde", path_text(rt));
    let doc = format!(
        " `{}` ({}).",
        def.doc_name,
        match def.side {
            Side::Request => "request object",
            Side::Response => "response object",
        }
    );
    let extra = &opts.extra_derives;
    match def.side {
        Side::Response => response_struct(&id, quote!(#[doc = #doc]), def.fields, opts),
        Side::Request => {
            let fields = def.fields.iter().map(|n| request_object_field(n, rt));
            // Read as JSON the user wrote (CLI params), strictly but for absent fields.
            let de = deserialize_impls(&id, def.fields, rt, |_| "read_value");
            quote! {
                #[doc = #doc]
                #[derive(::std::clone::Clone, ::std::fmt::Debug, ::std::default::Default, ::std::cmp::PartialEq,
                    #rt::__private::serde::Serialize #(, #extra)*)]
                #[serde(crate = #serde_path)]
                pub struct #id { #(#fields)* }
                #de
                impl #rt::__private::Param for #id {
                    const JSON: bool = true;
                    fn write(&self, out: &mut ::std::string::String) {
                        #rt::__private::write_json(self, out)
                    }
                    fn parse(text: &str) -> ::std::result::Result<Self, ::std::string::String> {
                        #rt::__private::parse_json(text)
                    }
                    fn parse_list(text: &str) -> ::std::result::Result<::std::vec::Vec<Self>, ::std::string::String> {
                        #rt::__private::parse_json(text)
                    }
                    fn write_list(items: &[Self], out: &mut ::std::string::String) {
                        #rt::__private::write_json(items, out)
                    }
                }
            }
        }
    }
}
