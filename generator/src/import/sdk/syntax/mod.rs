//! The shape of a Java or C# source: its classes (nested ones too), their fields or
//! properties with annotations and doc comments, and their methods with the tokens of each
//! body. Enough of both languages for what the SDK generators write; anything else is a
//! located error, so a class that cannot be read is skipped, never half read.

use super::lex::{Flavor, Tok, Token};

pub use tree::{Attr, Class, Method, TypeExpr, Var};

mod tree;

/// Why a source's shape could not be read.
#[derive(Debug)]
pub struct SyntaxError {
    pub line: u32,
    pub message: String,
}

const MODIFIERS: &[&str] = &[
    "public",
    "private",
    "protected",
    "internal",
    "static",
    "final",
    "abstract",
    "override",
    "virtual",
    "readonly",
    "sealed",
    "partial",
    "new",
    "transient",
    "volatile",
    "synchronized",
    "native",
    "strictfp",
    "default",
    "const",
    "extern",
    "unsafe",
    "async",
];

/// Nesting of classes (or of type arguments) deeper than this is refused: a source made to
/// exhaust the stack.
const MAX_CLASS_DEPTH: usize = 32;

/// The top-level classes of one source file.
pub fn parse(toks: &[Token], flavor: Flavor) -> Result<Vec<Class>, SyntaxError> {
    let mut p = Parser {
        toks,
        pos: 0,
        flavor,
    };
    let mut classes = Vec::new();
    let mut namespaces = 0usize;
    let mut doc = String::new();
    let mut attrs = Vec::new();
    while let Some(t) = p.peek() {
        match t {
            Tok::Doc(d) => {
                doc = d.clone();
                p.pos += 1;
            }
            Tok::Ident(w) if w == "package" || w == "import" || w == "using" => {
                p.skip_past(';')?;
            }
            Tok::Ident(w) if w == "namespace" => {
                p.pos += 1;
                p.qualified_name()?;
                if p.eat(';') {
                    continue;
                }
                p.expect('{')?;
                namespaces += 1;
            }
            Tok::Punct('}') if namespaces > 0 => {
                namespaces -= 1;
                p.pos += 1;
            }
            Tok::Punct(';') => p.pos += 1,
            _ => {
                p.annotations_and_modifiers(&mut attrs, &mut false)?;
                let line = p.line();
                match p.peek().and_then(Tok::ident) {
                    Some("class" | "interface" | "enum" | "struct" | "record") => {
                        classes.push(p.class(std::mem::take(&mut doc), 0)?);
                        attrs.clear();
                    }
                    _ => return Err(p.unexpected("a class", line)),
                }
            }
        }
    }
    if namespaces > 0 {
        return Err(SyntaxError {
            line: p.line(),
            message: "the file ends inside a namespace block (a `}` is missing)".into(),
        });
    }
    Ok(classes)
}

