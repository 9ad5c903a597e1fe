//! TOP's descriptions (plain text with bits of HTML: `<br>`, `<li>` lists, `<font color=red>`,
//! links, bare URLs, `Map<String,String>`), the one conversion of them for every place docs
//! are shown: [`to_markdown`] for rustdoc and pages (rendered as meant and without a warning:
//! known tags become Markdown, lists stay lists, links stay links, other tags are dropped or
//! shown as text, Markdown's own characters are escaped, bare URLs become autolinks, no line
//! is indented: an indented line would be a doctest), [`to_plain_text`] for a terminal (the
//! same reading, written without Markdown's marks: links as `text (url)`).

/// Tags and what they become; any other `<...>` is text (`Map<String,String>`, `<oss>`).
#[derive(Clone, Copy, PartialEq, Debug)]
enum Tag {
    Break,
    Paragraph,
    List,
    Item,
    Strong,
    Emphasis,
    Link,
    /// Shown through: `font`, `span`, `code`, ...
    Transparent,
    /// Dropped with its attributes: `img`, `input`.
    Void,
}

fn tag_kind(name: &str) -> Option<Tag> {
    Some(match name {
        "br" | "hr" => Tag::Break,
        "p" | "div" | "table" | "tr" | "tbody" | "thead" | "pre" | "h1" | "h2" | "h3" | "h4"
        | "h5" | "h6" | "blockquote" | "dl" | "dt" | "dd" => Tag::Paragraph,
        "ul" | "ol" => Tag::List,
        "li" => Tag::Item,
        "strong" | "b" => Tag::Strong,
        "em" | "i" => Tag::Emphasis,
        "a" => Tag::Link,
        "font" | "span" | "code" | "u" | "sub" | "sup" | "small" | "big" | "label" | "td"
        | "th" | "s" | "del" | "center" | "nobr" => Tag::Transparent,
        "img" | "input" | "col" | "colgroup" => Tag::Void,
        _ => return None,
    })
}

/// One HTML tag parsed at the start of `s`: (kind, closing, href, length in bytes).
fn parse_tag(s: &str) -> Option<(Tag, bool, Option<String>, usize)> {
    let end = s.find('>')?;
    let inner = &s[1..end];
    if inner.contains('<') || inner.len() > 400 {
        return None;
    }
    let (closing, rest) = match inner.strip_prefix('/') {
        Some(r) => (true, r),
        None => (false, inner),
    };
    let name_len = rest
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(rest.len());
    let name = rest[..name_len].to_ascii_lowercase();
    let after = &rest[name_len..];
    // `<b>` and `<br/>` are tags; `<bad>` and `<String,String>` are not.
    if !(after.is_empty() || after.starts_with([' ', '/', '\t', '\n'])) {
        return None;
    }
    let kind = tag_kind(&name)?;
    let href = (kind == Tag::Link && !closing)
        .then(|| attribute(after, "href"))
        .flatten();
    Some((kind, closing, href, end + 1))
}

/// The value of `name="..."` (or single-quoted, or bare) in a tag's attribute text.
fn attribute(attrs: &str, name: &str) -> Option<String> {
    let lower = attrs.to_ascii_lowercase();
    let at = lower.find(&format!("{name}="))? + name.len() + 1;
    let rest = &attrs[at..];
    let value = match rest.chars().next()? {
        q @ ('"' | '\'') => rest[1..].split(q).next()?,
        _ => rest.split([' ', '>', '/']).next()?,
    };
    Some(value.trim().to_string())
}

/// Converts one description to Markdown.
pub fn to_markdown(text: &str) -> String {
    convert(text, false)
}

/// Converts one description to plain text: breaks, paragraphs and list items as
/// [`to_markdown`] lays them out, no escapes or emphasis marks, links as `text (url)`.
pub fn to_plain_text(text: &str) -> String {
    convert(text, true)
}

