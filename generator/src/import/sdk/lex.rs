//! Tokens of the C-like SDK sources (Java, C#, PHP): identifiers, literals, punctuation and
//! doc comments, each with its line. Comments other than doc comments are dropped.

/// One token and the line it starts on.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub line: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    /// An identifier or keyword; PHP variables keep their `$`.
    Ident(String),
    /// A string literal's value (escapes decoded).
    Str(String),
    /// A number literal as written, without Java's `L`/`l`, C#'s `m`/`d`/`f` suffixes.
    Num(String),
    Punct(char),
    /// The text of a `/** .. */` (Java, PHP) or `///` (C#) comment, its markers removed.
    Doc(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    Java,
    CSharp,
    Php,
}

/// Why a source could not be read as tokens, with its line.
#[derive(Debug)]
pub struct LexError {
    pub line: u32,
    pub message: String,
}

/// The tokens of `src`.
pub fn lex(src: &str, flavor: Flavor) -> Result<Vec<Token>, LexError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line = 1u32;
    let err = |line, message: &str| LexError {
        line,
        message: message.to_string(),
    };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '\n' {
            line += 1;
            i += 1;
            continue;
        }
        if c.is_whitespace() || c == '\u{feff}' {
            i += 1;
            continue;
        }
        let start = line;
        // Comments.
        // PHP's `#` comments; C#'s `#region` and other directives, a line each.
        if c == '/' && next == Some('/') || (flavor != Flavor::Java && c == '#') {
            let doc = flavor == Flavor::CSharp
                && next == Some('/')
                && chars.get(i + 2) == Some(&'/')
                && chars.get(i + 3) != Some(&'/');
            let from = i + if doc { 3 } else { 0 };
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            if doc {
                let text: String = chars[from..i].iter().collect();
                // Consecutive `///` lines are one doc comment.
                match out.last_mut() {
                    Some(Token {
                        tok: Tok::Doc(d),
                        line: l,
                    }) if *l + doc_lines(d) == start => {
                        d.push('\n');
                        d.push_str(text.trim());
                    }
                    _ => out.push(Token {
                        tok: Tok::Doc(text.trim().to_string()),
                        line: start,
                    }),
                }
            }
            continue;
        }
        if c == '/' && next == Some('*') {
            let doc = chars.get(i + 2) == Some(&'*') && chars.get(i + 3) != Some(&'/');
            let body_start = i + 2;
            i += 2;
            loop {
                if i + 1 >= chars.len() {
                    return Err(err(start, "a comment that never ends (`/*` without `*/`)"));
                }
                if chars[i] == '*' && chars[i + 1] == '/' {
                    break;
                }
                if chars[i] == '\n' {
                    line += 1;
                }
                i += 1;
            }
            if doc {
                let raw: String = chars[body_start + 1..i].iter().collect();
                out.push(Token {
                    tok: Tok::Doc(javadoc_text(&raw)),
                    line: start,
                });
            }
            i += 2;
            continue;
        }
        // Strings and chars; C#'s verbatim strings `@"..."` (`""` for a quote, no escapes,
        // line breaks allowed).
        let verbatim = flavor == Flavor::CSharp && c == '@' && next == Some('"');
        if verbatim || c == '"' || c == '\'' {
            let quote = if verbatim { '"' } else { c };
            i += if verbatim { 2 } else { 1 };
            let mut s = String::new();
            loop {
                match chars.get(i) {
                    None => return Err(err(start, "a string that never ends")),
                    Some('"') if verbatim && chars.get(i + 1) == Some(&'"') => {
                        s.push('"');
                        i += 2;
                    }
                    Some('\n') if !verbatim && flavor != Flavor::Php => {
                        return Err(err(start, "a line break inside a string literal"));
                    }
                    Some('\\') if !verbatim => {
                        let e = chars.get(i + 1).copied().unwrap_or('\\');
                        match e {
                            'n' => s.push('\n'),
                            't' => s.push('\t'),
                            'r' => s.push('\r'),
                            'u' if flavor != Flavor::Php => {
                                let hex: String = chars.iter().skip(i + 2).take(4).collect();
                                let ch = u32::from_str_radix(&hex, 16)
                                    .ok()
                                    .and_then(char::from_u32)
                                    .ok_or_else(|| err(start, "a bad \\u escape"))?;
                                s.push(ch);
                                i += 4;
                            }
                            other => s.push(other),
                        }
                        i += 2;
                    }
                    Some(&ch) if ch == quote => break,
                    Some(&ch) => {
                        if ch == '\n' {
                            line += 1;
                        }
                        s.push(ch);
                        i += 1;
                    }
                }
            }
            i += 1;
            out.push(Token {
                tok: Tok::Str(s),
                line: start,
            });
            continue;
        }
        if c.is_ascii_digit() {
            let from = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                i += 1;
            }
            let mut n: String = chars[from..i].iter().collect();
            if !n.starts_with("0x") {
                n = n.trim_end_matches(['L', 'l', 'm', 'M', 'd', 'D', 'f', 'F']).to_string();
            }
            out.push(Token {
                tok: Tok::Num(n),
                line: start,
            });
            continue;
        }
        let ident_start = |ch: char| ch.is_alphabetic() || ch == '_';
        if ident_start(c) || (flavor == Flavor::Php && c == '$' && next.is_some_and(ident_start))
        {
            let from = i;
            i += 1;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(Token {
                tok: Tok::Ident(chars[from..i].iter().collect()),
                line: start,
            });
            continue;
        }
        if c.is_ascii_punctuation() {
            out.push(Token {
                tok: Tok::Punct(c),
                line: start,
            });
            i += 1;
            continue;
        }
        return Err(err(start, &format!("unexpected character {c:?}")));
    }
    Ok(out)
}

