//! Markdown files with YAML (`---`) or TOML (`+++`) front matter, as Hexo, Hugo and Jekyll
//! write them. Front matter is capped at [`MAX_FRONT_MATTER`] and parsed with budgets.

use serde_json::{Map, Value};

use super::record::{Body, FieldError, to_article};
use crate::store::NewArticle;

/// Largest front matter accepted, in bytes.
pub const MAX_FRONT_MATTER: usize = 64 * 1024;

/// A rejected Markdown file: the line it concerns and why.
#[derive(Debug, Clone, PartialEq)]
pub struct MdError {
    pub line: usize,
    pub reason: String,
}

fn err(line: usize, reason: impl Into<String>) -> MdError {
    MdError {
        line,
        reason: reason.into(),
    }
}

/// Parses a whole Markdown file (already valid UTF-8, BOM removed). `stem` is the file name
/// without extension, the title of last resort.
pub fn parse(text: &str, stem: &str, tz: chrono::FixedOffset) -> Result<NewArticle, MdError> {
    let (meta, fm_text, body) = split(text)?;
    let (title_from_heading, body) = match meta.get("title") {
        Some(_) => (None, body.to_owned()),
        None => heading_title(body),
    };
    let mut meta = meta;
    if fm_text_is_toml(text) {
        hugo_categories(&mut meta);
    }
    if !meta.contains_key("title") {
        let title = title_from_heading.unwrap_or_else(|| stem.to_owned());
        meta.insert("title".into(), Value::String(title));
    }
    to_article(&meta, Body::Given(&body), tz).map_err(|e| locate(e, fm_text))
}

fn fm_text_is_toml(text: &str) -> bool {
    text.lines().next().is_some_and(|l| l.trim_end() == "+++")
}

/// Hugo (TOML front matter) lists an article's categories side by side, where Hexo's list is
/// one path: `categories = ["Go", "Web"]` is two categories, the first the article's.
fn hugo_categories(meta: &mut Map<String, Value>) {
    for k in ["categories", "category"] {
        if let Some(Value::Array(items)) = meta.get_mut(k) {
            if items.iter().all(|i| !i.is_array()) {
                let paths = items.drain(..).map(|i| Value::Array(vec![i])).collect();
                *items = paths;
            }
        }
    }
}

/// Finds the front-matter line of the field an error names (line 1 is the opening `---`).
fn locate(e: FieldError, fm_text: &str) -> MdError {
    let line = e
        .field
        .and_then(|f| {
            let aliases: &[&str] = match f {
                "published" => &["published", "date"],
                "body" => &[],
                "category" => &["category", "categories"],
                _ => std::slice::from_ref(&f),
            };
            fm_text.lines().position(|l| {
                aliases.iter().any(|a| {
                    l.strip_prefix(a)
                        .is_some_and(|r| r.trim_start().starts_with([':', '=']))
                })
            })
        })
        .map_or(1, |p| p + 2);
    err(line, e.reason)
}

/// Splits front matter from body: (fields, raw front matter, body).
fn split(text: &str) -> Result<(Map<String, Value>, &str, &str), MdError> {
    let first_line = text.lines().next().unwrap_or("").trim_end();
    let delim = match first_line {
        "---" => "---",
        "+++" => "+++",
        _ => return Ok((Map::new(), "", text)),
    };
    let after_open = text.find('\n').map_or(text.len(), |i| i + 1);
    let mut pos = after_open;
    loop {
        if pos - after_open > MAX_FRONT_MATTER {
            return Err(err(
                1,
                format!("front matter longer than {} KiB", MAX_FRONT_MATTER / 1024),
            ));
        }
        if pos >= text.len() {
            return Err(err(
                1,
                format!("front matter opened with `{delim}` on line 1 is never closed"),
            ));
        }
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        let line = text[pos..end].trim_end();
        if line == delim || (delim == "---" && line == "...") {
            let fm = &text[after_open..pos];
            let map = if delim == "---" {
                yaml(fm)?
            } else {
                toml_fm(fm)?
            };
            return Ok((map, fm, &text[end..]));
        }
        pos = end;
    }
}

fn yaml(fm: &str) -> Result<Map<String, Value>, MdError> {
    if fm.trim().is_empty() {
        return Ok(Map::new());
    }
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: 32,
            max_nodes: 5_000,
            max_aliases: 64,
            max_anchors: 64,
            max_events: 20_000,
            max_documents: 1,
            max_total_scalar_bytes: MAX_FRONT_MATTER,
        },
        with_snippet: false,
    };
    let v: Value = serde_saphyr::from_str_with_options(fm, options).map_err(|e| {
        let line = e.location().map_or(1, |l| l.line() as usize + 1);
        let msg = e.to_string();
        let msg = msg.lines().next().unwrap_or("invalid YAML").trim();
        err(line, format!("front matter: {msg}"))
    })?;
    into_map(v)
}

