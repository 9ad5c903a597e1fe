//! `topsdk security encrypt|decrypt|search`: buyer-data encryption (`topsdk::security`, the
//! official SecurityClient's stored forms) from the command line, one value or one per line of
//! stdin, one output line per input line, in order.
//!
//! Without TOP_APP_KEY the keys come from the built-in mock gateway, whose keys are the same in
//! every run (so a value encrypted by one run decrypts in the next); they are not TOP's.

use crate::{gateway_builder, report, stdout_failed, usage_error};
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

/// Exit 0 when every value was processed; 64 for a bad flag (usage only); 65 (sysexits'
/// EX_DATAERR) when a value was refused
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
    // Each input line, or None for one that is not UTF-8 (refused on its own line), as it
    // arrives: stdin is read by a thread into a bounded channel, so memory stays bounded
    // and output follows input (`tail -f | topsdk security decrypt` prints as lines come).
    let mut lines = match a.value {
        Some(v) => {
            let (tx, rx) = tokio::sync::mpsc::channel(1);
            let _ = tx.try_send(Ok(Ok(v)));
            rx
        }
        None => stdin_lines(),
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
    let mut output = Output::default();
    let mut stdout = std::io::stdout().lock();
    let mut base = 0usize;
    // A batch: what is there now, up to BATCH lines (one key lookup for all of them).
    while let Some(first) = lines.recv().await {
        let mut chunk = vec![first];
        while chunk.len() < BATCH {
            match lines.try_recv() {
                Ok(l) => chunk.push(l),
                Err(_) => break,
            }
        }
        let mut texts = Vec::with_capacity(chunk.len());
        for l in chunk {
            match l {
                Ok(l) => texts.push(l),
                Err(e) => return usage_error(format!("cannot read stdin: {e}")),
            }
        }
        let results = process(&security, &scope, ty, a.op, a.previous, &texts).await;
        if let Err(code) = output.write(base, results, &mut stdout) {
            return code;
        }
        base += texts.len();
    }
    output.finish(&mut stdout)
}

/// Lines handled together at most (one key lookup, one write).
const BATCH: usize = 1024;

/// Reads stdin on a thread of its own, line by line, into a bounded channel.
fn stdin_lines() -> tokio::sync::mpsc::Receiver<std::io::Result<InLine>> {
    let (tx, rx) = tokio::sync::mpsc::channel(4 * BATCH);
    std::thread::spawn(move || {
        for line in read_lines(std::io::stdin().lock()) {
            if tx.blocking_send(line).is_err() {
                return;
            }
        }
    });
    rx
}

/// One batch of lines through the security client; results on their lines.
async fn process(
    security: &SecurityClient,
    scope: &Scope,
    ty: DataType,
    op: Op,
    previous: bool,
    lines: &[InLine],
) -> Vec<Result<String, LineError>> {
    let values: Vec<String> = lines.iter().flatten().cloned().collect();
    let results: Vec<Result<String, SecurityError>> = match (op, previous) {
        (Op::Encrypt, false) => security.encrypt_many(scope, ty, &values).await,
        (Op::Decrypt, _) => security
            .decrypt_many(scope, ty, &values)
            .await
            .into_iter()
            .map(|r| r.map(|s| s.expose().clone()))
            .collect(),
        (op, previous) => {
            let mut out = Vec::with_capacity(values.len());
            for v in &values {
                out.push(match (op, previous) {
                    (Op::Encrypt, _) => security.encrypt_previous(scope, ty, v).await,
                    (_, true) => security.search_previous(scope, ty, v).await,
                    _ => security.search(scope, ty, v).await,
                });
            }
            out
        }
    };
    // The batch's results back on their lines, between the lines that were not text.
    let mut results = results.into_iter().map(|r| r.map_err(LineError::Security));
    lines
        .iter()
        .map(|l| match l {
            Ok(_) => results
                .next()
                .unwrap_or(Err(LineError::Unread(Unread::NotText))),
            Err(u) => Err(LineError::Unread(*u)),
        })
        .collect()
}

/// Why a line has no output.
enum LineError {
    Security(SecurityError),
    /// The input line was not read as a value.
    Unread(Unread),
}

/// An input line that is not a value, said on its own output line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unread {
    /// Not UTF-8.
    NotText,
    /// Longer than [`MAX_LINE`]: skipped to its end without being held.
    TooLong,
}

/// An input line: its text, or why it is not a value.
type InLine = Result<String, Unread>;

