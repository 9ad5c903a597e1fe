//! Nothing TOP issued is lost in `topsdk auth`: a store that refuses the write (a SQLite
//! trigger raising, as a full disk or a locked-down table would) leaves the token in the rescue
//! file or on stdout with exit 4; a batch refresh goes on past a failed write; a row that does
//! not read is skipped and named; the store file is created owner-only; the built-in mock
//! refuses a refresh token already used.

use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_topsdk");

fn auth(db: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("auth")
        .args(args)
        .env_remove("TOP_APP_KEY")
        .env("TOP_TOKEN_DB", db)
        .output()
        .unwrap()
}

fn stdout_of(out: &Output, code: i32) -> String {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn refuse_writes(db: &Path, on: &str) {
    let c = rusqlite::Connection::open(db).unwrap();
    let name: String = on
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    c.execute_batch(&format!(
        "CREATE TRIGGER no_{name} BEFORE {on} ON tmc_tokens_v1 BEGIN SELECT RAISE(FAIL, 'disk full'); END;"
    ))
    .unwrap();
}

#[test]
fn a_token_the_store_refuses_goes_to_the_rescue_file_or_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tokens.sqlite");
    // A first token makes the store (and its table).
    stdout_of(&auth(&db, &["token", "--code", "first"]), 0);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&db).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the store holds tokens in clear: {mode:o}");
    }
    refuse_writes(&db, "INSERT");
    // No rescue file: the token in full on stdout, a warning, exit 4.
    let out = auth(&db, &["token", "--code", "second"]);
    let text = stdout_of(&out, 4);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("disk full") && err.contains("not stored"),
        "{err}"
    );
    let line: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
    let access = line["token"]["access_token"].as_str().unwrap();
    assert!(access.starts_with("62"), "{line}");
    assert!(
        line["token"]["refresh_token"]
            .as_str()
            .unwrap()
            .starts_with("63")
    );
    // With a rescue file: appended there (owner-only), nothing secret on stdout.
    let rescue = dir.path().join("rescued.jsonl");
    let out = auth(
        &db,
        &[
            "token",
            "--code",
            "third",
            "--rescue-file",
            rescue.to_str().unwrap(),
        ],
    );
    assert_eq!(stdout_of(&out, 4), "");
    let saved = std::fs::read_to_string(&rescue).unwrap();
    let line: serde_json::Value = serde_json::from_str(saved.trim()).unwrap();
    assert!(line["shop"].as_i64().unwrap() > 0);
    assert!(
        line["token"]["access_token"]
            .as_str()
            .unwrap()
            .starts_with("62")
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&rescue).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{mode:o}");
    }
    // A store that cannot open: nothing is asked of TOP (the code is not spent).
    let bad = dir.path().join("not-a-db");
    std::fs::write(
        &bad,
        "this is not SQLite, and long enough to be read as a header....",
    )
    .unwrap();
    let out = auth(&bad, &["token", "--code", "fourth"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(out.stdout.is_empty());
}

#[test]
fn a_batch_refresh_goes_past_failed_writes_and_unreadable_rows() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tokens.sqlite");
    let mut shops = Vec::new();
    for code in ["a", "b", "c"] {
        let line: serde_json::Value =
            serde_json::from_str(&stdout_of(&auth(&db, &["token", "--code", code]), 0)).unwrap();
        shops.push(line["shop"].as_i64().unwrap());
    }
    // One row no longer reads.
    let c = rusqlite::Connection::open(&db).unwrap();
    c.execute(
        "UPDATE tmc_tokens_v1 SET token = '{not json' WHERE shop = ?1",
        [shops[0]],
    )
    .unwrap();
    drop(c);
    let out = auth(&db, &["list"]);
    let text = stdout_of(&out, 2);
    assert_eq!(
        text.lines().count(),
        2,
        "the other shops are listed: {text}"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("shop {}", shops[0])) && err.contains("skipped"),
        "{err}"
    );
    assert!(
        !err.contains("not json"),
        "the row's text is not echoed: {err}"
    );
    // Token writes refused (the refresh claims, which only write the lease, go through):
    // both due tokens are refreshed, neither lost. A store that refuses the claims too
    // refreshes nothing, so nothing TOP issues can be lost there.
    refuse_writes(&db, "UPDATE OF token");
    refuse_writes(&db, "INSERT");
    let rescue = dir.path().join("rescued.jsonl");
    let out = auth(
        &db,
        &[
            "refresh",
            "--margin-secs",
            "172800",
            "--rescue-file",
            rescue.to_str().unwrap(),
        ],
    );
    let text = stdout_of(&out, 4);
    let report: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
    assert_eq!(report["unreadable"][0]["shop"].as_i64(), Some(shops[0]));
    let mut unsaved: Vec<i64> = report["unsaved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["shop"].as_i64().unwrap())
        .collect();
    unsaved.sort_unstable();
    let mut want = shops[1..].to_vec();
    want.sort_unstable();
    assert_eq!(unsaved, want, "{report}");
    let saved = std::fs::read_to_string(&rescue).unwrap();
    assert_eq!(saved.lines().count(), 2, "{saved}");
    // The rescued refresh tokens are the current ones; the stored (old) ones were spent, and
    // the mock refuses them (a fresh run of the built-in mock: the spent ones are refused in
    // the run that spent them, see the unit test of the mock).
    for l in saved.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert!(
            v["token"]["refresh_token"]
                .as_str()
                .unwrap()
                .starts_with("63")
        );
    }
}

