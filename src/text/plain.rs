//! Markup to plain text for excerpts: Markdown syntax and HTML tags removed, entities decoded,
//! whitespace collapsed. Fast and forgiving, so it can run on any window cut out of a body.

/// Plain one-line text of a Markdown/HTML fragment that starts at the start of a line.
pub fn strip_markup(s: &str) -> String {
    strip(s, true)
}

/// Like [`strip_markup`] for a fragment cut from the middle of a line: its first line carries
/// no block markers (a leading `42. ` is text, not a list item).
pub fn strip_markup_inline(s: &str) -> String {
    strip(s, false)
}

fn strip(s: &str, at_line_start: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, line) in s.lines().enumerate() {
        if i == 0 && !at_line_start {
            inline(line, &mut out);
            continue;
        }
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") || is_table_rule(t) {
            continue;
        }
        let t = t
            .trim_start_matches('#')
            .trim_start_matches('>')
            .trim_start();
        let t = strip_list_marker(t);
        if !out.is_empty() && !t.is_empty() {
            out.push(' ');
        }
        inline(t, &mut out);
    }
    collapse_spaces(&out)
}

fn is_table_rule(t: &str) -> bool {
    t.starts_with('|') && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
}

fn strip_list_marker(t: &str) -> &str {
    for m in ["- ", "* ", "+ "] {
        if let Some(rest) = t.strip_prefix(m) {
            return rest;
        }
    }
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && t[digits..].starts_with(". ") {
        return &t[digits + 2..];
    }
    t
}

fn inline(t: &str, out: &mut String) {
    let mut rest = t;
    while let Some(c) = rest.chars().next() {
        match c {
            '<' if looks_like_tag(rest) => {
                rest = rest.find('>').map_or("", |e| &rest[e + 1..]);
                out.push(' ');
                continue;
            }
            '&' => {
                if let Some((decoded, len)) = decode_entity(rest) {
                    out.push(decoded);
                    rest = &rest[len..];
                    continue;
                }
                out.push('&');
            }
            '!' if rest.starts_with("![") => {
                rest = &rest[1..];
                continue;
            }
            ']' if rest.starts_with("](") => {
                rest = rest.find(')').map_or("", |e| &rest[e + 1..]);
                continue;
            }
            '[' if rest[1..].contains("](") => {}
            '*' if rest.starts_with("**") => {
                rest = &rest[2..];
                continue;
            }
            '~' if rest.starts_with("~~") => {
                rest = &rest[2..];
                continue;
            }
            '`' => {}
            '|' => out.push(' '),
            _ => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
}

fn looks_like_tag(s: &str) -> bool {
    let mut it = s.chars().skip(1);
    matches!(it.next(), Some(c) if c.is_ascii_alphabetic() || c == '/' || c == '!')
        && s.contains('>')
}

/// Decodes the HTML entity at the start of `s`; returns the character and the bytes consumed.
pub fn decode_entity(s: &str) -> Option<(char, usize)> {
    let end = s
        .char_indices()
        .take_while(|(i, _)| *i < 12)
        .find(|(_, c)| *c == ';')?
        .0;
    let name = &s[1..end];
    let c = match name {
        "nbsp" | "ensp" | "emsp" | "thinsp" => ' ',
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "quot" => '"',
        "apos" => '\'',
        "copy" => '©',
        "reg" => '®',
        "middot" => '·',
        "hellip" => '…',
        "mdash" => '—',
        "ndash" => '–',
        "laquo" => '«',
        "raquo" => '»',
        "ldquo" => '“',
        "rdquo" => '”',
        "lsquo" => '‘',
        "rsquo" => '’',
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some((c, end + 1))
}

/// Decodes every entity in `s`.
pub fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        match decode_entity(rest) {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Runs of whitespace as one space, none at the ends.
pub fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_syntax_is_removed() {
        let md = "## 标题\n\n- **加粗** 与 `code`\n> 引用 [链接](http://x.y)\n```bash\nls -l\n```";
        assert_eq!(strip_markup(md), "标题 加粗 与 code 引用 链接 ls -l");
    }

    #[test]
    fn html_is_removed_and_entities_decoded() {
        assert_eq!(
            strip_markup("<p>a&nbsp;&lt;b&gt;</p><br/>c&#25968;"),
            "a <b> c数"
        );
        assert_eq!(strip_markup("1 < 2 && 3"), "1 < 2 && 3");
    }

    #[test]
    fn code_keeps_its_characters() {
        assert_eq!(
            strip_markup("find -name '*.gz' \"${A[@]}\""),
            "find -name '*.gz' \"${A[@]}\""
        );
        assert_eq!(
            strip_markup_inline("42. DB::Exception"),
            "42. DB::Exception"
        );
    }

    #[test]
    fn entities_next_to_wide_characters() {
        assert_eq!(decode_entities("&Year=2024`，直接"), "&Year=2024`，直接");
        assert_eq!(decode_entities("&amp;，"), "&，");
    }

    #[test]
    fn tables_become_cells() {
        assert_eq!(strip_markup("| a | b |\n|---|---|\n| 1 | 2 |"), "a b 1 2");
    }
}
