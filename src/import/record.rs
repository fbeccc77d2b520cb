//! One article record (from JSON, YAML or TOML, all as `serde_json::Value`) checked field by
//! field into a [`NewArticle`]; every problem becomes a precise, one-line reason.

use chrono::{DateTime, FixedOffset};
use serde_json::{Map, Value};

use crate::store::NewArticle;
use crate::store::classify::MAX_SOURCE_CATEGORY;
use crate::text::fold::normalize_stored;

/// Why a record was rejected, and which field (for locating its line in front matter).
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub field: Option<&'static str>,
    pub reason: String,
}

impl FieldError {
    fn new(field: &'static str, reason: impl Into<String>) -> Self {
        FieldError {
            field: Some(field),
            reason: format!("{field}: {}", reason.into()),
        }
    }
    pub fn record(reason: impl Into<String>) -> Self {
        FieldError {
            field: None,
            reason: reason.into(),
        }
    }
}

type R<T> = Result<T, FieldError>;

/// Where the body comes from: a field of the record (JSON) or the Markdown after front matter.
pub enum Body<'a> {
    Field,
    Given(&'a str),
}

/// Converts a record into an article. `tz` is the offset for dates written without one.
pub fn to_article(obj: &Map<String, Value>, body: Body, tz: FixedOffset) -> R<NewArticle> {
    let title = text(obj, "title", &[])?
        .map(|t| t.trim().to_owned())
        .unwrap_or_default();
    if title.is_empty() {
        return Err(FieldError::new(
            "title",
            "missing (every article needs a title)",
        ));
    }
    let body = match body {
        Body::Field => text(obj, "body", &["content"])?
            .ok_or_else(|| FieldError::new("body", "missing (alias: content)"))?,
        Body::Given(b) => b.to_owned(),
    };
    if body.trim().is_empty() {
        return Err(FieldError::new("body", "empty"));
    }
    let mut tags = tag_list(obj)?;
    // The first category (a path for Hexo's nested lists) is the article's; the names of any
    // further ones are kept as tags. Classification (the store's) decides where it goes.
    let mut paths = category_paths(obj)?.into_iter();
    let category = paths.next().map(|p| {
        let joined = p.join("/");
        joined.chars().take(MAX_SOURCE_CATEGORY).collect::<String>()
    });
    for c in paths.flatten() {
        if !tags
            .iter()
            .any(|x: &String| crate::text::fold_str(x) == crate::text::fold_str(&c))
        {
            tags.push(c);
        }
    }
    let views = match first(obj, "views", &["view_count", "pv"]) {
        None | Some(Value::Null) => 0,
        Some(Value::Number(n)) => match n.as_u64() {
            // The store keeps views as SQLite INTEGER (i64); larger would abort the whole run.
            Some(v) if v > i64::MAX as u64 => {
                return Err(FieldError::new(
                    "views",
                    format!("must be at most {}, got {n}", i64::MAX),
                ));
            }
            Some(v) => v,
            None => {
                return Err(FieldError::new(
                    "views",
                    format!("must be a whole number ≥ 0, got {n}"),
                ));
            }
        },
        Some(v) => {
            return Err(FieldError::new(
                "views",
                format!("expected a number, got {}", kind(v)),
            ));
        }
    };
    let id = match first(obj, "id", &["uuid", "slug"]) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if !s.trim().is_empty() && s.len() <= 256 => {
            Some(s.trim().to_owned())
        }
        Some(Value::String(_)) => return Err(FieldError::new("id", "must be 1–256 bytes of text")),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(v) => {
            return Err(FieldError::new(
                "id",
                format!("expected text, got {}", kind(v)),
            ));
        }
    };
    Ok(NewArticle {
        id,
        title: normalize_stored(&title),
        body: normalize_stored(&body),
        summary: opt_text(obj, "summary", &["excerpt", "description"])?,
        author: opt_text(obj, "author", &["authors"])?,
        category,
        tags: tags
            .iter()
            .map(|t| canonical_tag(t))
            .filter(|t| !t.is_empty())
            .collect(),
        published: date(obj, "published", &["date"], tz)?,
        updated: date(obj, "updated", &["lastmod", "modified"], tz)?,
        views,
        url: opt_text(obj, "url", &["permalink", "link"])?,
        source_path: opt_text(obj, "source", &[])?,
        user_state: user_state(obj)?,
    })
}

