//! `topsdk security encrypt|decrypt|search`: buyer-data encryption (`topsdk::security`, the
//! official SecurityClient's stored forms) from the command line, one value or one per line of
//! stdin, one output line per input line, in order.
//!
//! Without TOP_APP_KEY the keys come from the built-in mock gateway, whose keys are the same in
//! every run (so a value encrypted by one run decrypts in the next); they are not TOP's.

use crate::{gateway_builder, report, usage_error};
use std::io::{BufRead, Write};
use std::process::ExitCode;
use topsdk::security::{DataType, Scope, SecurityClient, SecurityError};

/// The embedded mock's app secret for these commands: fixed, so its keys are too.
const MOCK_SECRET: &str = "mock-app-secret-security";

#[derive(Clone, Copy)]
pub(crate) enum Op {
    Encrypt,
    Decrypt,
    Search,
}

pub(crate) struct Args {
    pub op: Op,
    pub ty: String,
    pub value: Option<String>,
    pub session: Option<String>,
    pub random_num: Option<String>,
    pub previous: bool,
}

/// Exit 0 when every value was processed; 64 for a bad flag or a value the type refuses
/// (each such line said on stderr with its number, an empty output line in its place); 2 or 3
/// when the key could not be fetched (as `call`).
pub(crate) async fn run(a: Args) -> ExitCode {
    let ty: DataType = match a.ty.parse() {
        Ok(t) => t,
        Err(e) => return usage_error(format!("--type: {e}")),
    };
    if a.previous && matches!(a.op, Op::Decrypt) {
        return usage_error(
            "--previous is for encrypt and search: a stored value names its version",
        );
    }
    let session = a
        .session
        .or_else(|| std::env::var("TOP_SESSION").ok())
        .filter(|s| !s.is_empty());
    let scope = match Scope::from_session(session.as_deref()) {
        Ok(s) => s,
        Err(e) => return usage_error(format!("--session: {e}")),
    };
    // Each input line, or None for one that is not UTF-8 (refused on its own line).
    let lines: Vec<Option<String>> = match a.value {
        Some(v) => vec![Some(v)],
        None => match read_lines(std::io::stdin().lock()) {
            Ok(v) => v,
            Err(e) => return usage_error(format!("cannot read stdin: {e}")),
        },
    };
    let random_num = a
        .random_num
        .or_else(|| std::env::var("TOP_SECURITY_RANDOM_NUM").ok())
        .filter(|r| !r.is_empty());
    let mocked = std::env::var_os("TOP_APP_KEY").is_none_or(|v| v.is_empty());
    let random_num = match (random_num, mocked) {
        (Some(r), _) => r,
        (None, true) => "mock-random-num".to_string(),
        (None, false) => {
            return usage_error(
                "the app's random number is not set: --random-num or TOP_SECURITY_RANDOM_NUM",
            );
        }
    };
    let (builder, _mocks) = match gateway_builder(Some(MOCK_SECRET)).await {
        Ok(b) => b,
        Err(code) => return code,
    };
    let client = match builder.build() {
        Ok(c) => c,
        Err(e) => return usage_error(e),
    };
    let security = SecurityClient::new(client, random_num);
    // A batch's values share the key: a failed fetch is said once, as `call` says it.
    if matches!(a.op, Op::Encrypt | Op::Search)
        && !a.previous
        && let Err(SecurityError::Fetch(e)) = security.init(&scope).await
    {
        return report(*e);
    }
    let values: Vec<String> = lines.iter().flatten().cloned().collect();
    let results: Vec<Result<String, SecurityError>> = match (a.op, a.previous) {
        (Op::Encrypt, false) => security.encrypt_many(&scope, ty, &values).await,
        (Op::Decrypt, _) => security
            .decrypt_many(&scope, ty, &values)
            .await
            .into_iter()
            .map(|r| r.map(|s| s.expose().clone()))
            .collect(),
        (op, previous) => {
            let mut out = Vec::with_capacity(values.len());
            for v in &values {
                out.push(match (op, previous) {
                    (Op::Encrypt, _) => security.encrypt_previous(&scope, ty, v).await,
                    (_, true) => security.search_previous(&scope, ty, v).await,
                    _ => security.search(&scope, ty, v).await,
                });
            }
            out
        }
    };
    // The batch's results back on their lines, between the lines that were not text.
    let mut results = results.into_iter().map(|r| r.map_err(LineError::Security));
    let merged = lines
        .iter()
        .map(|l| match l {
            Some(_) => results.next().unwrap_or(Err(LineError::NotText)),
            None => Err(LineError::NotText),
        })
        .collect();
    write_results(merged, &mut std::io::stdout().lock())
}

/// Why a line has no output.
enum LineError {
    Security(SecurityError),
    /// The input line is not UTF-8.
    NotText,
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LineError::Security(e) => e.fmt(f),
            LineError::NotText => f.write_str("not UTF-8 text"),
        }
    }
}

