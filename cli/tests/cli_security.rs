//! `topsdk security encrypt|decrypt|search`: values from the command line and from stdin, the
//! embedded mock's fixed keys across runs, a `topsdk mock` process as the gateway (its keys
//! recomputed here and the ciphertext opened by a bare AES-CBC), typed refusals.

mod support;

use aes::cipher::{BlockDecryptMut, KeyIvInit, block_padding::Pkcs7};
use base64::Engine as _;
use md5::{Digest, Md5};
use std::io::Write;
use std::process::{Command, Output, Stdio};
use support::{BIN, KEY, MockProcess, SECRET};

/// `topsdk security ARGS` with `stdin`, against the embedded mock unless `env` says otherwise.
fn run(args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(BIN);
    c.arg("security")
        .args(args)
        .env_remove("TOP_APP_KEY")
        .env_remove("TOP_SESSION")
        .env_remove("TOP_SECURITY_RANDOM_NUM")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        c.env(k, v);
    }
    let mut child = c.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn ok_lines(out: &Output) -> Vec<String> {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn a_batch_from_stdin_decrypts_in_another_run_and_searches_match() {
    let phones = "13800138000\n13912345678\r\n\n";
    let enc = ok_lines(&run(&["encrypt", "--type", "phone"], phones, &[]));
    assert_eq!(enc.len(), 3, "{enc:?}");
    // The mock's app_config makes phones searchable: `$prefix$cipher$version$$`, app-level
    // keys (negative version).
    for e in &enc[..2] {
        assert!(e.starts_with('$') && e.ends_with("$-2$$"), "{e}");
    }
    assert_eq!(enc[2], "", "a blank line stays as it is");
    // Another process, another mock: the same fixed keys.
    let dec = ok_lines(&run(
        &["decrypt", "--type", "phone"],
        &enc[..2].join("\n"),
        &[],
    ));
    assert_eq!(dec, ["13800138000", "13912345678"]);
    // The search token of the last four digits is the stored form's prefix.
    let token = ok_lines(&run(&["search", "--type", "phone", "5678"], "", &[]));
    assert_eq!(token.len(), 1);
    assert!(enc[1].starts_with(&token[0]), "{} / {}", enc[1], token[0]);
    assert!(!enc[0].starts_with(&token[0]));
    // Nick: searchable form with its index; a search token lies inside it.
    let nick = ok_lines(&run(
        &["encrypt", "--type", "nick", "张三丰abcdef"],
        "",
        &[],
    ));
    let token = ok_lines(&run(&["search", "--type", "nick", "三丰abc"], "", &[]));
    let index = nick[0].split('~').nth(2).unwrap();
    assert!(index.contains(&token[0]), "{} / {}", nick[0], token[0]);
    let back = ok_lines(&run(&["decrypt", "--type", "nick", &nick[0]], "", &[]));
    assert_eq!(back, ["张三丰abcdef"]);
}

#[test]
fn refused_values_keep_the_lines_aligned_and_bad_flags_exit_64() {
    let out = run(
        &["decrypt", "--type", "simple"],
        "plain text\n~bad!base64~-2~\n",
        &[],
    );
    // Refused values are data errors (65), not usage (64).
    assert_eq!(out.status.code(), Some(65));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "\n\n");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 1: not ciphertext"), "{err}");
    assert!(err.contains("line 2:"), "{err}");
    let out = run(&["encrypt", "--type", "phone", "138"], "", &[]);
    assert_eq!(out.status.code(), Some(65));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("line 1: a phone of 3 characters"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for (args, says) in [
        (
            &["encrypt", "--type", "rot13", "x"][..],
            "--type: unknown data type `rot13`",
        ),
        (
            &["encrypt", "--type", "simple", "--session", "_1x", "x"],
            "--session:",
        ),
        (
            &["decrypt", "--type", "simple", "--previous", "x"],
            "--previous",
        ),
    ] {
        let out = run(args, "", &[]);
        assert_eq!(out.status.code(), Some(64), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
    // A shop's value read without the shop: refused, not decrypted with the app's key.
    let shop = ok_lines(&run(
        &["encrypt", "--type", "simple", "--session", "6201shop", "x1"],
        "",
        &[],
    ));
    assert!(shop[0].ends_with("~2~"), "{shop:?}");
    let out = run(&["decrypt", "--type", "simple", &shop[0]], "", &[]);
    assert_eq!(out.status.code(), Some(65));
    let back = ok_lines(&run(
        &["decrypt", "--type", "simple", &shop[0]],
        "",
        &[("TOP_SESSION", "6201shop")],
    ));
    assert_eq!(back, ["x1"]);
}

/// With credentials the keys come from the gateway: a `topsdk mock` process here, whose key of
/// a scope is base64(MD5("secret|scope|version")); the test opens the stored value with that
/// key by a bare AES-CBC (IV "0102030405060708"), not through topsdk.
#[test]
fn with_credentials_the_gateways_key_is_used_and_the_random_number_is_required() {
    let mock = MockProcess::start(&[]);
    let creds = [
        ("TOP_APP_KEY", KEY),
        ("TOP_APP_SECRET", SECRET),
        ("TOP_GATEWAY_URL", mock.url.as_str()),
    ];
    let out = run(&["encrypt", "--type", "simple", "x"], "", &creds);
    assert_eq!(out.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&out.stderr).contains("TOP_SECURITY_RANDOM_NUM"));

    let mut env = creds.to_vec();
    env.push(("TOP_SECURITY_RANDOM_NUM", "rn-1"));
    let plain = "收件人 Zhang, 3 Road";
    let stored = ok_lines(&run(
        &["encrypt", "--type", "simple", "--session", "sess-9", plain],
        "",
        &env,
    ));
    let parts: Vec<&str> = stored[0].split('~').collect();
    assert_eq!(parts.len(), 4, "{stored:?}");
    assert_eq!(parts[2], "2");
    let key = Md5::digest(format!("{SECRET}|session:sess-9|2").as_bytes());
    let mut data = base64::engine::general_purpose::STANDARD
        .decode(parts[1])
        .unwrap();
    let opened =
        cbc::Decryptor::<aes::Aes128>::new(key.as_slice().into(), b"0102030405060708".into())
            .decrypt_padded_mut::<Pkcs7>(&mut data)
            .unwrap();
    assert_eq!(std::str::from_utf8(opened).unwrap(), plain);
    // The previous version's key (1) for a migration.
    let old = ok_lines(&run(
        &[
            "encrypt",
            "--type",
            "simple",
            "--session",
            "sess-9",
            "--previous",
            "y",
        ],
        "",
        &env,
    ));
    assert!(old[0].ends_with("~1~"), "{old:?}");
    let mut env2 = env.clone();
    env2.push(("TOP_SESSION", "sess-9"));
    let back = ok_lines(&run(
        &["decrypt", "--type", "simple"],
        &format!("{}\n{}\n", stored[0], old[0]),
        &env2,
    ));
    assert_eq!(back, [plain, "y"]);
    // A wrong app secret: the gateway refuses the key fetch, the CLI says so as `call` does.
    env[1] = ("TOP_APP_SECRET", "wrong");
    let out = run(&["encrypt", "--type", "simple", "x"], "", &env);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
}

/// One output line per input line whatever the plaintext holds: a value with a line break,
/// decrypted among others, is refused on its own line (said on stderr with its line number),
/// and the values after it stay on their lines.
#[test]
fn a_plaintext_with_a_line_break_keeps_the_lines_aligned() {
    let stored = ok_lines(&run(
        &["encrypt", "--type", "simple", "first\nsecond"],
        "",
        &[],
    ));
    assert_eq!(stored.len(), 1, "{stored:?}");
    let plain = ok_lines(&run(&["encrypt", "--type", "simple", "plain"], "", &[]));
    let input = format!("{}\n{}\n{}\n", plain[0], stored[0], plain[0]);
    let out = run(&["decrypt", "--type", "simple"], &input, &[]);
    assert_eq!(out.status.code(), Some(65));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "plain\n\nplain\n");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 2") && err.contains("line break"),
        "{err}"
    );
}

