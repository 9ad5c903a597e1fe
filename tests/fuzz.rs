//! Property ("fuzz") tests of what reads peer input: the TMC frame codec, the batch answer
//! splitter, the XML reader, response envelopes (JSON and XML, typed and untyped). Random and
//! mutated inputs never panic, and every rejection is a located error. (The SPI request parser
//! has its own in tests/spi_verify.rs, the spec loader and doc-page importer theirs in
//! generator/tests/properties.rs.) Cases per property: `FUZZ_CASES` (default 256); run counts
//! in BENCHMARKS.md.

use proptest::prelude::*;
use topsdk::Format;
use topsdk::kongur::alibaba_kongur_token_getosstoken as seed;
use topsdk::test_util::{decode, decode_raw, parse_xml, split_batch_answer};
use topsdk::tmc::Frame;

fn cases() -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// tmc.md §1.10.3's data message (460 bytes).
const DATA: &str = "020205002400000064326333653836342d636636642d343838382d386662332d356262393537313962303162010005000000746f706963011700000074616f62616f5f74726164655f5472616465436c6f7365010006000000757365726964057f43f92a000000000100060000005f5f6b696e6402030100090000007075626c697368657201080000003132343937393134010007000000726574726965640201010007000000636f6e74656e7401860000007b2262757965725f6e69636b223a22627579657231222c227061796d656e74223a22313239392e3030222c226f6964223a3536383733363237303831393131362c22746964223a3536383733363237303831393131362c2274797065223a2267756172616e7465655f7472616465222c2273656c6c65725f6e69636b223a2273686f7031227d010002000000696405090099e4e0ac951d010007000000646174615f6964052c9f643b4305020001000400000074696d6506d90965c4440100000100040000006e69636b010500000073686f7031010006000000646174616964052c9f643b43050200010009000000626f726e5f74696d6505d90965c4440100000100070000006f757474696d6506b3bf98ce440100000000";

const SEED_JSON: &str = r#"{"alibaba_kongur_token_getosstoken_response":{"result":{"success":true,"kongur_oss_result_do":{"datas":[{"access_key_id":"id","secret_access_key":"k"}]}},"request_id":"r1"}}"#;
const SEED_XML: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?><alibaba_kongur_token_getosstoken_response><result><success>true</success></result><request_id>r1</request_id></alibaba_kongur_token_getosstoken_response>";

/// `base` with up to three byte edits (overwrite, insert, delete) at positions from `at`.
fn mutate(base: &[u8], at: &[(usize, u8, u8)]) -> Vec<u8> {
    let mut v = base.to_vec();
    for &(pos, kind, byte) in at {
        if v.is_empty() {
            v.push(byte);
            continue;
        }
        let p = pos % v.len();
        match kind % 3 {
            0 => v[p] = byte,
            1 => v.insert(p, byte),
            _ => {
                v.remove(p);
            }
        }
    }
    v
}

fn edits() -> impl Strategy<Value = Vec<(usize, u8, u8)>> {
    proptest::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..4)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        max_global_rejects: cases().saturating_mul(4),
        ..ProptestConfig::default()
    })]

    /// The ban length of any message: a number or nothing, never a panic; digits beyond a
    /// u64 are the most there is (the client caps what it pauses, `Quotas::max_ban`).
    #[test]
    fn ban_lengths_from_any_text(
        msg in "(This ban will )?(last for )?[0-9 ]{0,30}( more)?( seconds?)?[a-z ]{0,10}",
        other in any::<String>(),
    ) {
        for text in [&msg, &other] {
            let e = topsdk::ApiError {
                code: 7,
                msg: "App Call Limited".into(),
                sub_code: None,
                sub_msg: Some(text.clone()),
                request_id: None,
            };
            let _ = e.ban_length();
        }
    }

    #[test]
    fn tmc_frames_from_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        if let Err(e) = Frame::decode(&bytes) {
            prop_assert!(e.offset <= bytes.len(), "{e}");
            prop_assert!(e.to_string().starts_with("TMC frame, byte "), "{e}");
        }
    }

    #[test]
    fn tmc_frames_mutated(at in edits()) {
        let bytes = mutate(&hex(DATA), &at);
        match Frame::decode(&bytes) {
            // What decodes encodes to a frame that decodes the same.
            Ok(f) => prop_assert_eq!(Frame::decode(&f.encode()).unwrap(), f),
            Err(e) => prop_assert!(e.offset <= bytes.len(), "{e}"),
        }
    }

    #[test]
    fn batch_answers_split_back_into_their_parts(
        parts in proptest::collection::vec("[!-~][ -~\n]{0,39}", 1..6),
        sep in prop_oneof![Just("\r\n-S-\r\n".to_string()), "[#@|]{1,4}"],
    ) {
        prop_assume!(parts.iter().all(|p| !p.contains(&sep) && !p.trim().is_empty()));
        let body = parts.join(&sep);
        // Parts that run into the separator (`|` + `||`) make another, equally valid split.
        let mut at = 0;
        let unambiguous = parts[..parts.len() - 1].iter().all(|p| {
            let ok = body[at..].find(sep.as_str()) == Some(p.len());
            at += p.len() + sep.len();
            ok
        });
        prop_assume!(unambiguous);
        let got = split_batch_answer(body.as_bytes(), &sep, parts.len()).unwrap();
        let want: Vec<Vec<u8>> = parts.iter().map(|p| p.clone().into_bytes()).collect();
        prop_assert_eq!(got, want);
        // Any other count is an error saying what arrived, never a short success.
        let e = split_batch_answer(body.as_bytes(), &sep, parts.len() + 1).unwrap_err();
        prop_assert!(e.to_string().contains("part(s)"), "{e}");
    }

    #[test]
    fn batch_answers_from_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400), n in 0usize..5) {
        if let Ok(parts) = split_batch_answer(&bytes, "\r\n-S-\r\n", n) {
            prop_assert_eq!(parts.len(), n);
        }
    }

    #[test]
    fn xml_from_any_text(text in "[<>/a-z=\"'&;!\\[\\]?CDAT \n-]{0,200}") {
        if let Err(e) = parse_xml(&text) {
            prop_assert!(!e.is_empty());
        }
    }

    #[test]
    fn xml_mutated(at in edits()) {
        let bytes = mutate(SEED_XML.as_bytes(), &at);
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let _ = parse_xml(text);
        }
    }

    #[test]
    fn envelopes_from_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300), xml in any::<bool>(), simplified in any::<bool>()) {
        let format = if xml { Format::Xml } else { Format::Json };
        if let Err(e) = decode_raw(&bytes, format, simplified, "alibaba_kongur_token_getosstoken_response") {
            prop_assert!(!e.to_string().is_empty());
        }
        let _ = decode::<seed::Response>(&bytes, format, simplified, seed::SCHEMA.get());
    }

    #[test]
    fn envelopes_mutated(at in edits(), xml in any::<bool>()) {
        let (base, format) = if xml { (SEED_XML, Format::Xml) } else { (SEED_JSON, Format::Json) };
        let bytes = mutate(base.as_bytes(), &at);
        match decode::<seed::Response>(&bytes, format, false, seed::SCHEMA.get()) {
            Ok(_) => {}
            Err(topsdk::Error::Decode { message, .. }) => prop_assert!(!message.is_empty()),
            Err(topsdk::Error::Api(_)) => {}
            Err(other) => prop_assert!(false, "not a decode error: {other}"),
        }
    }
}