fn doc_lines(d: &str) -> u32 {
    d.lines().count().max(1) as u32
}

/// A `/** .. */` body without its `*` margins: lines trimmed, blank ones at the ends dropped.
fn javadoc_text(raw: &str) -> String {
    let lines: Vec<&str> = raw
        .lines()
        .map(|l| {
            let t = l.trim();
            let t = t.strip_prefix('*').unwrap_or(t);
            t.strip_prefix(' ').unwrap_or(t).trim_end()
        })
        .collect();
    lines.join("\n").trim_matches('\n').trim().to_string()
}

impl Tok {
    pub fn ident(&self) -> Option<&str> {
        match self {
            Tok::Ident(s) => Some(s),
            _ => None,
        }
    }

    pub fn is(&self, c: char) -> bool {
        *self == Tok::Punct(c)
    }

    pub fn is_word(&self, w: &str) -> bool {
        matches!(self, Tok::Ident(s) if s == w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &str, f: Flavor) -> Vec<Tok> {
        lex(src, f).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn java_tokens_and_doc_comments() {
        let t = toks(
            "/** 要查的\n * 编号 */\nprivate Long x = 99999L; // no\n/* no */ \"a\\\"b\\u0041\"",
            Flavor::Java,
        );
        assert_eq!(
            t,
            vec![
                Tok::Doc("要查的\n编号".into()),
                Tok::Ident("private".into()),
                Tok::Ident("Long".into()),
                Tok::Ident("x".into()),
                Tok::Punct('='),
                Tok::Num("99999".into()),
                Tok::Punct(';'),
                Tok::Str("a\"bA".into()),
            ]
        );
    }

    #[test]
    fn csharp_doc_lines_join_and_verbatim_strings() {
        let t = toks(
            "/// <summary>\n/// 编号\n/// </summary>\npublic long? X; @\"a\"\"b\"",
            Flavor::CSharp,
        );
        assert_eq!(t[0], Tok::Doc("<summary>\n编号\n</summary>".into()));
        assert_eq!(t.last(), Some(&Tok::Str("a\"b".into())));
    }

    #[test]
    fn unterminated_things_are_located() {
        let e = lex("class A {\n /* open", Flavor::Java).unwrap_err();
        assert_eq!(e.line, 2);
        let e = lex("x = \"open\n", Flavor::Java).unwrap_err();
        assert_eq!(e.line, 1);
        assert!(lex("$this->x = 1; # c", Flavor::Php).is_ok());
    }
}