#[test]
fn tokens_sealed_with_top_token_key_open_only_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tokens.sqlite");
    let key = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="; // bytes 1..=32
    let with_key = |args: &[&str], k: &str| {
        let mut c = Command::new(BIN);
        c.arg("auth")
            .args(args)
            .env_remove("TOP_APP_KEY")
            .env("TOP_TOKEN_DB", &db);
        // "-": the variable unset.
        match k {
            "-" => c.env_remove("TOP_TOKEN_KEY"),
            k => c.env("TOP_TOKEN_KEY", k),
        };
        c.output().unwrap()
    };
    stdout_of(&with_key(&["token", "--code", "sealed"], key), 0);
    // Nothing of the token in clear in the file.
    let c = rusqlite::Connection::open(&db).unwrap();
    let stored: String = c
        .query_row("SELECT token FROM tmc_tokens_v1", [], |r| r.get(0))
        .unwrap();
    drop(c);
    assert!(stored.starts_with("sealed:v1:"), "{stored}");
    assert!(
        !stored.contains("access_token") && !stored.contains("\"62"),
        "{stored}"
    );
    assert_eq!(stdout_of(&with_key(&["list"], key), 0).lines().count(), 1);
    // Without the key: named as unreadable, never shown.
    let out = with_key(&["list"], "-");
    assert_eq!(stdout_of(&out, 2), "");
    assert!(String::from_utf8_lossy(&out.stderr).contains("sealed"));
    // With another key: the store (which remembers its key's fingerprint) is refused.
    let other = "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICA=";
    let out = with_key(&["list"], other);
    assert_eq!(stdout_of(&out, 3), "");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("sealed with key") && err.contains("TOP_TOKEN_KEY_PREVIOUS"),
        "{err}"
    );
    // Without the key, nothing is written in clear beside the sealed token: TOP's token is
    // rescued (exit 4), the store keeps one row.
    let out = with_key(&["token", "--code", "clear"], "-");
    assert_eq!(out.status.code(), Some(4));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("opened without a key"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A key that is not 32 bytes of base64 is a usage error.
    assert_eq!(with_key(&["list"], "c2hvcnQ=").status.code(), Some(64));
    // Sealing fails closed: a key set but blank (`$(cat missing-file)`) is an error before
    // anything is written, never tokens in clear beside sealed ones.
    for blank in ["", "  \n"] {
        let out = with_key(&["token", "--code", "clear"], blank);
        assert_eq!(out.status.code(), Some(64), "{blank:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("blank"));
    }
    let c = rusqlite::Connection::open(&db).unwrap();
    let rows: i64 = c
        .query_row("SELECT count(*) FROM tmc_tokens_v1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 1, "nothing written with a blank key");
}

#[test]
fn a_sealing_key_is_rotated_with_the_previous_one_and_reseal() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tokens.sqlite");
    let old = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
    let new = "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICA=";
    let run = |args: &[&str], key: Option<&str>, previous: Option<&str>| {
        let mut c = Command::new(BIN);
        c.arg("auth")
            .args(args)
            .env_remove("TOP_APP_KEY")
            .env_remove("TOP_TOKEN_KEY")
            .env_remove("TOP_TOKEN_KEY_PREVIOUS")
            .env("TOP_TOKEN_DB", &db);
        if let Some(k) = key {
            c.env("TOP_TOKEN_KEY", k);
        }
        if let Some(p) = previous {
            c.env("TOP_TOKEN_KEY_PREVIOUS", p);
        }
        c.output().unwrap()
    };
    // One token in clear, then a key: the clear row reads, and reseal seals it.
    stdout_of(&run(&["token", "--code", "first"], None, None), 0);
    stdout_of(&run(&["token", "--code", "second"], Some(old), None), 0);
    let resealed = stdout_of(&run(&["reseal"], Some(old), None), 0);
    assert!(resealed.contains("\"resealed\":2"), "{resealed}");
    let sealed_rows = |db: &Path| -> i64 {
        let c = rusqlite::Connection::open(db).unwrap();
        c.query_row(
            "SELECT count(*) FROM tmc_tokens_v1 WHERE token LIKE 'sealed:v1:%'",
            [],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(sealed_rows(&db), 2);
    // Reseal without a key is a usage error; the previous key alone too.
    assert_eq!(run(&["reseal"], None, None).status.code(), Some(64));
    assert_eq!(run(&["list"], None, Some(old)).status.code(), Some(64));
    // Rotation: the new key with the old one as previous takes the store over; every row
    // reads, and reseal moves them to the new key.
    assert_eq!(
        stdout_of(&run(&["list"], Some(new), Some(old)), 0)
            .lines()
            .count(),
        2
    );
    stdout_of(&run(&["reseal"], Some(new), Some(old)), 0);
    assert_eq!(
        stdout_of(&run(&["list"], Some(new), None), 0)
            .lines()
            .count(),
        2
    );
    // The old key is now refused: the store is sealed with the new one.
    let out = run(&["list"], Some(old), None);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("sealed with key"));
}
