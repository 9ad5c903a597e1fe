//! Typed contents of TMC message topics, generated at build time from the topic specs in
//! `spec/` by topgen, for [`topsdk::tmc`].
//!
//! Each topic with documented fields has a struct named after it (`taobao_trade_TradeCreate`
//! is [`TaobaoTradeTradeCreate`]) and a variant of [`Topic`]; every field is optional (the
//! docs mark them so), ids are exact `i64`s whether they arrive as numbers or quoted, money
//! named as such is a `topsdk::Decimal`, and fields the docs do not list are kept in
//! `undocumented`. Topics without documented fields, and topics not listed here, decode to
//! [`Topic::Unknown`] with the raw content.
//!
//! ```
//! use topsdk::tmc::Topics;
//! use topsdk_topics::Topic;
//! let t = Topic::decode("taobao_trade_TradeCreate", r#"{"tid":4345678901234567890,"seller_nick":"shop1"}"#)?;
//! let Topic::TaobaoTradeTradeCreate(c) = t else { panic!("typed") };
//! assert_eq!(c.tid, Some(4345678901234567890));
//! # Ok::<(), topsdk::tmc::TopicError>(())
//! ```
//!
//! A consumer (the README's example):
//!
//! ```no_run
//! use topsdk::tmc::{TmcClient, Message};
//! use topsdk_topics::Topic;
//! # async fn run() -> Result<(), topsdk::tmc::TmcError> {
//! let client = TmcClient::from_env()?; // TOP_APP_KEY, TOP_APP_SECRET; TOP_TMC_URL, TOP_TMC_GROUP
//! client.run(16, |msg: std::sync::Arc<Message>| async move {
//!     match msg.typed::<Topic>()? {
//!         Topic::TaobaoTradeTradeCreate(c) => println!("new order {:?} of {:?}", c.tid, c.seller_nick),
//!         other => println!("{}: {}", other.name(), msg.content),
//!     }
//!     Ok::<_, topsdk::tmc::TopicError>(()) // Ok confirms; Err fails it back with the reason
//! }).await?;
//! # Ok(()) }
//! ```
//!
//! Set `TOPSDK_TOPICS` (comma-separated topic names or prefixes, e.g. in the `[env]` table of
//! `.cargo/config.toml`) to type only those topics; the crate then compiles in a fraction of
//! its ~55 s (debug, all 1,328 typed topics).

include!(concat!(env!("OUT_DIR"), "/topics.rs"));
