//! One article record (from JSON, YAML or TOML, all as `serde_json::Value`) checked field by
//! field into a [`NewArticle`]; every problem becomes a precise, one-line reason.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use serde_json::{Map, Value};

use crate::store::NewArticle;
use crate::taxonomy::{OTHER, taxonomy};
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
    let mut category = None;
    for c in category_list(obj)? {
        let t = taxonomy();
        if category.is_none() && (t.category(&c).is_some() || c == OTHER) {
            category = Some(c);
        } else if !tags
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

fn canonical_tag(t: &str) -> String {
    // A tag is a one-line label: sanitised like display text, so escape sequences vanish and
    // invisible characters cannot make two tags look alike (U+001F also separates tags).
    let t = crate::text::sanitize_line(t);
    match taxonomy().tag(&t) {
        Some((name, _)) => name.to_owned(),
        None => normalize_stored(t.trim()),
    }
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

/// Categories: a string, a list, or Hexo's nested lists, flattened in order.
fn category_list(obj: &Map<String, Value>) -> R<Vec<String>> {
    fn walk(v: &Value, out: &mut Vec<String>, depth: usize) -> R<()> {
        match v {
            Value::Null => Ok(()),
            Value::String(s) if !s.trim().is_empty() => {
                out.push(s.trim().to_owned());
                Ok(())
            }
            Value::String(_) => Ok(()),
            Value::Array(items) if depth < 4 => {
                items.iter().try_for_each(|i| walk(i, out, depth + 1))
            }
            v => Err(FieldError::new(
                "category",
                format!("expected text or a list of text, got {}", kind(v)),
            )),
        }
    }
    let mut out = Vec::new();
    if let Some(v) = first(obj, "category", &["categories"]) {
        walk(v, &mut out, 0)?;
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

/// Parses RFC 3339, `YYYY-MM-DD HH:MM[:SS]` (optionally with an offset) and `YYYY-MM-DD`;
/// dates without an offset are taken in `tz`.
pub fn parse_date(s: &str, tz: FixedOffset) -> Option<DateTime<FixedOffset>> {
    let s = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d);
    }
    for f in [
        "%Y-%m-%d %H:%M:%S%.f %z",
        "%Y-%m-%d %H:%M:%S%.f%:z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M %z",
    ] {
        if let Ok(d) = DateTime::parse_from_str(s, f) {
            return Some(d);
        }
    }
    for f in [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y/%m/%d %H:%M:%S",
        "%Y/%m/%d %H:%M",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, f) {
            return tz.from_local_datetime(&d).single();
        }
    }
    for f in ["%Y-%m-%d", "%Y/%m/%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(s, f) {
            return tz.from_local_datetime(&d.and_hms_opt(0, 0, 0)?).single();
        }
    }
    None
}

/// Parses a `--tz` value: `+08:00`, `-0530`, `Z` or `UTC`.
pub fn parse_offset(s: &str) -> Option<FixedOffset> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("utc") || s == "Z" {
        return FixedOffset::east_opt(0);
    }
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let h: i32 = digits[..2].parse().ok()?;
    let m: i32 = digits[2..].parse().ok()?;
    if h > 14 || m > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

/// The default offset for dates without one: +08:00.
pub fn china_offset() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("valid offset")
}

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
        assert_eq!(a.tags, ["Redis", "转载文章", "Java"]);
        assert_eq!(a.category, None);
        assert_eq!(a.id.as_deref(), Some("7"));
        assert_eq!(
            a.published.unwrap().to_rfc3339(),
            "2024-03-18T00:00:00+08:00"
        );
    }

    #[test]
    fn zhiku_category_is_kept_and_nested_lists_flatten() {
        let a =
            conv(json!({"title": "t", "body": "b", "categories": [["数据库", "mysql"]]})).unwrap();
        assert_eq!(a.category.as_deref(), Some("数据库"));
        assert_eq!(a.tags, ["MySQL"]);
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