/// The longest input line read as a value (TOP's ciphertexts and the plaintexts of a buyer's
/// fields are far shorter): a longer one is refused without being held in memory.
const MAX_LINE: usize = 1024 * 1024;

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LineError::Security(e) => e.fmt(f),
            LineError::Unread(Unread::NotText) => f.write_str("not UTF-8 text"),
            LineError::Unread(Unread::TooLong) => {
                write!(f, "longer than {MAX_LINE} bytes: skipped unread")
            }
        }
    }
}

/// Lines of `input` without their `\n` / `\r\n`, each as it arrives; a line that is not
/// UTF-8 or is longer than [`MAX_LINE`] is refused on its own (the others go on), and a long
/// one is read past, never held whole.
fn read_lines(input: impl BufRead) -> impl Iterator<Item = std::io::Result<InLine>> {
    Lines { input, done: false }
}

struct Lines<R> {
    input: R,
    done: bool,
}

impl<R: BufRead> Iterator for Lines<R> {
    type Item = std::io::Result<InLine>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let (mut line, mut too_long, mut any) = (Vec::new(), false, false);
        loop {
            let buf = match self.input.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            };
            if buf.is_empty() {
                self.done = true;
                if !any {
                    return None;
                }
                break;
            }
            any = true;
            let end = buf.iter().position(|&b| b == b'\n');
            let chunk = &buf[..end.unwrap_or(buf.len())];
            if !too_long {
                if line.len() + chunk.len() > MAX_LINE {
                    too_long = true;
                    line = Vec::new();
                } else {
                    line.extend_from_slice(chunk);
                }
            }
            let used = end.map_or(buf.len(), |i| i + 1);
            self.input.consume(used);
            if end.is_some() {
                break;
            }
        }
        if too_long {
            return Some(Ok(Err(Unread::TooLong)));
        }
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        Some(Ok(String::from_utf8(line).map_err(|_| Unread::NotText)))
    }
}

/// The exit code when a value was refused: data, not usage (sysexits' EX_DATAERR).
const REFUSED: u8 = 65;

/// Refused lines said one by one on stderr before the rest are only counted.
const REFUSALS_SHOWN: usize = 10;

/// The output so far: refusals beyond the first few, by reason (a count and the first line
/// of each; a few reasons kept, the rest counted together), said once at the end.
#[derive(Default)]
struct Output {
    shown: usize,
    more: Vec<(String, usize, usize)>,
    other: usize,
    refused: bool,
}

impl Output {
    /// Writes one batch's lines (`base` lines came before it), flushed; `Err` ends the command.
    fn write(
        &mut self,
        base: usize,
        results: Vec<Result<String, LineError>>,
        out: &mut impl Write,
    ) -> Result<(), ExitCode> {
        for (n, r) in results.into_iter().enumerate() {
            let n = base + n;
            let why = match r {
                // One output line per input line, whatever a plaintext holds: a value with a
                // line break (or another control character, which would also reach the
                // terminal raw) is refused, not printed across lines of the next records.
                Ok(v) if v.chars().any(|c| c.is_control() && c != '\t') => Some(
                    "the value holds a line break or control character: not printed (one \
                     output line per input line)"
                        .to_string(),
                ),
                Ok(v) => {
                    writeln!(out, "{v}").map_err(stdout_failed)?;
                    None
                }
                // The key could not be fetched, or the gateway's key is unusable: every
                // value would fail alike, so it is said once, as `call` says it.
                Err(LineError::Security(SecurityError::Fetch(e))) => return Err(report(*e)),
                Err(LineError::Security(
                    e @ (SecurityError::KeyLength { .. }
                    | SecurityError::KeyEncoding
                    | SecurityError::BadAnswer { .. }),
                )) => {
                    eprintln!("topsdk: the gateway's key is unusable: {e}");
                    return Err(ExitCode::from(3));
                }
                Err(e) => Some(e.to_string()),
            };
            let Some(why) = why else { continue };
            self.refused = true;
            if self.shown < REFUSALS_SHOWN {
                self.shown += 1;
                eprintln!("topsdk: line {}: {why}", n + 1);
            } else if let Some(m) = self.more.iter_mut().find(|m| m.0 == why) {
                m.1 += 1;
            } else if self.more.len() < 8 {
                self.more.push((why, 1, n + 1));
            } else {
                self.other += 1;
            }
            writeln!(out).map_err(stdout_failed)?;
        }
        out.flush().map_err(stdout_failed)
    }

    fn finish(self, out: &mut impl Write) -> ExitCode {
        if let Err(e) = out.flush() {
            return stdout_failed(e);
        }
        for (why, count, first) in &self.more {
            eprintln!("topsdk: {count} more line(s) refused, from line {first}: {why}");
        }
        if self.other > 0 {
            eprintln!(
                "topsdk: {} more line(s) refused for other reasons",
                self.other
            );
        }
        if self.refused {
            ExitCode::from(REFUSED)
        } else {
            ExitCode::SUCCESS
        }
    }
}