/// A line of stdin that is not UTF-8 is refused on its own line (its number said), not the
/// whole batch.
#[test]
fn a_line_that_is_not_utf8_is_refused_alone() {
    let plain = ok_lines(&run(&["encrypt", "--type", "simple", "plain"], "", &[]));
    let mut input = format!("{}\n", plain[0]).into_bytes();
    input.extend_from_slice(b"bad\xff\n");
    input.extend_from_slice(format!("{}\n", plain[0]).as_bytes());
    let mut child = Command::new(BIN)
        .args(["security", "decrypt", "--type", "simple"])
        .env_remove("TOP_APP_KEY")
        .env_remove("TOP_SESSION")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(65));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "plain\n\nplain\n");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 2: not UTF-8"), "{err}");
}

/// Output follows input: with stdin still open (as `tail -f` keeps it), a line's answer is
/// printed before the next line is sent.
#[test]
fn lines_are_answered_as_they_arrive() {
    use std::io::{BufRead, BufReader};
    let plain = ok_lines(&run(&["encrypt", "--type", "simple", "plain"], "", &[]));
    let mut child = Command::new(BIN)
        .args(["security", "decrypt", "--type", "simple"])
        .env_remove("TOP_APP_KEY")
        .env_remove("TOP_SESSION")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let _ = tx.send(line.unwrap());
        }
    });
    for _ in 0..3 {
        writeln!(stdin, "{}", plain[0]).unwrap();
        stdin.flush().unwrap();
        let got = rx
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("no answer while stdin is open");
        assert_eq!(got, "plain");
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
}