fn convert(text: &str, plain: bool) -> String {
    let text = bullets_as_items(text);
    let mut out = Writer {
        plain,
        ..Writer::default()
    };
    let mut rest = text.as_str();
    while let Some(c) = rest.chars().next() {
        if c == '<'
            && let Some((kind, closing, href, len)) = parse_tag(rest)
        {
            out.tag(kind, closing, href);
            rest = &rest[len..];
            continue;
        }
        if c == '&'
            && let Some((decoded, len)) = entity(rest)
        {
            out.text(decoded);
            rest = &rest[len..];
            continue;
        }
        if (c == 'h' || c == 'H')
            && out.link.is_none()
            && let Some(len) = url_len(rest)
        {
            out.autolink(&rest[..len]);
            rest = &rest[len..];
            continue;
        }
        out.text(c);
        rest = &rest[c.len_utf8()..];
    }
    out.finish()
}

/// A list written with spaced asterisks on one line (`可选值:    * A(..)    * B(..)`, the
/// docs' flattened bullets) as `<li>` items; a lone `*` is left alone. Once a text has such
/// bullets, a spaced `*` glued to its text (`    *入参..`, a bullet whose space was lost) is one
/// too.
fn bullets_as_items(text: &str) -> String {
    let spaced_before = |i: usize| {
        let before = &text[..i];
        before.ends_with("  ") || before.ends_with('\t') || before.ends_with('\n')
    };
    let strict: Vec<usize> = text
        .match_indices('*')
        .map(|(i, _)| i)
        .filter(|&i| spaced_before(i) && text[i + 1..].starts_with([' ', '\t']))
        .collect();
    let glued = text.match_indices('*').map(|(i, _)| i).filter(|&i| {
        spaced_before(i)
            && text[i + 1..]
                .chars()
                .next()
                .is_some_and(|c| !c.is_whitespace() && c != '*')
            // `*emphasis*` is not a bullet (up to the line's end, a `<br>` or the next tag).
            && !text[i + 1..].split(['\n', '<']).next().unwrap_or("").contains('*')
    });
    let mut marks = strict.clone();
    if !strict.is_empty() {
        marks.extend(glued);
        marks.sort_unstable();
    }
    if marks.len() < 2 {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + marks.len() * 4);
    let mut at = 0;
    for i in marks {
        out.push_str(&text[at..i]);
        out.push_str("<li>");
        at = i + 1;
    }
    out.push_str(&text[at..]);
    out
}

/// `&nbsp;`, `&lt;`, `&#160;`, ... at the start of `s`: (character, length).
fn entity(s: &str) -> Option<(char, usize)> {
    let end = s.bytes().take(10).position(|b| b == b';')?;
    let name = &s[1..end];
    let c = match name {
        "nbsp" | "ensp" | "emsp" => ' ',
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "quot" => '"',
        "apos" => '\'',
        _ => {
            let n = name.strip_prefix('#')?;
            let code = match n.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => n.parse().ok()?,
            };
            char::from_u32(code).filter(|c| !c.is_control())?
        }
    };
    Some((c, end + 1))
}

/// The length of a bare `http(s)://` URL at the start of `s`, without trailing punctuation.
fn url_len(s: &str) -> Option<usize> {
    let lower = s.get(..8)?.to_ascii_lowercase();
    let scheme = if lower.starts_with("https://") {
        8
    } else if lower.starts_with("http://") {
        7
    } else {
        return None;
    };
    let len = s
        .find(|c: char| {
            !c.is_ascii_graphic()
                || matches!(c, '<' | '>' | '"' | '\'' | '`' | '(' | ')' | '[' | ']')
        })
        .unwrap_or(s.len());
    let url = s[..len].trim_end_matches(['.', ',', ';', ':', '!', '?']);
    (url.len() > scheme).then_some(url.len())
}

#[derive(Default)]
struct Writer {
    out: String,
    /// Open `<a href>`: the target and the text so far.
    link: Option<(String, String)>,
    strong: bool,
    emphasis: bool,
    /// Plain text: no Markdown marks or escapes.
    plain: bool,
}

