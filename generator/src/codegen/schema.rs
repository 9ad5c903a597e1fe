//! The static description of an API (`SCHEMA`) that the runtime, mock and CLI read.

use super::opt_str;
use crate::model::{ApiSpec, Field, Scalar, TypeRef};
use crate::naming;
use proc_macro2::TokenStream;
use quote::quote;

pub fn api_schema(spec: &ApiSpec, rt: &TokenStream) -> TokenStream {
    let method = &spec.method;
    let title = &spec.title;
    let description = &spec.description;
    let category = &spec.category;
    let category_pkg = spec.category_pkg.as_deref().unwrap_or_default();
    let doc_url = spec.doc_url.as_deref().unwrap_or_default();
    let response_key = naming::response_key(method);
    let request = fields(&spec.request, rt);
    let response = fields(&spec.response, rt);
    let ex = &spec.examples;
    let req_examples = ex.request.iter().map(|(k, v)| quote!((#k, #v)));
    let response_xml = opt_str(ex.response_xml.as_deref());
    let response_json = opt_str(ex.response_json.as_deref());
    let simplified = opt_str(ex.response_json_simplified.as_deref());
    let error_xml = opt_str(ex.error_xml.as_deref());
    let error_json = opt_str(ex.error_json.as_deref());
    quote! {
        #rt::schema::ApiSchema {
            method: #method,
            title: #title,
            description: #description,
            category: #category,
            category_pkg: #category_pkg,
            doc_url: #doc_url,
            response_key: #response_key,
            request: #request,
            response: #response,
            examples: #rt::schema::Examples {
                request: &[#(#req_examples),*],
                response_xml: #response_xml,
                response_json: #response_json,
                response_json_simplified: #simplified,
                error_xml: #error_xml,
                error_json: #error_json,
            },
        }
    }
}

fn fields(fields: &[Field], rt: &TokenStream) -> TokenStream {
    let items = fields.iter().map(|f| field(f, rt));
    quote!(&[#(#items),*])
}

fn field(f: &Field, rt: &TokenStream) -> TokenStream {
    let name = &f.name;
    let ty = f.ty.to_string();
    let kind = match &f.ty {
        TypeRef::Scalar(s) | TypeRef::List(s) => match s {
            Scalar::String => quote!(String),
            Scalar::Number => quote!(Number),
            Scalar::Boolean => quote!(Boolean),
            Scalar::Date => quote!(Date),
            Scalar::Price => quote!(Price),
            Scalar::Json => quote!(Json),
        },
        TypeRef::File => quote!(File),
        TypeRef::Object(_) | TypeRef::ObjectList(_) => quote!(Object),
    };
    let list = f.ty.is_list();
    let required = f.required;
    let sensitive = f.is_sensitive();
    let item_name = f.list_item_name();
    let description = &f.description;
    let example = opt_str(f.example.as_deref());
    let c = &f.constraints;
    let opt_u = |v: Option<u64>| match v {
        Some(n) => quote!(::std::option::Option::Some(#n)),
        None => quote!(::std::option::Option::None),
    };
    let opt_i = |v: Option<i64>| match v {
        Some(n) => quote!(::std::option::Option::Some(#n)),
        None => quote!(::std::option::Option::None),
    };
    let max_length = opt_u(c.max_length);
    let max_list_size = opt_u(c.max_list_size);
    let min_value = opt_i(c.min_value);
    let max_value = opt_i(c.max_value);
    let default = opt_str(c.default.as_deref());
    let children = fields(&f.fields, rt);
    quote! {
        #rt::schema::Field {
            name: #name,
            ty: #ty,
            kind: #rt::schema::Kind::#kind,
            list: #list,
            required: #required,
            sensitive: #sensitive,
            item_name: #item_name,
            description: #description,
            example: #example,
            constraints: #rt::schema::Constraints {
                max_length: #max_length,
                max_list_size: #max_list_size,
                min_value: #min_value,
                max_value: #max_value,
                default: #default,
            },
            fields: #children,
        }
    }
}