struct Parser<'a> {
    toks: &'a [Token],
    pos: usize,
    flavor: Flavor,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.tok)
    }

    fn peek_at(&self, n: usize) -> Option<&Tok> {
        self.toks.get(self.pos + n).map(|t| &t.tok)
    }

    fn line(&self) -> u32 {
        self.toks
            .get(self.pos)
            .or(self.toks.last())
            .map_or(1, |t| t.line)
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek().is_some_and(|t| t.is(c)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: char) -> Result<(), SyntaxError> {
        if self.eat(c) {
            Ok(())
        } else {
            let line = self.line();
            Err(self.unexpected(&format!("`{c}`"), line))
        }
    }

    fn unexpected(&self, wanted: &str, line: u32) -> SyntaxError {
        let found = match self.peek() {
            None => "the end of the file".to_string(),
            Some(Tok::Ident(s)) => format!("`{s}`"),
            Some(Tok::Punct(c)) => format!("`{c}`"),
            Some(Tok::Str(s)) => format!("the string {s:?}"),
            Some(Tok::Num(n)) => format!("the number {n}"),
            Some(Tok::Doc(_)) => "a doc comment".into(),
        };
        SyntaxError {
            line,
            message: format!("expected {wanted}, found {found}"),
        }
    }

    fn ident(&mut self) -> Result<String, SyntaxError> {
        match self.peek() {
            Some(Tok::Ident(s)) => {
                let s = s.clone();
                self.pos += 1;
                Ok(s)
            }
            _ => {
                let line = self.line();
                Err(self.unexpected("a name", line))
            }
        }
    }

    fn qualified_name(&mut self) -> Result<Vec<String>, SyntaxError> {
        let mut parts = vec![self.ident()?];
        while self.peek().is_some_and(|t| t.is('.'))
            && matches!(self.peek_at(1), Some(Tok::Ident(_)))
        {
            self.pos += 1;
            parts.push(self.ident()?);
        }
        Ok(parts)
    }

    /// Past the next `c` outside brackets.
    fn skip_past(&mut self, c: char) -> Result<(), SyntaxError> {
        let line = self.line();
        let mut depth = 0i32;
        while let Some(t) = self.peek().cloned() {
            self.pos += 1;
            match t {
                Tok::Punct('(' | '{' | '[') => depth += 1,
                Tok::Punct(')' | '}' | ']') => depth -= 1,
                Tok::Punct(x) if x == c && depth <= 0 => return Ok(()),
                _ => {}
            }
            if depth < 0 {
                break;
            }
        }
        Err(SyntaxError {
            line,
            message: format!("no `{c}` ends the statement that starts here"),
        })
    }

    /// The tokens of a balanced `open .. close` group starting at the current token
    /// (exclusive of the brackets).
    fn group(&mut self, open: char, close: char) -> Result<Vec<Token>, SyntaxError> {
        let line = self.line();
        self.expect(open)?;
        let start = self.pos;
        let mut depth = 1;
        while let Some(t) = self.peek() {
            if t.is(open) {
                depth += 1;
            } else if t.is(close) {
                depth -= 1;
                if depth == 0 {
                    let body = self.toks[start..self.pos].to_vec();
                    self.pos += 1;
                    return Ok(body);
                }
            }
            self.pos += 1;
        }
        Err(SyntaxError {
            line,
            message: format!("`{open}` is never closed by `{close}`"),
        })
    }

    fn annotations_and_modifiers(
        &mut self,
        attrs: &mut Vec<Attr>,
        is_static: &mut bool,
    ) -> Result<(), SyntaxError> {
        loop {
            match self.peek() {
                Some(Tok::Punct('@')) if self.flavor == Flavor::Java => {
                    self.pos += 1;
                    if self.peek().is_some_and(|t| t.is_word("interface")) {
                        // `@interface`: an annotation type, read like an interface.
                        return Ok(());
                    }
                    let name = self.qualified_name()?.pop().unwrap_or_default();
                    let strings = if self.peek().is_some_and(|t| t.is('(')) {
                        strings_in(&self.group('(', ')')?)
                    } else {
                        Vec::new()
                    };
                    attrs.push(Attr { name, strings });
                }
                Some(Tok::Punct('[')) if self.flavor == Flavor::CSharp => {
                    let body = self.group('[', ']')?;
                    attrs.extend(csharp_attrs(&body));
                }
                Some(Tok::Ident(w)) if MODIFIERS.contains(&w.as_str()) => {
                    // `new Foo()` cannot start a member; `default` only as a modifier here.
                    *is_static |= w == "static" || w == "const";
                    self.pos += 1;
                }
                Some(Tok::Doc(_)) => self.pos += 1,
                _ => return Ok(()),
            }
        }
    }

    fn class(&mut self, doc: String, depth: usize) -> Result<Class, SyntaxError> {
        let line = self.line();
        if depth > MAX_CLASS_DEPTH {
            return Err(SyntaxError {
                line,
                message: format!("classes nested deeper than {MAX_CLASS_DEPTH} levels"),
            });
        }
        let kind = self.ident()?;
        let mut class = Class {
            name: self.ident()?,
            line,
            doc,
            opaque: kind != "class" && kind != "struct" && kind != "record",
            ..Class::default()
        };
        if self.peek().is_some_and(|t| t.is('<')) {
            self.group('<', '>')?;
        }
        if self.peek().is_some_and(|t| t.is('(')) {
            self.group('(', ')')?; // a record's components
        }
        // Bases up to the body.
        while let Some(t) = self.peek() {
            match t {
                Tok::Punct('{') => break,
                Tok::Ident(w) if w == "extends" || w == "implements" => self.pos += 1,
                Tok::Punct(':' | ',') => self.pos += 1,
                Tok::Ident(w) if w == "where" => {
                    // C# constraints: `where T : Foo` up to the body.
                    while self.peek().is_some_and(|t| !t.is('{')) {
                        self.pos += 1;
                    }
                }
                Tok::Ident(_) => class.bases.push(self.type_expr()?),
                _ => return Err(self.unexpected("the class body `{`", line)),
            }
        }
        if class.opaque {
            self.group('{', '}')?;
            return Ok(class);
        }
        self.expect('{')?;
        let mut doc = String::new();
        loop {
            let Some(t) = self.peek() else {
                return Err(SyntaxError {
                    line,
                    message: format!("class `{}` is never closed (a `}}` is missing)", class.name),
                });
            };
            match t {
                Tok::Punct('}') => {
                    self.pos += 1;
                    return Ok(class);
                }
                Tok::Punct(';') => {
                    self.pos += 1;
                    continue;
                }
                Tok::Doc(d) => {
                    doc = d.clone();
                    self.pos += 1;
                    continue;
                }
                _ => {}
            }
            let mut attrs = Vec::new();
            let mut is_static = false;
            self.annotations_and_modifiers(&mut attrs, &mut is_static)?;
            let member_line = self.line();
            let doc_here = std::mem::take(&mut doc);
            match self.peek() {
                Some(Tok::Ident(w))
                    if matches!(
                        w.as_str(),
                        "class" | "interface" | "enum" | "struct" | "record"
                    ) =>
                {
                    class.inner.push(self.class(doc_here, depth + 1)?);
                    continue;
                }
                Some(Tok::Punct('@')) => {
                    // `@interface` inside a class.
                    self.pos += 1;
                    class.inner.push(self.class(doc_here, depth + 1)?);
                    continue;
                }
                Some(Tok::Punct('{')) => {
                    self.group('{', '}')?; // an initializer block
                    continue;
                }
                Some(Tok::Punct('<')) => {
                    self.group('<', '>')?; // a generic method's type params
                }
                Some(Tok::Punct('~')) => {
                    self.pos += 1; // a C# finalizer: read as a method
                }
                _ => {}
            }
            // A constructor: a name right before `(`.
            let (ty, name) = if matches!(self.peek(), Some(Tok::Ident(_)))
                && self.peek_at(1).is_some_and(|t| t.is('('))
            {
                (TypeExpr::default(), self.ident()?)
            } else {
                let ty = self.type_expr()?;
                let name = match self.peek() {
                    Some(Tok::Ident(_)) => self.ident()?,
                    _ => return Err(self.unexpected("a member name", member_line)),
                };
                (ty, name)
            };
            match self.peek() {
                Some(Tok::Punct('(')) => {
                    let params = params_of(&self.group('(', ')')?, self.flavor);
                    // `throws ..`, C# `: base(..)`, `where ..` up to the body.
                    while let Some(t) = self.peek() {
                        if t.is('{') || t.is(';') || t.is('=') {
                            break;
                        }
                        self.pos += 1;
                    }
                    let body = match self.peek() {
                        Some(Tok::Punct('{')) => self.group('{', '}')?,
                        Some(Tok::Punct('=')) => {
                            // C# `=> expr;`
                            let start = self.pos;
                            self.skip_past(';')?;
                            self.toks[start..self.pos].to_vec()
                        }
                        _ => {
                            self.expect(';')?;
                            Vec::new()
                        }
                    };
                    class.methods.push(Method {
                        name,
                        params,
                        body,
                    });
                }
                Some(Tok::Punct('{')) if self.flavor == Flavor::CSharp => {
                    self.group('{', '}')?; // `{ get; set; }`, `{ set { .. } }`
                    if self.eat('=') {
                        self.skip_past(';')?;
                    }
                    class.vars.push(Var {
                        name,
                        ty,
                        doc: doc_here,
                        attrs,
                        is_static,
                    });
                }
                Some(Tok::Punct('=' | ';' | ',' | '[')) => {
                    let mut name = name;
                    loop {
                        let mut ty = ty.clone();
                        while self.eat('[') {
                            self.expect(']')?; // Java's `int x[]`
                            ty.array = true;
                        }
                        class.vars.push(Var {
                            name,
                            ty,
                            doc: doc_here.clone(),
                            attrs: attrs.clone(),
                            is_static,
                        });
                        if self.eat('=') {
                            self.skip_initializer()?;
                        }
                        if self.eat(',') {
                            name = self.ident()?;
                            continue;
                        }
                        self.expect(';')?;
                        break;
                    }
                }
                _ => {
                    let line = self.line();
                    return Err(self.unexpected("`(`, `;` or `=` after a member", line));
                }
            }
        }
    }

    /// A field's initializer, up to (not past) the `,` or `;` that ends it.
    fn skip_initializer(&mut self) -> Result<(), SyntaxError> {
        let line = self.line();
        let mut depth = 0i32;
        while let Some(t) = self.peek() {
            match t {
                Tok::Punct('(' | '{' | '[') => depth += 1,
                Tok::Punct(')' | '}' | ']') => {
                    depth -= 1;
                    if depth < 0 {
                        break;
                    }
                }
                Tok::Punct(';' | ',') if depth == 0 => return Ok(()),
                _ => {}
            }
            self.pos += 1;
        }
        Err(SyntaxError {
            line,
            message: "an initializer that never ends".into(),
        })
    }

    fn type_expr(&mut self) -> Result<TypeExpr, SyntaxError> {
        self.type_expr_at(0)
    }

    fn type_expr_at(&mut self, depth: usize) -> Result<TypeExpr, SyntaxError> {
        if depth > MAX_CLASS_DEPTH {
            return Err(SyntaxError {
                line: self.line(),
                message: format!("type arguments nested deeper than {MAX_CLASS_DEPTH} levels"),
            });
        }
        let path = self.qualified_name()?;
        let mut t = TypeExpr {
            name: path.last().cloned().unwrap_or_default(),
            path,
            ..TypeExpr::default()
        };
        if self.eat('<') {
            loop {
                if self.eat('?') {
                    // Java wildcard `? extends Foo`
                    if self.peek().is_some_and(|t| t.is_word("extends") || t.is_word("super")) {
                        self.pos += 1;
                    } else {
                        t.args.push(TypeExpr {
                            name: "Object".into(),
                            path: vec!["Object".into()],
                            ..TypeExpr::default()
                        });
                        if self.eat('>') {
                            break;
                        }
                        self.expect(',')?;
                        continue;
                    }
                }
                t.args.push(self.type_expr_at(depth + 1)?);
                if self.eat('>') {
                    break;
                }
                self.expect(',')?;
            }
        }
        if self.eat('?') {
            t = TypeExpr {
                name: "Nullable".into(),
                path: vec!["Nullable".into()],
                args: vec![t],
                array: false,
            };
        }
        while self.peek().is_some_and(|t| t.is('['))
            && self.peek_at(1).is_some_and(|t| t.is(']'))
        {
            self.pos += 2;
            t.array = true;
        }
        Ok(t)
    }
}

