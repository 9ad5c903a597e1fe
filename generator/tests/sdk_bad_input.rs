//! `topgen import-sdk` on what is not a good SDK download: the zip forms (our reader against
//! zips the `zip` crate writes), truncated, huge, hostile and mangled archives and sources,
//! an API whose sources break a rule of the spec format.

mod support;

use std::io::Write as _;
use std::path::Path;
use std::process::Command;
use support::{fixture, import, specs, walk, zip_of};
use topgen::test_util::import::sdk::{SdkOptions, import_sdk};
use topgen::test_util::random::Rng;

#[test]
fn the_zip_and_a_source_jar_inside_it_read_like_the_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = import(&fixture("java"));
    let zip = tmp.path().join("taobao-sdk-java-auto.zip");
    std::fs::write(&zip, zip_of(&fixture("java"), &[])).unwrap();
    assert_eq!(specs(&import(&zip)), specs(&folder));
    // The console's Java download: a binary jar and a `-source.jar` inside the zip.
    let jar = zip_of(&fixture("java"), &[]);
    let outer = tmp.path().join("outer.zip");
    let empty = tempfile::tempdir().unwrap();
    std::fs::write(
        &outer,
        zip_of(
            empty.path(),
            &[
                ("taobao-sdk-java-auto-source.jar", &jar),
                ("taobao-sdk-java-auto.jar", b"PK\x05\x06 not really"),
                ("readme.txt", b"hello"),
            ],
        ),
    )
    .unwrap();
    let nested = import(&outer);
    assert_eq!(specs(&nested), specs(&folder));
    assert!(
        nested
            .skipped
            .iter()
            .any(|s| s.contains("taobao-sdk-java-auto.jar: not read")),
        "{:?}",
        nested.skipped
    );
}

#[test]
fn bad_downloads_are_clear_errors_and_nothing_is_written_outside_out() {
    let tmp = tempfile::tempdir().unwrap();
    let err = |p: &Path| {
        import_sdk(p, &SdkOptions::default())
            .unwrap_err()
            .to_string()
    };

    // Not an SDK: a text file, an empty folder, a folder of other files.
    let text = tmp.path().join("notes.txt");
    std::fs::write(&text, "hello").unwrap();
    assert!(err(&text).contains("not an SDK download"), "{}", err(&text));
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    assert!(
        err(&empty).contains("no .java, .cs, .php or .py sources"),
        "{}",
        err(&empty)
    );

    // A 1 GB source file in a folder: not read, the rest is.
    let big = tmp.path().join("big");
    std::fs::create_dir_all(big.join("request")).unwrap();
    std::fs::copy(
        fixture("java").join("com/taobao/api/request/DemoCategoryGetRequest.java"),
        big.join("request/DemoCategoryGetRequest.java"),
    )
    .unwrap();
    std::fs::File::create(big.join("request/HugeRequest.java"))
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    let imp = import(&big);
    assert_eq!(imp.apis.len(), 1);
    assert!(
        imp.skipped[0].contains("HugeRequest.java: not read: 1073741824 bytes, more than"),
        "{:?}",
        imp.skipped
    );

    // A truncated download.
    let whole = zip_of(&fixture("java"), &[]);
    let cut = tmp.path().join("cut.zip");
    std::fs::write(&cut, &whole[..whole.len() / 2]).unwrap();
    assert!(err(&cut).contains("truncated"), "{}", err(&cut));

    // A 1 GB file (sparse): refused from its last 64 KiB, as a zip or as anything.
    for name in ["huge.zip", "huge.bin"] {
        let huge = tmp.path().join(name);
        let f = std::fs::File::create(&huge).unwrap();
        f.set_len(1 << 30).unwrap();
        drop(f);
        let e = err(&huge);
        assert!(e.contains("not an SDK download"), "{e}");
        let mut f = std::fs::OpenOptions::new().write(true).open(&huge).unwrap();
        f.write_all(b"PK\x03\x04").unwrap();
        drop(f);
        let e = err(&huge);
        assert!(e.contains("no end-of-central-directory"), "{e}");
    }

    // Hostile entries: path traversal, absolute, binary, not UTF-8; the good ones still read.
    let evil_src =
        std::fs::read(fixture("java").join("com/taobao/api/request/DemoCategoryGetRequest.java"))
            .unwrap();
    // Type arguments nested 100,000 deep: refused, not a stack overflow.
    let deep = format!(
        "class DeepRequest {{ private {}X{} x; }}",
        "List<".repeat(100_000),
        ">".repeat(100_000)
    );
    let hostile = tmp.path().join("hostile.zip");
    std::fs::write(
        &hostile,
        zip_of(
            &fixture("java"),
            &[
                ("../../evil/EvilRequest.java", &evil_src),
                ("/etc/AbsRequest.java", &evil_src),
                ("bin/BinRequest.java", b"class A {\0\0\0}"),
                ("bin/Latin1Request.java", b"class A { /* \xe9 */ }"),
                ("deep/DeepRequest.java", deep.as_bytes()),
            ],
        ),
    )
    .unwrap();
    let imp = import(&hostile);
    assert_eq!(imp.apis.len(), 4);
    let skipped = imp.skipped.join("\n");
    for want in [
        "../../evil/EvilRequest.java: not read: an unsafe path",
        "/etc/AbsRequest.java: not read: an unsafe path",
        "bin/BinRequest.java: not read: binary content",
        "bin/Latin1Request.java: not read: not UTF-8",
        "deep/DeepRequest.java:1: not read: type arguments nested deeper than 32 levels",
    ] {
        assert!(skipped.contains(want), "{want} in {skipped}");
    }
    let out = tmp.path().join("work/out");
    std::fs::create_dir_all(&out).unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_topgen"))
        .args(["import-sdk"])
        .arg(&hostile)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let mut written = Vec::new();
    walk(&tmp.path().join("work"), &mut written);
    assert_eq!(written.len(), 4, "{written:?}");
    assert!(
        written
            .iter()
            .all(|p| p.starts_with(&out) && p.extension().unwrap() == "yaml")
    );
    assert!(!tmp.path().join("evil").exists());

    // A language the download does not hold.
    let e = import_sdk(
        &fixture("php"),
        &SdkOptions {
            language: Some(topgen::test_util::import::sdk::Language::Java),
            ..SdkOptions::default()
        },
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("--lang java: no Java sources here (found: PHP)"),
        "{e}"
    );

    // A category flag that would leave --out is refused.
    let e = import_sdk(
        &fixture("java"),
        &SdkOptions {
            category: Some("../x".into()),
            ..SdkOptions::default()
        },
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("letters, digits and `_` only"), "{e}");
}

