//! What method bodies say: the calls in them (`txtParams.put("x", this.x)`,
//! `RequestCheckUtils.checkMaxValue(x, 99L, "x")`), the string a method returns, literal
//! arguments.

use super::lex::{Tok, Token};

/// A call found in a method body: `name(args..)`, each argument's tokens.
pub struct Call<'a> {
    pub name: &'a str,
    pub args: Vec<&'a [Token]>,
}

/// The calls in `body` whose name `wanted` accepts (nested calls are found too).
pub fn calls<'a>(body: &'a [Token], wanted: &dyn Fn(&str) -> bool) -> Vec<Call<'a>> {
    let mut out = Vec::new();
    for i in 0..body.len() {
        let Tok::Ident(name) = &body[i].tok else {
            continue;
        };
        if !wanted(name) || !body.get(i + 1).is_some_and(|t| t.tok.is('(')) {
            continue;
        }
        let mut depth = 0;
        let mut args = Vec::new();
        let mut start = i + 2;
        for j in i + 1..body.len() {
            match body[j].tok {
                Tok::Punct('(' | '[' | '{') => depth += 1,
                Tok::Punct(')' | ']' | '}') => {
                    depth -= 1;
                    if depth == 0 {
                        if j > start {
                            args.push(&body[start..j]);
                        }
                        break;
                    }
                }
                Tok::Punct(',') if depth == 1 => {
                    args.push(&body[start..j]);
                    start = j + 1;
                }
                _ => {}
            }
        }
        out.push(Call { name, args });
    }
    out
}

/// The string a body returns first (`return "taobao.x.get";`).
pub fn returned_string(body: &[Token]) -> Option<String> {
    body.windows(2).find_map(|w| match (&w[0].tok, &w[1].tok) {
        (Tok::Ident(r), Tok::Str(s)) if r == "return" => Some(s.clone()),
        _ => None,
    })
}

/// The one string literal an argument is, if it is one.
pub fn string_arg(arg: &[Token]) -> Option<&str> {
    match arg {
        [Token {
            tok: Tok::Str(s), ..
        }] => Some(s),
        _ => None,
    }
}

/// An integer literal argument (`99999L`, `-1`).
pub fn integer_arg(arg: &[Token]) -> Option<i64> {
    match arg {
        [Token { tok: Tok::Num(n), .. }] => integer(n, false),
        [
            Token {
                tok: Tok::Punct('-'),
                ..
            },
            Token { tok: Tok::Num(n), .. },
        ] => integer(n, true),
        _ => None,
    }
}

/// A number literal as a limit (`99999`, `-1`, `0x10`); `None` when it is not an integer.
pub fn integer(text: &str, negative: bool) -> Option<i64> {
    let v = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => i64::from_str_radix(hex, 16).ok()?,
        None => text.replace('_', "").parse::<i64>().ok()?,
    };
    Some(if negative { v.checked_neg()? } else { v })
}