/// The string literals among tokens.
pub fn strings_in(toks: &[Token]) -> Vec<String> {
    toks.iter()
        .filter_map(|t| match &t.tok {
            Tok::Str(s) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

/// `XmlArray("a"), XmlArrayItem("b")` inside one `[..]`.
fn csharp_attrs(body: &[Token]) -> Vec<Attr> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut current: Option<Attr> = None;
    for t in body {
        match &t.tok {
            Tok::Punct('(') => depth += 1,
            Tok::Punct(')') => depth -= 1,
            Tok::Punct(',') if depth == 0 => out.extend(current.take()),
            Tok::Ident(name) if depth == 0 => {
                current = Some(Attr {
                    name: name.clone(),
                    strings: Vec::new(),
                })
            }
            Tok::Str(s) if depth > 0 => {
                if let Some(a) = current.as_mut() {
                    a.strings.push(s.clone());
                }
            }
            _ => {}
        }
    }
    out.extend(current);
    out
}

/// A method's parameters as `(type, name)`, best effort (annotations, `final`, `ref` ..
/// skipped); a parameter it cannot read is left out.
fn params_of(toks: &[Token], flavor: Flavor) -> Vec<(TypeExpr, String)> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    let mut pieces = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        match t.tok {
            Tok::Punct('<' | '(') => depth += 1,
            Tok::Punct('>' | ')') => depth -= 1,
            Tok::Punct(',') if depth == 0 => {
                pieces.push(&toks[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if start < toks.len() {
        pieces.push(&toks[start..]);
    }
    for piece in pieces {
        let mut p = Parser {
            toks: piece,
            pos: 0,
            flavor,
        };
        let mut attrs = Vec::new();
        let _ = p.annotations_and_modifiers(&mut attrs, &mut false);
        while p
            .peek()
            .is_some_and(|t| t.is_word("ref") || t.is_word("out") || t.is_word("params"))
        {
            p.pos += 1;
        }
        if let (Ok(ty), Ok(name)) = (p.type_expr(), p.ident()) {
            out.push((ty, name));
        }
    }
    out
}

#[cfg(test)]
mod tests;
