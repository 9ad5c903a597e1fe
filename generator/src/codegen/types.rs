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
    let ty = match &node.field.ty {
        TypeRef::Scalar(_) | TypeRef::Object(_) | TypeRef::File => {
            quote!(::std::option::Option<#t>)
        }
        TypeRef::List(_) | TypeRef::ObjectList(_) => t,
    };
    quote! {
        #docs
        pub #id: #ty,
    }
}

/// A response struct (`Response`, or an object type of the response): the std traits derived;
/// `Deserialize` through the runtime's `de::structure`, which reads each field leniently by its
/// index, and `Serialize` one runtime call per field (absent fields left out). (serde's
/// derives, with a wrapper per field to read and a `skip_serializing_if` per field to write,
/// were most of the bindings' compile time.)
pub fn response_struct(
    id: &syn::Ident,
    attrs: TokenStream,
    nodes: &[Node<'_>],
    opts: &EmitTokens,
) -> TokenStream {
    let rt = &opts.runtime;
    let extra = &opts.extra_derives;
    let fields = nodes.iter().map(|n| response_field(n, rt));
    let impls = object_impls(
        id,
        nodes.iter().map(|n| (n.field.name.as_str(), ident(&n.ident), false)),
        rt,
    );
    let de = deserialize_impls(id, nodes, rt, |n| match &n.field.ty {
        TypeRef::Scalar(_) => "read_opt",
        TypeRef::List(_) => "read_scalar_list",
        TypeRef::ObjectList(_) => "read_list",
        TypeRef::Object(_) | TypeRef::File => "read_object",
    });
    quote! {
        #attrs
        #[derive(::std::clone::Clone, ::std::fmt::Debug, ::std::default::Default #(, #extra)*)]
        pub struct #id { #(#fields)* }
        #de
        #impls
    }
}

/// `PartialEq` of an object type through its serialized form (`__private::ser::eq`): one call
/// per type instead of a comparison per field (a fifth of the bindings' compile time).
pub(crate) fn partial_eq_impl(id: &syn::Ident, rt: &TokenStream) -> TokenStream {
    quote! {
        impl ::std::cmp::PartialEq for #id {
            #[inline]
            fn eq(&self, other: &Self) -> bool {
                #rt::__private::ser::eq(self, other)
            }
        }
    }
}

/// `Serialize` and `PartialEq` of struct `id` by its fields (wire name, field, whether it is
/// always there), through the runtime's `object_impls!`: each field named once (`opt` fields
/// are written when present, `req` ones always; the length is the count written), the impls
/// expanded by the compiler. `PartialEq` goes through the serialized form (`ser::eq`): one call
/// per type instead of a comparison per field (a fifth of the bindings' compile time).
fn object_impls<'a>(
    id: &syn::Ident,
    fields: impl Iterator<Item = (&'a str, syn::Ident, bool)>,
    rt: &TokenStream,
) -> TokenStream {
    let fields = fields.map(|(wire, field, always)| {
        let kind = if always {
            quote!(req)
        } else {
            quote!(opt)
        };
        quote!(#kind #field #wire)
    });
    quote! {
        #rt::__private::object_impls!(#id { #(#fields),* });
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

/// A request object field (inside a JSON-encoded object param).
fn request_object_field(node: &Node<'_>, rt: &TokenStream) -> TokenStream {
    let id = ident(&node.ident);
    let docs = field_doc_attrs(node.field, true);
    let ty = request_field_type(node, rt);
    quote!(#docs pub #id: #ty,)
}

/// The runtime path as text, for serde attributes that take paths as strings.
pub fn path_text(rt: &TokenStream) -> String {
    rt.to_string().replace(' ', "")
}

/// The struct of one object type.
pub fn object_struct(def: &TypeDef<'_, '_>, opts: &EmitTokens) -> TokenStream {
    let rt = &opts.runtime;
    let id = ident(&def.ident);
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
            // Unset optional fields are left out of the JSON sent.
            let impls = object_impls(
                &id,
                def.fields
                    .iter()
                    .map(|n| (n.field.name.as_str(), ident(&n.ident), n.field.required)),
                rt,
            );
            // `#[inline]`: the JSON codec of a type is compiled where the type is sent (or
            // parsed), not for every type of the package.
            quote! {
                #[doc = #doc]
                #[derive(::std::clone::Clone, ::std::fmt::Debug, ::std::default::Default
                    #(, #extra)*)]
                pub struct #id { #(#fields)* }
                #de
                #impls
                impl #rt::__private::Param for #id {
                    const JSON: bool = true;
                    #[inline]
                    fn write(&self, out: &mut ::std::string::String) {
                        #rt::__private::write_json(self, out)
                    }
                    #[inline]
                    fn parse(text: &str) -> ::std::result::Result<Self, ::std::string::String> {
                        #rt::__private::parse_json(text)
                    }
                    #[inline]
                    fn parse_list(text: &str) -> ::std::result::Result<::std::vec::Vec<Self>, ::std::string::String> {
                        #rt::__private::parse_json(text)
                    }
                    #[inline]
                    fn write_list(items: &[Self], out: &mut ::std::string::String) {
                        #rt::__private::write_json(items, out)
                    }
                }
            }
        }
    }
}
