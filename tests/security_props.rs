//! Properties of `topsdk::security` on the mock's keys: every non-blank text comes back from
//! its ciphertext for every type and scope (astral characters, whose UTF-16 halves the index
//! windows split into lone surrogates, included), and damaged ciphertext or keys give typed
//! errors, never a panic.

use proptest::prelude::*;
use std::sync::OnceLock;
use topsdk::mock::MockGateway;
use topsdk::security::{self, DataType, Key, Scope, SecurityClient, SecurityError};

const TYPES: [DataType; 6] = [
    DataType::Nick,
    DataType::Simple,
    DataType::ReceiverName,
    DataType::Phone,
    DataType::Normal,
    DataType::Search,
];

struct World {
    rt: tokio::runtime::Runtime,
    _mock: MockGateway,
    sec: SecurityClient,
}

fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let (mock, sec) = rt.block_on(async {
            let mock = MockGateway::start(std::iter::empty(), "12345678", "s3cret")
                .await
                .unwrap();
            let client = topsdk::Client::builder("12345678", "s3cret")
                .gateway_url(mock.url())
                .build()
                .unwrap();
            (mock, SecurityClient::new(client, "rn"))
        });
        World {
            rt,
            _mock: mock,
            sec,
        }
    })
}

fn scopes() -> [Scope; 3] {
    [
        Scope::App,
        Scope::Session("shop-7".into()),
        Scope::Customer(12345),
    ]
}

/// Text weighted towards what breaks encoders: CJK, astral characters, Java's whitespace,
/// the formats' separators, controls.
fn text() -> impl Strategy<Value = String> {
    let ch = prop_oneof![
        any::<char>(),
        prop::sample::select(vec![
            '张', '三', '😀', '𠀀', '\u{3000}', ' ', '~', '$', '\u{1}', '0', '9', 'a', '\u{FEFF}'
        ]),
    ];
    prop::collection::vec(ch, 0..24).prop_map(|v| v.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn decrypt_of_encrypt_is_the_text(x in text()) {
        let w = world();
        w.rt.block_on(async {
            for scope in scopes() {
                for ty in TYPES {
                    let stored = match w.sec.encrypt(&scope, ty, &x).await {
                        Ok(s) => s,
                        Err(SecurityError::PhoneTooShort { .. }) => {
                            prop_assert!(ty == DataType::Phone && x.encode_utf16().count() < 11);
                            continue;
                        }
                        Err(e) => return Err(TestCaseError::fail(format!("{ty} {scope:?} {x:?}: {e}"))),
                    };
                    if x.chars().all(char::is_whitespace) && stored == x {
                        continue; // blank text is kept as it is
                    }
                    prop_assert!(security::is_encrypted(&stored, ty), "{ty} {x:?} -> {stored}");
                    let back = w.sec.decrypt(&scope, ty, &stored).await;
                    prop_assert_eq!(back.map(|s| s.expose().clone()).ok(), Some(x.clone()), "{} {}", ty, stored);
                }
            }
            Ok(())
        })?;
    }

    #[test]
    fn damaged_ciphertext_is_a_typed_error(x in "[a-z张]{1,8}", cut in 0usize..60, at in 0usize..60, with in any::<char>()) {
        let w = world();
        w.rt.block_on(async {
            for ty in [DataType::Nick, DataType::Phone, DataType::Search] {
                let plain = if ty == DataType::Phone { format!("138{x:0>8}") } else { format!("张{x}") };
                let good = w.sec.encrypt(&Scope::App, ty, &plain).await.unwrap();
                let units: Vec<char> = good.chars().collect();
                let truncated: String = units[..cut.min(units.len())].iter().collect();
                let mut replaced = units.clone();
                let i = at % replaced.len();
                replaced[i] = with;
                let replaced: String = replaced.into_iter().collect();
                let swapped = good.replace(ty.separator(), if ty == DataType::Phone { "~" } else { "$" });
                for bad in [truncated, replaced, swapped] {
                    match w.sec.decrypt(&Scope::App, ty, &bad).await {
                        // AES-CBC carries no MAC (as in the official client): a changed block can
                        // decrypt to other text with valid padding, about 1 in 256; a change the
                        // lenient base64 skips gives the text. What must hold is no panic.
                        Ok(_) => {}
                        Err(e) => {
                            let shown = format!("{e}");
                            prop_assert!(!shown.is_empty());
                            prop_assert!(!shown.contains(&plain), "{shown}");
                        }
                    }
                }
            }
            Ok(())
        })?;
    }

    #[test]
    fn keys_of_any_length(bytes in prop::collection::vec(any::<u8>(), 0..48)) {
        let r = Key::from_bytes(&bytes);
        prop_assert_eq!(r.is_ok(), [16, 24, 32].contains(&bytes.len()));
        if let Err(e) = r {
            let typed = matches!(e, SecurityError::KeyLength { len } if len == bytes.len());
            prop_assert!(typed, "{:?}", e);
        }
    }
}
