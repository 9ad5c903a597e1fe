//! Buyer-data security per value, against the bare cost of the same bytes: AES-CBC + base64 of
//! the UTF-8 text with the same key (what the stored form cannot cost less than), and a page
//! of 100 trades (nick, receiver name, phone each) decrypted in place
//! (`cargo bench -p topsdk --bench security`). Keys are cached (warmed first): this is the
//! cost of the cryptography and the format, not of `taobao.top.secret.get`.

use aes::cipher::{
    BlockDecryptMut, BlockEncryptMut, InnerIvInit, KeyInit, KeyIvInit, block_padding::Pkcs7,
};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use std::hint::black_box;
use std::time::Instant;
use topsdk::mock::MockGateway;
use topsdk::security::{DataType, Scope, SecurityClient};

const IV: &[u8; 16] = b"0102030405060708";

/// Nanoseconds per call of `f`, the median of 7 rounds of `n` calls.
fn per_call(n: u32, mut f: impl FnMut()) -> f64 {
    let mut rounds: Vec<f64> = (0..7)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..n {
                f();
            }
            t.elapsed().as_nanos() as f64 / f64::from(n)
        })
        .collect();
    rounds.sort_by(f64::total_cmp);
    rounds[3]
}

/// [`per_call`] for an async call, awaited in a loop inside one `block_on` (as a caller on a
/// runtime would: entering the runtime is not the library's cost).
fn per_await<F: std::future::Future>(
    rt: &tokio::runtime::Runtime,
    n: u32,
    mut f: impl FnMut() -> F,
) -> f64 {
    let mut rounds: Vec<f64> = (0..7)
        .map(|_| {
            rt.block_on(async {
                let t = Instant::now();
                for _ in 0..n {
                    black_box(f().await);
                }
                t.elapsed().as_nanos() as f64 / f64::from(n)
            })
        })
        .collect();
    rounds.sort_by(f64::total_cmp);
    rounds[3]
}