impl Writer {
    fn buf(&mut self) -> &mut String {
        match &mut self.link {
            Some((_, text)) => text,
            None => &mut self.out,
        }
    }

    fn raw(&mut self, s: &str) {
        self.buf().push_str(s);
    }

    /// A bare URL.
    fn autolink(&mut self, url: &str) {
        if self.plain {
            self.raw(url);
        } else {
            self.raw(&format!("<{url}>"));
        }
    }

    /// Markdown's marks (`**`, `*`); nothing in plain text.
    fn mark(&mut self, s: &str) {
        if !self.plain {
            self.raw(s);
        }
    }

    fn text(&mut self, c: char) {
        let escaped = !self.plain
            && match c {
                '\\' | '`' | '*' | '[' | ']' | '<' | '>' | '|' | '~' | '#' => true,
                // `_` only where it could open or close emphasis: `TRADE_FINISHED` stays as it is.
                '_' => {
                    let prev = self.buf().chars().next_back();
                    !prev.is_some_and(|p| p.is_alphanumeric())
                }
                _ => false,
            };
        let c = if c.is_control() && c != '\n' { ' ' } else { c };
        let buf = self.buf();
        if escaped {
            buf.push('\\');
        }
        buf.push(c);
    }

    fn paragraph(&mut self) {
        self.raw("\n\n");
    }

    fn tag(&mut self, kind: Tag, closing: bool, href: Option<String>) {
        match (kind, closing) {
            (Tag::Break | Tag::Paragraph, _) => self.paragraph(),
            (Tag::List, _) => self.paragraph(),
            (Tag::Item, false) => self.raw("\n\n- "),
            (Tag::Item, true) => self.paragraph(),
            (Tag::Strong, _) => {
                if self.strong != closing {
                    return;
                }
                self.strong = !closing;
                self.mark("**");
            }
            (Tag::Emphasis, _) => {
                if self.emphasis != closing {
                    return;
                }
                self.emphasis = !closing;
                self.mark("*");
            }
            (Tag::Link, false) => {
                self.close_link();
                let target = href.filter(|h| {
                    let h = h.to_ascii_lowercase();
                    (h.starts_with("http://") || h.starts_with("https://"))
                        && !h.contains(char::is_whitespace)
                });
                if let Some(t) = target {
                    self.link = Some((t, String::new()));
                }
            }
            (Tag::Link, true) => self.close_link(),
            (Tag::Transparent | Tag::Void, _) => {}
        }
    }

    fn close_link(&mut self) {
        if let Some((href, text)) = self.link.take() {
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let href = href.replace('(', "%28").replace(')', "%29");
            if self.plain {
                if text.is_empty() || text == href {
                    self.out.push_str(&href);
                } else {
                    self.out.push_str(&format!("{text} ({href})"));
                }
            } else if text.is_empty() || text.replace('\\', "") == href {
                self.out.push_str(&format!("<{href}>"));
            } else {
                self.out.push_str(&format!("[{text}]({href})"));
            }
        }
    }