/// Lines of `input` without their `\n` / `\r\n`; `None` for a line that is not UTF-8 (the
/// others go on).
fn read_lines(input: impl BufRead) -> std::io::Result<Vec<Option<String>>> {
    input
        .split(b'\n')
        .map(|l| {
            l.map(|mut l| {
                if l.last() == Some(&b'\r') {
                    l.pop();
                }
                String::from_utf8(l).ok()
            })
        })
        .collect()
}

/// Refused lines said one by one on stderr before the rest are only counted.
const REFUSALS_SHOWN: usize = 10;

fn write_results(results: Vec<Result<String, LineError>>, out: &mut impl Write) -> ExitCode {
    // Refusals beyond the first few, by reason: a count and the first line of each (a few
    // reasons kept; the rest counted together), said once at the end.
    let mut shown = 0usize;
    let mut more: Vec<(String, usize, usize)> = Vec::new();
    let mut other = 0usize;
    let mut refused = false;
    for (n, r) in results.into_iter().enumerate() {
        let why = match r {
            // One output line per input line, whatever a plaintext holds: a value with a line
            // break (or another control character, which would also reach the terminal raw)
            // is refused, not printed across lines that belong to the next records.
            Ok(v) if v.chars().any(|c| c.is_control() && c != '\t') => Some(
                "the value holds a line break or control character: not printed (one output \
                 line per input line)"
                    .to_string(),
            ),
            Ok(v) => {
                if let Err(e) = writeln!(out, "{v}") {
                    return stdout_failed(e);
                }
                None
            }
            // The key could not be fetched, or the gateway's key is unusable: every value
            // would fail alike, so it is said once, as `call` says it (not once a line).
            Err(LineError::Security(SecurityError::Fetch(e))) => return report(*e),
            Err(LineError::Security(
                e @ (SecurityError::KeyLength { .. }
                | SecurityError::KeyEncoding
                | SecurityError::BadAnswer { .. }),
            )) => {
                eprintln!("topsdk: the gateway's key is unusable: {e}");
                return ExitCode::from(3);
            }
            Err(e) => Some(e.to_string()),
        };
        let Some(why) = why else { continue };
        refused = true;
        if shown < REFUSALS_SHOWN {
            shown += 1;
            eprintln!("topsdk: line {}: {why}", n + 1);
        } else if let Some(m) = more.iter_mut().find(|m| m.0 == why) {
            m.1 += 1;
        } else if more.len() < 8 {
            more.push((why, 1, n + 1));
        } else {
            other += 1;
        }
        if let Err(e) = writeln!(out) {
            return stdout_failed(e);
        }
    }
    if let Err(e) = out.flush() {
        return stdout_failed(e);
    }
    for (why, count, first) in &more {
        eprintln!("topsdk: {count} more line(s) refused, from line {first}: {why}");
    }
    if other > 0 {
        eprintln!("topsdk: {other} more line(s) refused for other reasons");
    }
    if refused {
        ExitCode::from(64)
    } else {
        ExitCode::SUCCESS
    }
}

/// Stdout failed (a closed pipe, a full disk): the command ends, said once.
fn stdout_failed(e: std::io::Error) -> ExitCode {
    eprintln!("topsdk: cannot write to stdout: {e}");
    ExitCode::from(3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_lose_their_line_ends_only() {
        let input = b"a\r\n b \n\nbad\xff\nlast" as &[u8];
        assert_eq!(
            read_lines(input).unwrap(),
            [
                Some("a".into()),
                Some(" b ".into()),
                Some(String::new()),
                None,
                Some("last".into())
            ]
        );
    }

    #[test]
    fn a_refused_value_keeps_the_lines_aligned() {
        let mut out = Vec::new();
        let code = write_results(
            vec![
                Ok("x".into()),
                Err(LineError::Security(SecurityError::PhoneTooShort { len: 3 })),
                Err(LineError::NotText),
                Ok("z".into()),
            ],
            &mut out,
        );
        assert_eq!(code, ExitCode::from(64));
        assert_eq!(String::from_utf8(out).unwrap(), "x\n\n\nz\n");
    }

    #[test]
    fn refusals_are_said_one_by_one_then_counted() {
        let mut out = Vec::new();
        let results = (0..1000)
            .map(|_| Err(LineError::Security(SecurityError::WrongKey)))
            .collect();
        assert_eq!(write_results(results, &mut out), ExitCode::from(64));
        // One empty line per input line all the same.
        assert_eq!(out.len(), 1000);
        // An unusable key from the gateway: said once, exit 3, no line per value.
        let mut out = Vec::new();
        let results = (0..1000)
            .map(|_| Err(LineError::Security(SecurityError::KeyEncoding)))
            .collect();
        assert_eq!(write_results(results, &mut out), ExitCode::from(3));
        assert!(out.is_empty());
    }

    #[test]
    fn a_value_with_a_line_break_is_refused_not_split() {
        let mut out = Vec::new();
        let code = write_results(
            vec![
                Ok("a\nb".into()),
                Ok("c\re".into()),
                Ok("\u{1b}[31mred".into()),
                Ok("tab\tok".into()),
            ],
            &mut out,
        );
        assert_eq!(code, ExitCode::from(64));
        assert_eq!(String::from_utf8(out).unwrap(), "\n\n\ntab\tok\n");
    }
}