#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct Trade {
    tid: i64,
    buyer_nick: String,
    receiver_name: String,
    receiver_mobile: String,
    title: String,
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mock = rt
        .block_on(MockGateway::start(std::iter::empty(), "12345678", "s3cret"))
        .unwrap();
    let client = topsdk::Client::builder("12345678", "s3cret")
        .gateway_url(mock.url())
        .build()
        .unwrap();
    let sec = SecurityClient::new(client, "rn");
    let shop = Scope::Session("bench-shop".into());
    let text = "浙江省杭州市西湖区文三路"; // 36 bytes of UTF-8
    let stored = rt
        .block_on(sec.encrypt(&shop, DataType::Simple, text))
        .unwrap();
    // The mock's key for this shop, to time the bare cipher with the same key length.
    let key = [7u8; 16];
    let bare_ct = STANDARD.encode(
        cbc::Encryptor::<aes::Aes128>::new(&key.into(), IV.into())
            .encrypt_padded_vec_mut::<Pkcs7>(text.as_bytes()),
    );
    let n = 20_000;
    let bare_enc = per_call(n, || {
        let ct = cbc::Encryptor::<aes::Aes128>::new(&key.into(), IV.into())
            .encrypt_padded_vec_mut::<Pkcs7>(black_box(text).as_bytes());
        black_box(STANDARD.encode(ct));
    });
    let bare_dec = per_call(n, || {
        let ct = STANDARD.decode(black_box(&bare_ct)).unwrap();
        let p = cbc::Decryptor::<aes::Aes128>::new(&key.into(), IV.into())
            .decrypt_padded_vec_mut::<Pkcs7>(&ct)
            .unwrap();
        black_box(String::from_utf8(p).unwrap());
    });
    // The strict baseline: the key schedule expanded once, as a long-lived key allows.
    let schedule = aes::Aes128::new(&key.into());
    let kept_enc = per_call(n, || {
        let ct = cbc::Encryptor::<aes::Aes128>::inner_iv_init(schedule.clone(), IV.into())
            .encrypt_padded_vec_mut::<Pkcs7>(black_box(text).as_bytes());
        black_box(STANDARD.encode(ct));
    });
    let kept_dec = per_call(n, || {
        let mut ct = STANDARD.decode(black_box(&bare_ct)).unwrap();
        let len = cbc::Decryptor::<aes::Aes128>::inner_iv_init(schedule.clone(), IV.into())
            .decrypt_padded_mut::<Pkcs7>(&mut ct)
            .unwrap()
            .len();
        ct.truncate(len);
        black_box(String::from_utf8(ct).unwrap());
    });
    let enc = per_await(&rt, n, || async {
        sec.encrypt(&shop, DataType::Simple, black_box(text))
            .await
            .unwrap()
    });
    let dec = per_await(&rt, n, || async {
        sec.decrypt(&shop, DataType::Simple, black_box(&stored))
            .await
            .unwrap()
    });
    // Many values of one shop at once (a page to store, a page read back): one key lookup.
    let texts: Vec<String> = (0..100).map(|i| format!("{text}{}", i % 10)).collect();
    let stored_many: Vec<String> = rt
        .block_on(sec.encrypt_many(&shop, DataType::Simple, &texts))
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let enc_many = per_await(&rt, n / 100, || async {
        sec.encrypt_many(&shop, DataType::Simple, black_box(&texts))
            .await
    }) / 100.0;
    let dec_many = per_await(&rt, n / 100, || async {
        sec.decrypt_many(&shop, DataType::Simple, black_box(&stored_many))
            .await
    }) / 100.0;
    let search = per_await(&rt, n, || async {
        sec.search(&shop, DataType::Nick, black_box("杭州市西湖"))
            .await
            .unwrap()
    });
    let nick_index = per_await(&rt, n / 4, || async {
        sec.encrypt(&shop, DataType::Nick, black_box(text))
            .await
            .unwrap()
    });
    println!("36 bytes of UTF-8 (12 CJK characters), per value:");
    println!("  bare AES-CBC + base64 encrypt, key expanded per call {bare_enc:>6.0} ns");
    println!("  bare AES-CBC + base64 encrypt, key schedule kept     {kept_enc:>6.0} ns");
    println!(
        "  encrypt (simple)                                     {enc:>6.0} ns  {:.2}x / {:.2}x",
        enc / bare_enc,
        enc / kept_enc
    );
    println!("  bare base64 + AES-CBC decrypt, key expanded per call {bare_dec:>6.0} ns");
    println!("  bare base64 + AES-CBC decrypt, key schedule kept     {kept_dec:>6.0} ns");
    println!(
        "  decrypt (simple)                                     {dec:>6.0} ns  {:.2}x / {:.2}x",
        dec / bare_dec,
        dec / kept_dec
    );
    println!(
        "  encrypt_many, 100 values (37 bytes each), per value      {enc_many:>6.0} ns  {:.2}x / {:.2}x",
        enc_many / bare_enc,
        enc_many / kept_enc
    );
    println!(
        "  decrypt_many, 100 values, per value                      {dec_many:>6.0} ns  {:.2}x / {:.2}x",
        dec_many / bare_dec,
        dec_many / kept_dec
    );
    println!("  search token (nick, 5 chars)    {search:>8.0} ns");
    println!("  encrypt (nick, searchable form) {nick_index:>8.0} ns");

    let page: Vec<Trade> = (0..100)
        .map(|i| {
            let e = |ty, t: String| rt.block_on(sec.encrypt(&shop, ty, &t)).unwrap();
            Trade {
                tid: 4_000_000_000_000_000_000 + i,
                buyer_nick: e(DataType::Nick, format!("买家{i}")),
                receiver_name: e(DataType::ReceiverName, format!("收货人{i}")),
                receiver_mobile: e(DataType::Phone, format!("1380013{i:04}")),
                title: format!("title {i}"),
            }
        })
        .collect();
    let page_ns = per_await(&rt, 200, || async {
        sec.decrypt_response(&shop, page.clone()).await.unwrap()
    });
    println!(
        "a page of 100 trades (300 ciphertexts) decrypted in place: {:.0} µs ({:.0} ns a value)",
        page_ns / 1000.0,
        page_ns / 300.0
    );
    println!("key fetches in all: {}", sec.key_fetches());
}