/// A tag is a one-line label: control characters are dropped (U+001F also separates the tags
/// of an article in store queries, so a tag containing it would read back as two).
/// `user_state` as `export --user-state` writes it.
fn user_state(obj: &Map<String, Value>) -> R<Option<crate::store::UserState>> {
    let Some(v) = obj.get("user_state").filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    let Value::Object(s) = v else {
        return Err(FieldError::new(
            "user_state",
            format!("expected a mapping, got {}", kind(v)),
        ));
    };
    let read_count = match s.get("read_count") {
        None | Some(Value::Null) => 0,
        Some(Value::Number(n)) if n.as_i64().is_some_and(|x| x >= 0) => n.as_i64().unwrap_or(0),
        Some(v) => {
            return Err(FieldError::new(
                "user_state",
                format!("read_count: expected a whole number ≥ 0, got {v}"),
            ));
        }
    };
    let when = |k: &str| match s.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(t)) if chrono::DateTime::parse_from_rfc3339(t).is_ok() => {
            Ok(Some(t.clone()))
        }
        Some(v) => Err(FieldError::new(
            "user_state",
            format!("{k}: expected an RFC 3339 time, got {v}"),
        )),
    };
    let (last_read_at, bookmarked_at) = (when("last_read_at")?, when("bookmarked_at")?);
    Ok(Some(crate::store::UserState {
        read_count,
        last_read_at,
        bookmarked_at,
    }))
}

/// A tag as the source spelt it, made a one-line label: sanitised like display text, so escape
/// sequences vanish and invisible characters cannot make two tags look alike (U+001F also
/// separates tags). The taxonomy's spelling is applied when the article is filed.
fn canonical_tag(t: &str) -> String {
    normalize_stored(crate::text::sanitize_line(t).trim())
}

/// `url` made absolute with `base` (`--base-url`): a link with a scheme stays as it is; one
/// starting with `//` takes the base's scheme; any other is put after the base
/// (`https://blog.example.com` + `/archives/12` → `https://blog.example.com/archives/12`).
pub fn absolute_url(base: &str, url: &str) -> String {
    let u = url.trim();
    let has_scheme = u.split_once(':').is_some_and(|(s, _)| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
            && s.as_bytes()[0].is_ascii_alphabetic()
    });
    if has_scheme || u.is_empty() {
        return url.to_owned();
    }
    let base = base.trim().trim_end_matches('/');
    if let Some(rest) = u.strip_prefix("//") {
        let scheme = base.split_once("://").map_or("https", |x| x.0);
        return format!("{scheme}://{rest}");
    }
    format!(
        "{base}/{}",
        u.trim_start_matches("./").trim_start_matches('/')
    )
}

/// Checks a `--base-url`: an http(s) address with a host, one line.
pub fn check_base_url(s: &str) -> Result<String, String> {
    let t = s.trim();
    let rest = t
        .strip_prefix("https://")
        .or_else(|| t.strip_prefix("http://"))
        .ok_or_else(|| format!("not a web address: {s:?} (use https://blog.example.com)"))?;
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() || t.chars().any(|c| c.is_whitespace() || c.is_control()) || t.len() > 2048 {
        return Err(format!(
            "not a web address: {s:?} (use https://blog.example.com)"
        ));
    }
    Ok(t.trim_end_matches('/').to_owned())
}

fn first<'a>(obj: &'a Map<String, Value>, key: &str, aliases: &[&str]) -> Option<&'a Value> {
    std::iter::once(key)
        .chain(aliases.iter().copied())
        .find_map(|k| obj.get(k))
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

fn text(obj: &Map<String, Value>, key: &'static str, aliases: &[&str]) -> R<Option<String>> {
    match first(obj, key, aliases) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(v) => Err(FieldError::new(
            key,
            format!("expected text, got {}", kind(v)),
        )),
    }
}

fn opt_text(obj: &Map<String, Value>, key: &'static str, aliases: &[&str]) -> R<Option<String>> {
    let v = match first(obj, key, aliases) {
        Some(Value::Array(items)) if key == "author" => {
            items.first().and_then(Value::as_str).map(str::to_owned)
        }
        _ => text(obj, key, aliases)?,
    };
    Ok(v.map(|s| normalize_stored(s.trim()))
        .filter(|s| !s.is_empty()))
}

