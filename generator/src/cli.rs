//! The `topgen` command line (`generate`, `check`, `import`, `diff`, `crates`, `catalogue`,
//! ...): the binary is `topgen::cli::run()`.

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage:
  topgen generate SPEC_PATH... --out FILE   generate Rust bindings (a path may be a directory)
  topgen check SPEC_PATH...                 validate specs; one located error per line
  topgen import FILE_OR_DIR... --out DIR    TOP doc metadata JSON / doc pages -> DIR/<category>/<method>.yaml
         [--quiet]                          (warnings on stderr unless --quiet)
  topgen import-sdk SDK [--out DIR]         the SDK download of the TOP console (zip, jar or folder
         [--category PKG] [--lang L]        of Java, .NET, PHP or Python sources) -> DIR/<category>/
         [--compare SPEC_DIR] [--quiet]     <method>.yaml, with a report; --compare: how the APIs
         [--report FILE]                    also in SPEC_DIR differ from it, field by field;
                                            --report: the whole report as JSON
  topgen diff OLD NEW [--format json]      what changed between two spec sets (files, folders or
                                            SDK downloads), breaking or compatible; exit 1 when
                                            something breaks
  topgen diff --git REV1..REV2 [PATH]       the same between two git revisions of PATH (spec)
  topgen decimals SPEC_PATH...              the Number fields marked decimal, and why (TSV)
  topgen crates SPEC_DIR APIS_DIR [--check] write (or check) one crate per category:
                                            APIS_DIR/<category>/ is the package topsdk-<category>
  topgen catalogue SPEC_DIR FILE [--check]  write (or check) every API's schema, one JSON line
                                            each (the catalogue the `topsdk` command embeds)
  topgen import-topics CORPUS.yaml --out DIR  the TMC topic corpus -> DIR/<group>/<topic>.topic.yaml
  topgen topics TOPICS_DIR [--out FILE]     validate topic specs (and generate their code)
  (`check` also validates the topic specs under SPEC_PATH/topics)";

/// Runs the `topgen` command with the process's arguments; the exit code says how it went
/// (0 done, 1 invalid input or a check that failed, 2 a breaking diff, 64 bad usage).
pub fn run() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run_args(&args) {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("{msg}\n{USAGE}");
            ExitCode::from(64)
        }
    }
}

