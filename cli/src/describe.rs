//! `topsdk describe`: an API's params with their rules and its response tree, from the schema.

use crate::{apis, usage_error};
use std::process::ExitCode;
use topsdk::by_name;
use topsdk::schema::doc;

pub(crate) fn describe(method: &str) -> ExitCode {
    let Some(s) = by_name::find(apis(), method) else {
        return usage_error(format!(
            "no API `{}` in this build (see `topsdk list`)",
            method.escape_debug()
        ));
    };
    println!("{} ({})", s.method, s.title);
    println!(
        "called: by its schema (params checked by type and rule, the answer typed and masked)"
    );
    if let Some(file) = crate::catalogue::extra_source(&s.method) {
        println!("from: {file} (your catalogue; typed bindings: topgen::Builder in your build.rs)");
    } else {
        match s.category_pkg.as_str() {
            "" => {}
            // The seed category is compiled into the runtime (topgen's `crates::IN_RUNTIME`).
            "kongur" => println!("crate: topsdk (module topsdk::kongur)"),
            pkg => println!("crate: topsdk-{pkg}"),
        }
    }
    if s.gateway == topsdk::schema::Gateway::Qimen {
        println!("gateway: QIMEN (give --customer-id or TOP_QIMEN_CUSTOMER_ID)");
    }
    // TOP's HTML read once, as rustdoc gets it (`topsdk_schema::doc`), written as plain text.
    let description = doc::to_plain_text(&s.description);
    if !description.is_empty() && description != s.title {
        println!("{description}");
    }
    if !s.category.is_empty() {
        println!("category: {}", s.category);
    }
    if !s.doc_url.is_empty() {
        println!("docs: {}", s.doc_url);
    }
    if let Some(d) = &s.deprecated {
        println!("{}", deprecation(d));
    }
    println!("\nrequest params:");
    if s.request.is_empty() {
        println!("  (none)");
    }
    for f in &s.request {
        println!(
            "  {:<24} {:<28} {:<8} {}",
            f.name,
            describe_field(f),
            if f.required { "required" } else { "optional" },
            one_line(&f.description)
        );
    }
    println!("\nresponse fields:");
    print_fields(&s.response, 1);
    ExitCode::SUCCESS
}

fn print_fields(fields: &[topsdk::schema::Field], depth: usize) {
    for f in fields {
        let indent = "  ".repeat(depth);
        let secret = if f.sensitive { " (sensitive)" } else { "" };
        println!(
            "{indent}{:<24} {:<24} {}{secret}",
            f.name,
            f.ty,
            one_line(&f.description)
        );
        print_fields(&f.fields, depth + 1);
    }
}

/// A param's type and rules, as `describe` shows them.
fn describe_field(f: &topsdk::schema::Field) -> String {
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

pub(crate) fn deprecation(d: &topsdk::schema::Deprecation) -> String {
    if d.offline {
        format!("offline, the gateway no longer serves it: {}", d.reason)
    } else {
        format!("deprecated: {}", d.reason)
    }
}

/// A field's description on its row: converted as every description is, lines joined.
fn one_line(description: &str) -> String {
    doc::to_plain_text(description)
        .lines()
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