fn toml_fm(fm: &str) -> Result<Map<String, Value>, MdError> {
    let table: toml::Table = toml::from_str(fm).map_err(|e| {
        let line = e.span().map_or(1, |s| {
            fm[..s.start.min(fm.len())].lines().count().max(1) + 1
        });
        err(line, format!("front matter: {}", e.message()))
    })?;
    into_map(toml_to_json(toml::Value::Table(table)))
}

fn into_map(v: Value) -> Result<Map<String, Value>, MdError> {
    match v {
        Value::Object(m) => Ok(m),
        Value::Null => Ok(Map::new()),
        _ => Err(err(2, "front matter: expected `key: value` fields")),
    }
}

fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

/// The first `# ` heading as title, and the body without it.
fn heading_title(body: &str) -> (Option<String>, String) {
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        let t = line.trim_end();
        if let Some(h) = t.strip_prefix("# ") {
            let rest = format!("{}{}", &body[..offset], &body[offset + line.len()..]);
            return (
                Some(h.trim().to_owned()),
                rest.trim_start_matches('\n').to_owned(),
            );
        }
        if !t.trim().is_empty() {
            break;
        }
        offset += line.len();
    }
    (None, body.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::record::china_offset;

    fn p(s: &str) -> Result<NewArticle, MdError> {
        parse(s, "file-stem", china_offset())
    }

    #[test]
    fn hexo_front_matter() {
        let a = p("---\ntitle: Kafka 消息积压\ndate: 2024-03-18 21:40:00\ntags: [kafka, 运维]\ncategories:\n- [java, 基础]\n---\n正文\n").unwrap();
        assert_eq!(a.title, "Kafka 消息积压");
        assert_eq!(a.tags, ["kafka", "运维"]);
        assert_eq!(a.category.as_deref(), Some("java/基础"));
        assert_eq!(a.body, "正文\n");
        assert_eq!(
            a.published.unwrap().to_rfc3339(),
            "2024-03-18T21:40:00+08:00"
        );
    }

    #[test]
    fn hugo_toml_front_matter() {
        let a = p("+++\ntitle = \"Hugo\"\ndate = 2024-01-02T03:04:05+08:00\ntags = [\"Docker\"]\ncategories = [\"运维\", \"随笔\"]\n+++\n体\n").unwrap();
        assert_eq!(a.title, "Hugo");
        assert_eq!(a.category.as_deref(), Some("运维"));
        assert_eq!(a.tags, ["Docker", "随笔"]);
        assert_eq!(
            a.published.unwrap().to_rfc3339(),
            "2024-01-02T03:04:05+08:00"
        );
    }

    #[test]
    fn no_front_matter_uses_heading_then_file_name() {
        let a = p("# 标题\n\n正文").unwrap();
        assert_eq!((a.title.as_str(), a.body.as_str()), ("标题", "正文"));
        let a = p("只有正文").unwrap();
        assert_eq!(a.title, "file-stem");
    }

    #[test]
    fn crlf_and_empty_front_matter() {
        let a = p("---\r\ntitle: t\r\n---\r\nbody\r\n").unwrap();
        assert_eq!((a.title.as_str(), a.body.as_str()), ("t", "body\n"));
        let a = p("---\n---\n# 标题\n内容").unwrap();
        assert_eq!(a.title, "标题");
    }

    #[test]
    fn precise_errors() {
        assert_eq!(
            p("---\ntitle: t\nbody").unwrap_err().reason,
            "front matter opened with `---` on line 1 is never closed"
        );
        let e = p("---\ntitle: t\nviews: -3\n---\nb").unwrap_err();
        assert_eq!(
            (e.line, e.reason.as_str()),
            (3, "views: must be a whole number ≥ 0, got -3")
        );
        let e = p("---\ntitle: [unclosed\n---\nb").unwrap_err();
        assert!(e.reason.starts_with("front matter:"), "{e:?}");
    }

    #[test]
    fn billion_laughs_and_deep_nesting_are_rejected_fast() {
        let mut y = String::from(
            "---\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for i in 0..9 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("l{}", i - 1)
            };
            y.push_str(&format!("l{i}: &l{i} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
        }
        y.push_str("title: t\n---\nbody");
        let t = std::time::Instant::now();
        assert!(p(&y).unwrap_err().reason.starts_with("front matter:"));
        let deep = format!(
            "---\ntitle: {}{}\n---\nb",
            "[".repeat(20_000),
            "]".repeat(20_000)
        );
        assert!(p(&deep).is_err());
        assert!(t.elapsed().as_secs() < 5);
    }
}