fn run_args(args: &[String]) -> Result<ExitCode, String> {
    let Some((cmd, rest)) = args.split_first() else {
        return Err("missing command".into());
    };
    let mut paths = Vec::new();
    let mut out: Option<PathBuf> = None;
    let mut quiet = false;
    let mut check = false;
    let mut json = false;
    let mut git: Option<String> = None;
    let mut sdk = crate::import::sdk::SdkOptions::default();
    let mut compare: Option<PathBuf> = None;
    let mut report_file: Option<PathBuf> = None;
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--out" | "-o" => {
                out = Some(it.next().ok_or("--out needs a file")?.into());
            }
            "--quiet" | "-q" => quiet = true,
            "--category" => {
                sdk.category = Some(it.next().ok_or("--category needs a name")?.clone());
            }
            "--lang" => {
                let l = it
                    .next()
                    .ok_or("--lang needs java, dotnet, php or python")?;
                sdk.language = Some(crate::import::sdk::Language::parse(l).ok_or(format!(
                    "--lang takes java, dotnet, php or python, not `{l}`"
                ))?);
            }
            "--compare" => compare = Some(it.next().ok_or("--compare needs a spec folder")?.into()),
            "--report" => report_file = Some(it.next().ok_or("--report needs a file")?.into()),
            "--check" => check = true,
            "--git" => git = Some(it.next().ok_or("--git needs REV1..REV2")?.clone()),
            "--format" => match it.next().map(String::as_str) {
                Some("json") => json = true,
                Some("human") => json = false,
                other => return Err(format!("--format takes json or human, not {other:?}")),
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            s if s.starts_with('-') => return Err(format!("unknown option `{s}`")),
            s => paths.push(PathBuf::from(s)),
        }
    }
    if let Some(range) = git {
        if cmd != "diff" {
            return Err("--git is for diff".into());
        }
        let path = paths.first().cloned().unwrap_or_else(|| "spec".into());
        return Ok(diff_git(&range, &path, json));
    }
    if paths.is_empty() {
        return Err("no input paths given".into());
    }
    if cmd == "diff" {
        let [old, new] = paths.as_slice() else {
            return Err("diff needs OLD and NEW".into());
        };
        return Ok(diff(old, new, json));
    }
    if cmd == "crates" {
        let [spec, apis] = paths.as_slice() else {
            return Err("crates needs SPEC_DIR and APIS_DIR".into());
        };
        return Ok(crates(spec, apis, check));
    }
    if cmd == "catalogue" {
        let [spec, file] = paths.as_slice() else {
            return Err("catalogue needs SPEC_DIR and FILE".into());
        };
        return Ok(match crate::catalogue::write_or_check(spec, file, check) {
            Ok(n) => {
                let verb = if check {
                    "in step with"
                } else {
                    "written from"
                };
                eprintln!("{}: {n} API(s), {verb} {}", file.display(), spec.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{e}");
                if check {
                    eprintln!(
                        "run `topgen catalogue {} {}`",
                        spec.display(),
                        file.display()
                    );
                }
                ExitCode::FAILURE
            }
        });
    }
    if cmd == "import" {
        let out = out.ok_or("import needs --out DIR")?;
        return Ok(import(&paths, &out, quiet));
    }
    if cmd == "import-sdk" {
        let [path] = paths.as_slice() else {
            return Err("import-sdk needs one SDK (a zip, jar or folder)".into());
        };
        if out.is_none() && compare.is_none() {
            return Err("import-sdk needs --out DIR, --compare SPEC_DIR or both".into());
        }
        return Ok(import_sdk(
            path,
            &sdk,
            SdkOutputs {
                out: out.as_deref(),
                compare: compare.as_deref(),
                report: report_file.as_deref(),
            },
            quiet,
        ));
    }
    if (sdk.category.is_some()
        || sdk.language.is_some()
        || compare.is_some()
        || report_file.is_some())
        && cmd != "import-sdk"
    {
        return Err("--category, --lang, --compare and --report are for import-sdk".into());
    }
    if cmd == "import-topics" {
        let out = out.ok_or("import-topics needs --out DIR")?;
        let [corpus] = paths.as_slice() else {
            return Err("import-topics needs one CORPUS.yaml".into());
        };
        return Ok(
            match crate::topics::import_corpus(corpus)
                .and_then(|t| crate::topics::write_topics(&t, &out))
            {
                Ok(n) => {
                    eprintln!("{n} topic(s) -> {}", out.display());
                    ExitCode::SUCCESS
                }
                Err(errors) => {
                    eprintln!("{errors}");
                    ExitCode::FAILURE
                }
            },
        );
    }
    if cmd == "topics" {
        let topics = match crate::topics::load_paths(&paths) {
            Ok(t) => t,
            Err(errors) => {
                eprintln!("{errors}");
                return Ok(ExitCode::FAILURE);
            }
        };
        if let Some(out) = out {
            let code = crate::codegen::topics::generate(&topics, &crate::Options::default());
            if let Err(e) = std::fs::write(&out, code) {
                eprintln!("{}: {e}", out.display());
                return Ok(ExitCode::FAILURE);
            }
        }
        eprintln!("{} topic(s) OK", topics.len());
        return Ok(ExitCode::SUCCESS);
    }
    let specs = match crate::load_paths(&paths) {
        Ok(s) => s,
        Err(errors) => {
            eprintln!("{errors}");
            return Ok(ExitCode::FAILURE);
        }
    };
    match cmd.as_str() {
        "check" => {
            eprintln!("{} spec(s) OK", specs.len());
            let topic_dirs: Vec<PathBuf> = paths
                .iter()
                .map(|p| p.join(crate::topics::TOPICS_DIR))
                .filter(|p| p.is_dir())
                .collect();
            if topic_dirs.is_empty() {
                return Ok(ExitCode::SUCCESS);
            }
            match crate::topics::load_paths(&topic_dirs) {
                Ok(t) => {
                    eprintln!("{} topic(s) OK", t.len());
                    Ok(ExitCode::SUCCESS)
                }
                Err(errors) => {
                    eprintln!("{errors}");
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        "decimals" => {
            print!("{}", crate::report::decimals(&specs));
            Ok(ExitCode::SUCCESS)
        }
        "generate" => {
            let out = out.ok_or("generate needs --out FILE")?;
            let opts = crate::Options::default();
            let code = crate::codegen::generate(&specs, &opts);
            if let Err(e) = std::fs::write(&out, code) {
                eprintln!("{}: {e}", out.display());
                return Ok(ExitCode::FAILURE);
            }
            eprintln!("{} spec(s) -> {}", specs.len(), out.display());
            Ok(ExitCode::SUCCESS)
        }
        other => Err(format!("unknown command `{other}`")),
    }
}

fn import(paths: &[PathBuf], out: &std::path::Path, quiet: bool) -> ExitCode {
    let files = match crate::import::input_files(paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let report = crate::import::write_specs(&files, out);
    if !quiet {
        for w in &report.warnings {
            eprintln!("{w}");
        }
    }
    for e in &report.skipped {
        eprintln!("{e}");
    }
    for e in &report.failed {
        eprintln!("{e}");
    }
    eprintln!(
        "{} imported, {} warnings, {} skipped, {} failed",
        report.written.len(),
        report.warnings.len(),
        report.skipped.len(),
        report.failed.len()
    );
    if report.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Where `import-sdk` puts what it made: specs, a comparison, a JSON report.
struct SdkOutputs<'a> {
    out: Option<&'a std::path::Path>,
    compare: Option<&'a std::path::Path>,
    report: Option<&'a std::path::Path>,
}

fn import_sdk(
    path: &std::path::Path,
    opts: &crate::import::sdk::SdkOptions,
    to: SdkOutputs<'_>,
    quiet: bool,
) -> ExitCode {
    let SdkOutputs {
        out,
        compare,
        report: report_file,
    } = to;
    let imp = match crate::import::sdk::import_sdk(path, opts) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    eprintln!(
        "{} SDK at {}: {} source file(s) read, {} API(s) found",
        imp.language.name(),
        path.display(),
        imp.files_read,
        imp.apis.len()
    );
    for s in &imp.skipped {
        eprintln!("skipped: {s}");
    }
    for n in &imp.notes {
        eprintln!("note: {n}");
    }
    let mut code = ExitCode::SUCCESS;
    let mut json = serde_json::json!({
        "sdk": path.display().to_string(),
        "language": imp.language.name(),
        "files_read": imp.files_read,
        "apis": imp.apis.iter().map(|a| serde_json::json!({
            "method": a.spec.method,
            "category": a.spec.category_pkg,
            "source": a.source,
            "warnings": a.warnings,
        })).collect::<Vec<_>>(),
        "skipped": imp.skipped,
        "notes": imp.notes,
    });
    if let Some(out) = out {
        let report = imp.write(out);
        json["written"] = report
            .written
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        json["failed"] = report.failed.iter().map(|e| e.to_string()).collect();
        if !quiet {
            for w in &report.warnings {
                eprintln!("warning: {w}");
            }
        }
        for e in &report.failed {
            eprintln!("{e}");
        }
        eprintln!(
            "{} imported to {}, {} warnings, {} skipped, {} failed",
            report.written.len(),
            out.display(),
            report.warnings.len(),
            imp.skipped.len(),
            report.failed.len()
        );
        if !report.failed.is_empty() || imp.apis.is_empty() {
            code = ExitCode::FAILURE;
        }
    }
    if let Some(spec) = compare {
        let old = match crate::load_paths(&[spec.to_path_buf()]) {
            Ok(o) => o,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        };
        let c = crate::diff::compare(&old, &imp.loaded());
        print!("{}", crate::diff::human(&c.changes));
        json["compare"] = serde_json::json!({
            "spec": spec.display().to_string(),
            "both": c.both,
            "differing": c.differing,
            "changes": c.changes,
            "only_in_sdk": c.only_in_new,
        });
        eprintln!(
            "compared with {}: {} API(s) in both, {} the same, {} differ ({} difference(s)); \
             {} only in the SDK{}",
            spec.display(),
            c.both,
            c.both - c.differing,
            c.differing,
            c.changes.len(),
            c.only_in_new.len(),
            if c.only_in_new.is_empty() {
                String::new()
            } else {
                format!(": {}", c.only_in_new.join(", "))
            }
        );
    }
    if let Some(file) = report_file {
        let text = serde_json::to_string_pretty(&json).unwrap_or_default();
        if let Err(e) = std::fs::write(file, text + "\n") {
            eprintln!("{}: {e}", file.display());
            return ExitCode::FAILURE;
        }
    }
    code
}

fn crates(spec: &std::path::Path, apis: &std::path::Path, check: bool) -> ExitCode {
    if check {
        return match crate::crates::check(spec, apis) {
            Ok(diffs) if diffs.is_empty() => {
                eprintln!("{}: in step with {}", apis.display(), spec.display());
                ExitCode::SUCCESS
            }
            Ok(diffs) => {
                for d in diffs {
                    eprintln!("{d}");
                }
                eprintln!("run `topgen crates {} {}`", spec.display(), apis.display());
                ExitCode::FAILURE
            }
            Err(errors) => {
                eprintln!("{errors}");
                ExitCode::FAILURE
            }
        };
    }
    match crate::crates::sync(spec, apis) {
        Ok(n) => {
            eprintln!("{n} category crate(s) in {}", apis.display());
            ExitCode::SUCCESS
        }
        Err(errors) => {
            eprintln!("{errors}");
            ExitCode::FAILURE
        }
    }
}

/// Exit 0: nothing breaks; 1: something breaks; 2: an input does not load.
fn diff(old: &std::path::Path, new: &std::path::Path, json: bool) -> ExitCode {
    // An empty side would read as "every API removed": a wrong path, not a diff.
    let load = |p: &std::path::Path| match load_specs_or_sdk(p) {
        Ok(specs) if specs.is_empty() => Err(crate::Errors::from(crate::SpecError::Io {
            path: p.to_path_buf(),
            message: "no spec files here".into(),
        })),
        other => other,
    };
    let (old, new) = match (load(old), load(new)) {
        (Ok(o), Ok(n)) => (o, n),
        (o, n) => {
            for e in [o.err(), n.err()].into_iter().flatten() {
                eprintln!("{e}");
            }
            return ExitCode::from(2);
        }
    };
    let changes = crate::diff::diff(&old, &new);
    if json {
        match serde_json::to_string_pretty(&changes) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(2);
            }
        }
    } else {
        print!("{}", crate::diff::human(&changes));
    }
    if changes
        .iter()
        .any(|c| c.verdict == crate::diff::Verdict::Breaking)
    {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The specs under `p`, or those of the SDK download at `p` (zip, jar, or folder of sources).
fn load_specs_or_sdk(p: &std::path::Path) -> Result<Vec<crate::LoadedSpec>, crate::Errors> {
    if !crate::import::sdk::looks_like_sdk(p) {
        return crate::load_paths(&[p.to_path_buf()]);
    }
    let imp = crate::import::sdk::import_sdk(p, &Default::default())?;
    for s in &imp.skipped {
        eprintln!("{}: skipped: {s}", p.display());
    }
    crate::validate_all(imp.loaded().into_iter().map(Ok))
}

/// `topgen diff --git REV1..REV2 PATH`: both revisions of PATH exported (`git archive`) to a
/// scratch directory, then compared.
fn diff_git(range: &str, path: &std::path::Path, json: bool) -> ExitCode {
    let Some((a, b)) = range
        .split_once("..")
        .filter(|(a, b)| !a.is_empty() && !b.is_empty())
    else {
        eprintln!("--git takes REV1..REV2, not `{range}`");
        return ExitCode::from(2);
    };
    let scratch = std::env::temp_dir().join(format!("topgen-diff-{}", std::process::id()));
    let export = |rev: &str| -> Result<std::path::PathBuf, String> {
        let dir = scratch.join(rev.replace(['/', '~', '^', ':'], "_"));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let archive = std::process::Command::new("git")
            .args(["archive", "--format=tar", rev, "--"])
            .arg(path)
            .output()
            .map_err(|e| format!("git: {e}"))?;
        if !archive.status.success() {
            return Err(format!(
                "git archive {rev} {}: {}",
                path.display(),
                String::from_utf8_lossy(&archive.stderr).trim()
            ));
        }
        let mut tar = std::process::Command::new("tar")
            .arg("-x")
            .arg("-C")
            .arg(&dir)
            .stdin(std::process::Stdio::piped())
            .spawn()
            .map_err(|e| format!("tar: {e}"))?;
        if let Some(mut stdin) = tar.stdin.take() {
            use std::io::Write;
            stdin
                .write_all(&archive.stdout)
                .map_err(|e| format!("tar: {e}"))?;
        }
        match tar.wait() {
            Ok(s) if s.success() => Ok(dir.join(path)),
            _ => Err(format!("tar could not unpack {rev}")),
        }
    };
    let code = match (export(a), export(b)) {
        (Ok(old), Ok(new)) => diff(&old, &new, json),
        (o, n) => {
            for e in [o.err(), n.err()].into_iter().flatten() {
                eprintln!("{e}");
            }
            ExitCode::from(2)
        }
    };
    let _ = std::fs::remove_dir_all(&scratch);
    code
}