/// Tags: a list of strings (numbers allowed) or one string separated by commas.
fn tag_list(obj: &Map<String, Value>) -> R<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |s: &str| {
        let s = s.trim();
        if !s.is_empty()
            && !out
                .iter()
                .any(|x| crate::text::fold_str(x) == crate::text::fold_str(s))
        {
            out.push(s.to_owned());
        }
    };
    match first(obj, "tags", &["tag", "keywords"]) {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) => s.split([',', '，', '、', ';', '；']).for_each(&mut push),
        Some(Value::Array(items)) => {
            for item in items {
                match item {
                    Value::String(s) => push(s),
                    Value::Number(n) => push(&n.to_string()),
                    v => {
                        return Err(FieldError::new(
                            "tags",
                            format!("expected a list of text, found {}", kind(v)),
                        ));
                    }
                }
            }
        }
        Some(v) => {
            return Err(FieldError::new(
                "tags",
                format!("expected a list or comma-separated text, got {}", kind(v)),
            ));
        }
    }
    Ok(out)
}

/// Categories as paths: a string is one category; a list of strings is one path, as Hexo
/// reads it (`[后端, Java]` is 后端 › Java); a list of lists is one path each
/// (`[[后端, Java], [面试]]`). Names are sanitised one-line labels.
fn category_paths(obj: &Map<String, Value>) -> R<Vec<Vec<String>>> {
    fn name(v: &Value) -> R<Option<String>> {
        match v {
            Value::Null => Ok(None),
            Value::String(s) => {
                let t = canonical_tag(s);
                Ok((!t.is_empty()).then_some(t))
            }
            Value::Number(n) => Ok(Some(n.to_string())),
            v => Err(FieldError::new(
                "category",
                format!("expected text or a list of text, got {}", kind(v)),
            )),
        }
    }
    fn path(items: &[Value]) -> R<Vec<String>> {
        let mut out = Vec::new();
        for i in items.iter().take(8) {
            out.extend(name(i)?);
        }
        Ok(out)
    }
    let Some(v) = first(obj, "category", &["categories"]) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    match v {
        Value::Array(items) if items.iter().any(Value::is_array) => {
            for i in items.iter().take(32) {
                let p = match i {
                    Value::Array(inner) => path(inner)?,
                    other => name(other)?.into_iter().collect(),
                };
                if !p.is_empty() {
                    out.push(p);
                }
            }
        }
        Value::Array(items) => {
            let p = path(items)?;
            if !p.is_empty() {
                out.push(p);
            }
        }
        other => out.extend(name(other)?.map(|n| vec![n])),
    }
    Ok(out)
}

fn date(
    obj: &Map<String, Value>,
    key: &'static str,
    aliases: &[&str],
    tz: FixedOffset,
) -> R<Option<DateTime<FixedOffset>>> {
    match first(obj, key, aliases) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => parse_date(s, tz).map(Some).ok_or_else(|| {
            FieldError::new(
                key,
                format!("not a date: {s:?} (expected RFC 3339, YYYY-MM-DD HH:MM:SS or YYYY-MM-DD)"),
            )
        }),
        Some(v) => Err(FieldError::new(
            key,
            format!("expected a date as text, got {}", kind(v)),
        )),
    }
}

