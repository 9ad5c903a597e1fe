//! The APIs this command knows: those compiled into it (typed calls: the seed's `kongur` and
//! TMC's own; `--features tbtrade` adds a category), then every other API of the catalogue as
//! data. `catalogue.jsonl` holds
//! each API's schema (params, types, rules, sensitive fields, response tree, list item names),
//! one JSON line per API, written from spec/ by `topgen catalogue spec cli/catalogue.jsonl`
//! (CI checks it is in step). Data costs the build next to nothing where the typed bindings
//! of 5,000 APIs would cost many minutes; calls by schema are checked, flattened and masked
//! the same way (`by_name::call_untyped`).

use std::collections::HashSet;
use std::sync::OnceLock;
use topsdk::by_name::Entry;
use topsdk::schema::LazySchema;

/// Every catalogue API's schema, one JSON line each, sorted by method.
pub(crate) static CATALOGUE: &str = include_str!("../catalogue.jsonl");

/// The compiled APIs first (typed), then the catalogue's others (by schema: `call` is `None`).
pub(crate) fn apis() -> impl Iterator<Item = &'static Entry> {
    static ALL: OnceLock<Vec<&'static Entry>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut all: Vec<&'static Entry> = compiled().collect();
        let typed: HashSet<&str> = all.iter().map(|e| e.schema.method()).collect();
        // Leaked once per process: the entries live as long as the command, like the tables
        // of compiled bindings.
        let schemas: &'static [LazySchema] =
            Vec::leak(CATALOGUE.lines().map(LazySchema::new).collect());
        let data: &'static [Entry] = Vec::leak(
            schemas
                .iter()
                .filter(|s| !typed.contains(s.method()))
                .map(|schema| Entry { schema, call: None })
                .collect(),
        );
        all.extend(data);
        all
    })
    .iter()
    .copied()
}

/// The APIs compiled into this command: their typed calls.
fn compiled() -> impl Iterator<Item = &'static Entry> {
    #[allow(unused_mut)]
    let mut tables: Vec<&'static [Entry]> = vec![topsdk_kongur::APIS, topsdk_tmc::APIS];
    #[cfg(feature = "fenxiao")]
    tables.push(topsdk_fenxiao::APIS);
    #[cfg(feature = "legalcase")]
    tables.push(topsdk_legalcase::APIS);
    #[cfg(feature = "tbtrade")]
    tables.push(topsdk_tbtrade::APIS);
    tables.into_iter().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every line parses as this runtime's schema (unknown fields are refused), and each
    /// method is listed once, compiled or not.
    #[test]
    fn every_catalogue_line_is_a_schema_and_every_method_is_known_once() {
        let mut lines = 0;
        for line in CATALOGUE.lines() {
            let schema: &'static LazySchema = Box::leak(Box::new(LazySchema::new(line)));
            assert_eq!(schema.method(), schema.get().method, "{line:.80}");
            lines += 1;
        }
        assert!(lines > 5000, "the catalogue has {lines} APIs");
        let methods: Vec<&str> = apis().map(|e| e.schema.method()).collect();
        let unique: HashSet<&str> = methods.iter().copied().collect();
        assert_eq!(unique.len(), methods.len());
        assert_eq!(methods.len(), lines);
        let typed = apis()
            .find(|e| e.schema.method() == "alibaba.kongur.token.getosstoken")
            .expect("the seed API");
        assert!(typed.call.is_some(), "compiled APIs keep their typed call");
    }
}