#[test]
fn mangled_zips_and_sources_give_errors_or_skips_never_a_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    // Zips: bytes flipped anywhere (directory, headers, data), or cut short.
    let whole = zip_of(&fixture("java"), &[]);
    let path = tmp.path().join("mangled.zip");
    for i in 0..400 {
        let mut bytes = whole.clone();
        if i % 4 == 0 {
            bytes.truncate(rng.below(bytes.len()));
        } else {
            for _ in 0..1 + rng.below(8) {
                let at = rng.below(bytes.len());
                bytes[at] = rng.next_u64() as u8;
            }
        }
        std::fs::write(&path, &bytes).unwrap();
        let _ = import_sdk(&path, &SdkOptions::default());
    }
    // Sources of every language: characters deleted, duplicated, or replaced by punctuation.
    let punct = [
        '{', '}', '(', ')', '<', '>', '"', '\'', ';', ',', '/', '*', '@', '[', ']', '#', '$', '\\',
    ];
    for lang in ["java", "dotnet", "php", "python"] {
        let mut files = Vec::new();
        walk(&fixture(lang), &mut files);
        for f in &files {
            let text: Vec<char> = std::fs::read_to_string(f).unwrap().chars().collect();
            let dir = tmp.path().join(lang);
            for _ in 0..40 {
                let mut t = text.clone();
                for _ in 0..1 + rng.below(4) {
                    let at = rng.below(t.len());
                    match rng.below(3) {
                        0 => {
                            t.remove(at);
                        }
                        1 => t.insert(at, t[at]),
                        _ => t[at] = punct[rng.below(punct.len())],
                    }
                }
                let _ = std::fs::remove_dir_all(&dir);
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(
                    dir.join(f.file_name().unwrap()),
                    t.iter().collect::<String>(),
                )
                .unwrap();
                // Whatever is made is a spec that validates; nothing else is asked.
                if let Ok(imp) = import_sdk(&dir, &SdkOptions::default()) {
                    let out = tmp.path().join("out");
                    let report = imp.write(&out);
                    assert!(report.failed.is_empty(), "{f:?}: {:?}", report.failed);
                }
            }
        }
    }
}

#[test]
fn an_api_whose_sources_break_a_rule_of_the_format_is_skipped_with_why() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("DemoRuleGetRequest.java"),
        r#"
/** TOP API: taobao.demo.rule.get request */
public class DemoRuleGetRequest extends BaseTaobaoRequest<DemoRuleGetResponse> {
    private String format;
    private String ok;
    public String getApiMethodName() { return "taobao.demo.rule.get"; }
    public Map<String, String> getTextParams() {
        TaobaoHashMap txtParams = new TaobaoHashMap();
        txtParams.put("format", this.format);
        txtParams.put("ok", this.ok);
        return txtParams;
    }
}
"#,
    )
    .unwrap();
    let imp = import(tmp.path());
    assert!(imp.apis.is_empty());
    assert_eq!(imp.skipped.len(), 1, "{:?}", imp.skipped);
    assert!(
        imp.skipped[0].contains("DemoRuleGetRequest.java:3: `taobao.demo.rule.get` not imported: `format` is a TOP system param"),
        "{:?}",
        imp.skipped
    );
}
