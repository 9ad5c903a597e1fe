//! `topgen` command line: `generate`, `check`.

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage:
  topgen generate SPEC_PATH... --out FILE   generate Rust bindings (a path may be a directory)
  topgen check SPEC_PATH...                 validate specs; one located error per line
  topgen import FILE_OR_DIR... --out DIR    TOP doc metadata JSON / doc pages -> DIR/<category>/<method>.yaml
         [--quiet]                          (warnings on stderr unless --quiet)
  topgen decimals SPEC_PATH...              the Number fields marked decimal, and why (TSV)
  topgen crates SPEC_DIR APIS_DIR [--check] write (or check) one crate per category:
                                            APIS_DIR/<category>/ is the package topsdk-<category>";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("{msg}\n{USAGE}");
            ExitCode::from(64)
        }
    }
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    let Some((cmd, rest)) = args.split_first() else {
        return Err("missing command".into());
    };
    let mut paths = Vec::new();
    let mut out: Option<PathBuf> = None;
    let mut quiet = false;
    let mut check = false;
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--out" | "-o" => {
                out = Some(it.next().ok_or("--out needs a file")?.into());
            }
            "--quiet" | "-q" => quiet = true,
            "--check" => check = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            s if s.starts_with('-') => return Err(format!("unknown option `{s}`")),
            s => paths.push(PathBuf::from(s)),
        }
    }
    if paths.is_empty() {
        return Err("no input paths given".into());
    }
    if cmd == "crates" {
        let [spec, apis] = paths.as_slice() else {
            return Err("crates needs SPEC_DIR and APIS_DIR".into());
        };
        return Ok(crates(spec, apis, check));
    }
    if cmd == "import" {
        let out = out.ok_or("import needs --out DIR")?;
        return Ok(import(&paths, &out, quiet));
    }
    let files = match topgen::spec_files(&paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{e}");
            return Ok(ExitCode::FAILURE);
        }
    };
    let specs = match topgen::load_and_validate(&files) {
        Ok(s) => s,
        Err(errors) => {
            eprintln!("{errors}");
            return Ok(ExitCode::FAILURE);
        }
    };
    match cmd.as_str() {
        "check" => {
            eprintln!("{} spec(s) OK", specs.len());
            Ok(ExitCode::SUCCESS)
        }
        "decimals" => {
            print!("{}", topgen::report::decimals(&specs));
            Ok(ExitCode::SUCCESS)
        }
        "generate" => {
            let out = out.ok_or("generate needs --out FILE")?;
            let opts = topgen::Options::default();
            let code = topgen::codegen::generate(&specs, &opts);
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
    let files = match topgen::import::input_files(paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let report = topgen::import::write_specs(&files, out);
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

fn crates(spec: &std::path::Path, apis: &std::path::Path, check: bool) -> ExitCode {
    if check {
        return match topgen::crates::check(spec, apis) {
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
    match topgen::crates::sync(spec, apis) {
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
