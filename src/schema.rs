//! The description of each API (params, types, rules, response tree, samples) as data: the
//! `topsdk-schema` crate, which topgen writes and this runtime reads (request validation,
//! decoding by schema, masking, the mock gateway, the CLI's catalogue).

pub use topsdk_schema::*;
