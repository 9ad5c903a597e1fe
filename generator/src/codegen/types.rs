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

/// A response struct field: everything optional or a (possibly empty) list, read leniently.
pub fn response_field(node: &Node<'_>, rt: &TokenStream) -> TokenStream {
    let id = ident(&node.ident);
    let docs = field_doc_attrs(node.field, false);
    let t = value_type(node, rt);
    let (ty, de_fn) = match &node.field.ty {
        TypeRef::Scalar(_) => (quote!(::std::option::Option<#t>), "opt"),
        TypeRef::List(_) => (t, "scalar_list"),
        TypeRef::ObjectList(_) => (t, "list"),
        TypeRef::Object(_) | TypeRef::File => (quote!(::std::option::Option<#t>), "object"),
    };
    let de = format!("{}::__private::de::{de_fn}", path_text(rt));
    let rename = rename_attr(node);
    quote! {
        #docs
        #[serde(#rename deserialize_with = #de)]
        pub #id: #ty,
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
        "`{}` ({}).",
        def.doc_name,
        match def.side {
            Side::Request => "request object",
            Side::Response => "response object",
        }
    );
    let extra = &opts.extra_derives;
    match def.side {
        Side::Response => {
            let fields = def.fields.iter().map(|n| response_field(n, rt));
            quote! {
                #[doc = #doc]
                #[derive(::std::clone::Clone, ::std::fmt::Debug, ::std::default::Default, ::std::cmp::PartialEq,
                    #rt::__private::serde::Deserialize, #rt::__private::serde::Serialize #(, #extra)*)]
                #[serde(crate = #serde_path, default)]
                pub struct #id { #(#fields)* }
            }
        }
        Side::Request => {
            let fields = def.fields.iter().map(|n| request_object_field(n, rt));
            quote! {
                #[doc = #doc]
                #[derive(::std::clone::Clone, ::std::fmt::Debug, ::std::default::Default, ::std::cmp::PartialEq,
                    #rt::__private::serde::Deserialize, #rt::__private::serde::Serialize #(, #extra)*)]
                #[serde(crate = #serde_path, default)]
                pub struct #id { #(#fields)* }
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