pub use crate::text::date::{china_offset, parse_date, parse_offset};

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn conv(v: Value) -> R<NewArticle> {
        to_article(v.as_object().unwrap(), Body::Field, china_offset())
    }

    #[test]
    fn full_record() {
        let a = conv(
            json!({"title": " 标题 ", "content": "正文", "tags": "redis, 转载文章",
            "category": "java", "author": "月影", "date": "2024-03-18", "views": 12,
            "url": "https://x", "id": 7, "summary": "摘要", "extra": true}),
        )
        .unwrap();
        assert_eq!(a.title, "标题");
        assert_eq!(a.tags, ["redis", "转载文章"]);
        assert_eq!(a.category.as_deref(), Some("java"));
        assert_eq!(a.id.as_deref(), Some("7"));
        assert_eq!(
            a.published.unwrap().to_rfc3339(),
            "2024-03-18T00:00:00+08:00"
        );
    }

    #[test]
    fn categories_are_paths_and_further_ones_tags() {
        let c = |v| conv(v).unwrap();
        let a = c(json!({"title": "t", "body": "b", "categories": [["数据库", "mysql"]]}));
        assert_eq!(a.category.as_deref(), Some("数据库/mysql"));
        let a = c(json!({"title": "t", "body": "b", "categories": ["后端", "Java"]}));
        assert_eq!(a.category.as_deref(), Some("后端/Java"));
        let a = c(json!({"title": "t", "body": "b", "tags": ["x"],
            "categories": [["后端", "Java"], ["面试指南"], "随笔"]}));
        assert_eq!(a.category.as_deref(), Some("后端/Java"));
        assert_eq!(a.tags, ["x", "面试指南", "随笔"]);
        let a = c(json!({"title": "t", "body": "b", "category": "面\u{1b}[31m试"}));
        assert_eq!(a.category.as_deref(), Some("面试"));
        let long = "长".repeat(500);
        let a = c(json!({"title": "t", "body": "b", "category": long}));
        assert_eq!(a.category.unwrap().chars().count(), MAX_SOURCE_CATEGORY);
    }

    #[test]
    fn relative_links_are_made_absolute() {
        let b = "https://blog.example.com";
        assert_eq!(
            absolute_url(b, "/archives/12/"),
            "https://blog.example.com/archives/12/"
        );
        assert_eq!(
            absolute_url("https://blog.example.com/", "archives/12"),
            "https://blog.example.com/archives/12"
        );
        assert_eq!(
            absolute_url(b, "https://other.org/x"),
            "https://other.org/x"
        );
        assert_eq!(
            absolute_url(b, "//cdn.example.com/x"),
            "https://cdn.example.com/x"
        );
        assert_eq!(absolute_url(b, "mailto:a@b.c"), "mailto:a@b.c");
        assert_eq!(check_base_url("https://blog.example.com/").unwrap(), b);
        assert!(check_base_url("blog.example.com").is_err());
        assert!(check_base_url("https://").is_err());
        assert!(check_base_url("https://a b").is_err());
    }

    #[test]
    fn precise_reasons() {
        let e = |v| conv(v).unwrap_err().reason;
        assert_eq!(
            e(json!({"body": "b"})),
            "title: missing (every article needs a title)"
        );
        assert_eq!(e(json!({"title": "t", "body": " "})), "body: empty");
        assert_eq!(
            e(json!({"title": "t", "body": "b", "views": -5})),
            "views: must be a whole number ≥ 0, got -5"
        );
        assert_eq!(
            e(json!({"title": "t", "body": "b", "views": "12"})),
            "views: expected a number, got text"
        );
        assert_eq!(
            e(json!({"title": 3, "body": "b"})),
            "title: expected text, got a number"
        );
        assert!(
            e(json!({"title": "t", "body": "b", "date": "昨天"}))
                .starts_with("published: not a date")
        );
        assert!(
            e(json!({"title": "t", "body": "b", "tags": [{}]}))
                .starts_with("tags: expected a list")
        );
    }

    #[test]
    fn dates() {
        let tz = china_offset();
        let d = |s| parse_date(s, tz).map(|d| d.to_rfc3339());
        assert_eq!(
            d("2024-07-28T10:00:00Z").unwrap(),
            "2024-07-28T10:00:00+00:00"
        );
        assert_eq!(
            d("2024-07-28 10:00:00").unwrap(),
            "2024-07-28T10:00:00+08:00"
        );
        assert_eq!(
            d("2024-07-28 10:00:00 +0200").unwrap(),
            "2024-07-28T10:00:00+02:00"
        );
        assert_eq!(d("2024-07-28").unwrap(), "2024-07-28T00:00:00+08:00");
        assert_eq!(d("2024-13-01"), None);
        assert_eq!(
            parse_offset("-05:30"),
            FixedOffset::east_opt(-(5 * 3600 + 1800))
        );
        assert_eq!(parse_offset("UTC"), FixedOffset::east_opt(0));
        assert_eq!(parse_offset("8"), None);
    }
}