/// All of `results` through [`Output`] (the tests' entry point).
#[cfg(test)]
fn write_results(results: Vec<Result<String, LineError>>, out: &mut impl Write) -> ExitCode {
    let mut output = Output::default();
    match output.write(0, results, out) {
        Ok(()) => output.finish(out),
        Err(code) => code,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_lose_their_line_ends_only() {
        let input = b"a\r\n b \n\nbad\xff\nlast" as &[u8];
        assert_eq!(
            read_lines(input)
                .collect::<std::io::Result<Vec<_>>>()
                .unwrap(),
            [
                Ok("a".into()),
                Ok(" b ".into()),
                Ok(String::new()),
                Err(Unread::NotText),
                Ok("last".into())
            ]
        );
    }

    /// Endless bytes without a line break, then "\nok\n": counts what was read.
    struct Huge {
        left: usize,
        tail: &'static [u8],
    }

    impl std::io::Read for Huge {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.left > 0 {
                let n = buf.len().min(self.left);
                buf[..n].fill(b'A');
                self.left -= n;
                return Ok(n);
            }
            let n = buf.len().min(self.tail.len());
            buf[..n].copy_from_slice(&self.tail[..n]);
            self.tail = &self.tail[n..];
            Ok(n)
        }
    }

    #[test]
    fn a_line_over_the_limit_is_refused_and_read_past_without_holding_it() {
        // 64 MiB in one line: refused on its own line; the next line reads.
        let input = std::io::BufReader::with_capacity(
            64 * 1024,
            Huge {
                left: 64 * 1024 * 1024,
                tail: b"\nok\n",
            },
        );
        let got: Vec<InLine> = read_lines(input).map(|l| l.unwrap()).collect();
        assert_eq!(got, [Err(Unread::TooLong), Ok("ok".into())]);
        // Exactly at the limit still reads.
        let at_limit = std::io::BufReader::new(Huge {
            left: MAX_LINE,
            tail: b"",
        });
        let got: Vec<InLine> = read_lines(at_limit).map(|l| l.unwrap()).collect();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].as_ref().map(String::len), Ok(MAX_LINE));
    }

    /// Random inputs (short lines, lines at and just over the limit, text or not, any buffer
    /// size): one item per line, each what its line is.
    #[test]
    fn random_lines_around_the_limit_read_one_item_each() {
        let mut rng = fastrand::Rng::with_seed(43);
        for _ in 0..40 {
            let (mut input, mut expect) = (Vec::new(), Vec::new());
            for _ in 0..rng.usize(0..5) {
                let len = match rng.u8(..6) {
                    0 => MAX_LINE + rng.usize(0..3),
                    1 => MAX_LINE - rng.usize(0..3),
                    _ => rng.usize(0..40),
                };
                let byte = if rng.bool() { b'a' } else { 0xff };
                input.extend(std::iter::repeat_n(byte, len));
                input.push(b'\n');
                expect.push(if len > MAX_LINE {
                    Err(Unread::TooLong)
                } else if byte == 0xff && len > 0 {
                    Err(Unread::NotText)
                } else {
                    Ok(len)
                });
            }
            let reader = std::io::BufReader::with_capacity(rng.usize(1..70_000), &input[..]);
            let got: Vec<Result<usize, Unread>> = read_lines(reader)
                .map(|l| l.unwrap().map(|t| t.len()))
                .collect();
            assert_eq!(got, expect);
        }
    }

    #[test]
    fn a_refused_value_keeps_the_lines_aligned() {
        let mut out = Vec::new();
        let code = write_results(
            vec![
                Ok("x".into()),
                Err(LineError::Security(SecurityError::PhoneTooShort { len: 3 })),
                Err(LineError::Unread(Unread::NotText)),
                Ok("z".into()),
            ],
            &mut out,
        );
        assert_eq!(code, ExitCode::from(REFUSED));
        assert_eq!(String::from_utf8(out).unwrap(), "x\n\n\nz\n");
    }

    #[test]
    fn refusals_are_said_one_by_one_then_counted() {
        let mut out = Vec::new();
        let results = (0..1000)
            .map(|_| Err(LineError::Security(SecurityError::WrongKey)))
            .collect();
        assert_eq!(write_results(results, &mut out), ExitCode::from(REFUSED));
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
        assert_eq!(code, ExitCode::from(REFUSED));
        assert_eq!(String::from_utf8(out).unwrap(), "\n\n\ntab\tok\n");
    }
}
