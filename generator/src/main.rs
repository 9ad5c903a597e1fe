//! `topgen` command line: `generate`, `check`.

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage:
  topgen generate SPEC_PATH... --out FILE   generate Rust bindings (a path may be a directory)
  topgen check SPEC_PATH...                 validate specs; one located error per line
  topgen import FILE_OR_DIR... --out DIR    TOP doc metadata JSON / doc pages -> DIR/<category>/<method>.yaml
         [--quiet]                          (warnings on stderr unless --quiet)";

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
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--out" | "-o" => {
                out = Some(it.next().ok_or("--out needs a file")?.into());
            }
            "--quiet" | "-q" => quiet = true,
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
    let (mut imported, mut warned, mut failed) = (0usize, 0usize, 0usize);
    for file in &files {
        let result = topgen::import::import_file(file).and_then(|imp| {
            let yaml = topgen::import::to_yaml(&imp.spec, file)?;
            let dest = topgen::import::spec_path(out, &imp.spec);
            if let Some(dir) = dest.parent() {
                std::fs::create_dir_all(dir).map_err(|e| topgen::SpecError::Io {
                    path: dir.to_path_buf(),
                    message: e.to_string(),
                })?;
            }
            topgen::builder::write_if_changed(&dest, &yaml)?;
            Ok(imp.warnings)
        });
        match result {
            Ok(warnings) => {
                imported += 1;
                warned += warnings.len();
                if !quiet {
                    for w in warnings {
                        eprintln!("{}: warning: {w}", file.display());
                    }
                }
            }
            Err(e) => {
                failed += 1;
                eprintln!("{e}");
            }
        }
    }
    eprintln!("{imported} imported, {warned} warnings, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
