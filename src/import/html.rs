//! Saved pages (`.html`/`.htm`: a browser's "save page as", CSDN/掘金/博客园 exports) through
//! the same extraction as `zhiku add`: the bytes decoded by BOM, `<meta charset>` or sniffing,
//! the readable part as Markdown, the original URL from `<link rel=canonical>` or `og:url`.

use chrono::FixedOffset;

use crate::store::NewArticle;
use crate::web::{Labels, charset, extract, page_article};

/// The article in a saved page named `name` (its file stem is the title of last resort).
pub fn parse(data: &[u8], name: &str, tz: FixedOffset) -> Result<NewArticle, String> {
    let text = charset::decode(data, None).text;
    let page = extract::extract(&text, None).map_err(|e| e.to_string())?;
    let stem = std::path::Path::new(name)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(name);
    let mut a = page_article(&page, None, &Labels::default(), stem, tz)?;
    a.source_path.get_or_insert_with(|| name.to_owned());
    Ok(a)
}