    fn finish(mut self) -> String {
        self.close_link();
        if self.strong && !self.plain {
            self.out.push_str("**");
        }
        if self.emphasis && !self.plain {
            self.out.push('*');
        }
        // No indented lines (doctests), no runs of blank lines, nothing around the text.
        let mut lines: Vec<String> = Vec::new();
        for line in self.out.lines().map(str::trim) {
            let line = match line.strip_prefix("- ") {
                Some(item) => format!("- {}", item.trim_start()),
                None => line.to_string(),
            };
            if line.is_empty() && lines.last().is_none_or(|l| l.is_empty()) {
                continue;
            }
            // An empty item (`<li></li>`, `<li>` before `</ul>`) is dropped.
            if line == "-" || line == "- " {
                continue;
            }
            lines.push(line);
        }
        while lines.last().is_some_and(|l| l.is_empty()) {
            lines.pop();
        }
        // List items are kept apart by blank lines when converted; put them together again.
        // Text right after an item ends the list with a blank line: Markdown would otherwise
        // run it into the item ("lazy continuation").
        let mut out = String::new();
        for (i, line) in lines.iter().enumerate() {
            if line.is_empty()
                && lines.get(i + 1).is_some_and(|n| n.starts_with("- "))
                && i > 0
                && lines[i - 1].starts_with("- ")
            {
                continue;
            }
            if !line.is_empty()
                && !line.starts_with("- ")
                && i > 0
                && lines[i - 1].starts_with("- ")
            {
                out.push('\n');
            }
            out.push_str(line);
            out.push('\n');
        }
        out.truncate(out.trim_end().len());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::to_markdown;

    #[test]
    fn html_and_markdown_characters() {
        let table: &[(&str, &str)] = &[
            ("plain 文本", "plain 文本"),
            ("a<br>b<br/>c</br>d", "a\n\nb\n\nc\n\nd"),
            (
                "状态: <ul><li>WAIT_BUYER_PAY(等待) </li><li>TRADE_FINISHED</li></ul>完",
                "状态:\n\n- WAIT_BUYER_PAY(等待)\n- TRADE_FINISHED\n\n完",
            ),
            // Items without closing tags or a list around them.
            ("可选: <li>A <li>B", "可选:\n\n- A\n- B"),
            // The docs' flattened bullets; a single spaced `*` is text.
            (
                "可选值:    * A(甲)    * B(乙)\t* C",
                "可选值:\n\n- A(甲)\n- B(乙)\n- C",
            ),
            ("a  * b", r"a  \* b"),
            // A bullet whose space was lost, among bullets, is one too; emphasis is not.
            (
                "查询。<br/>    * 入参pids。<br/>    *入参sku(最多50条)<br/>    * 入参fields",
                "查询。\n\n- 入参pids。\n- 入参sku(最多50条)\n- 入参fields",
            ),
            (
                "说明 \n* 入参a \n*入参b \n* c",
                "说明\n\n- 入参a\n- 入参b\n- c",
            ),
            ("x  * a  *强调*", "x  \\* a  \\*强调\\*"),
            // Text right after an item is a new paragraph, not part of the item.
            ("<li>A</li>后文", "- A\n\n后文"),
            (
                r#"<font color="red">注意</font><span style="x">!</span>"#,
                "注意!",
            ),
            ("<strong>重要</strong>, <b>粗", "**重要**, **粗**"),
            (
                r#"<a href="http://open.taobao.com/doc?id=1&x=2" target="_blank">查看可选值</a>"#,
                "[查看可选值](http://open.taobao.com/doc?id=1&x=2)",
            ),
            (
                r#"<a href="https://a.cn/x"> https://a.cn/x</a>"#,
                "<https://a.cn/x>",
            ),
            (r#"<a href="javascript:void(0)">点</a>"#, "点"),
            (
                "见 https://a.cn/p?q=1。然后",
                "见 <https://a.cn/p?q=1>。然后",
            ),
            ("(http://a.cn/x).", "(<http://a.cn/x>)."),
            ("Map<String,String>", r"Map\<String,String\>"),
            ("<oss>x</oss>", r"\<oss\>x\</oss\>"),
            ("[1,2] *a* `b` a|b ~c~", r"\[1,2\] \*a\* \`b\` a\|b \~c\~"),
            ("TRADE_FINISHED _x_", r"TRADE_FINISHED \_x_"),
            ("#1 \\n", r"\#1 \\n"),
            ("    indented\n\n\n\nline", "indented\n\nline"),
            (
                "a&nbsp;b &lt;c&gt; &amp; &#20013; &bogus; R&D",
                r"a b \<c\> & 中 &bogus; R&D",
            ),
            ("&& <=100）", r"&& \<=100）"),
            (
                "```rust\nfn x\n```",
                r"\`\`\`rust
fn x
\`\`\`",
            ),
        ];
        for (html, want) in table {
            assert_eq!(&to_markdown(html), want, "from {html:?}");
        }
    }
}
