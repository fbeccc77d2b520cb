//! OPML, the list of feeds newsboat (`newsboat -e`), russ and most readers import and export.
//! Folders become the feeds' category. Bounded: at most [`MAX_FEEDS`] feeds and
//! [`MAX_DEPTH`] levels of folders; beyond that the file is refused with a clear error.

use quick_xml::Reader;
use quick_xml::events::Event;

/// Feeds one OPML file may list.
pub const MAX_FEEDS: usize = 5000;
/// Levels of nested outlines.
pub const MAX_DEPTH: usize = 32;

/// One feed of an OPML file.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub url: String,
    pub title: Option<String>,
    /// The folder it was in (the innermost), if any.
    pub folder: Option<String>,
}

/// What an OPML file lists, and what was skipped.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct List {
    pub feeds: Vec<Entry>,
    pub skipped: Vec<String>,
}

/// Parses OPML text.
pub fn parse(text: &str) -> Result<List, String> {
    let mut r = Reader::from_str(text);
    r.config_mut().expand_empty_elements = false;
    let mut out = List::default();
    // The open outlines: Some(folder name) for folders, None for a feed outline.
    let mut stack: Vec<Option<String>> = Vec::new();
    let mut saw_opml = false;
    loop {
        let ev = r
            .read_event()
            .map_err(|e| format!("invalid XML at byte {}: {e}", r.error_position()))?;
        let (e, empty) = match ev {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(e) => {
                if e.local_name().as_ref() == "outline" {
                    stack.pop();
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let name = e.local_name();
        if name.as_ref() == "opml" {
            saw_opml = true;
        }
        if name.as_ref() != "outline" {
            continue;
        }
        if stack.len() >= MAX_DEPTH {
            return Err(format!(
                "outlines nested more than {MAX_DEPTH} deep; not a feed list zhiku reads"
            ));
        }
        let attr = |k: &str| -> Option<String> {
            e.attributes().flatten().find_map(|a| {
                (a.key.local_name().as_ref().eq_ignore_ascii_case(k))
                    .then(|| {
                        a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .map(|v| v.trim().to_owned())
                            .ok()
                    })
                    .flatten()
                    .filter(|v| !v.is_empty())
            })
        };
        let title = attr("title").or_else(|| attr("text"));
        let folder = match attr("xmlUrl") {
            Some(url) => {
                if out.feeds.len() == MAX_FEEDS {
                    return Err(format!(
                        "more than {MAX_FEEDS} feeds in one file; split it or prune it"
                    ));
                }
                match super::net::web_url(&url) {
                    Ok(u) => out.feeds.push(Entry {
                        url: u.to_string(),
                        title,
                        folder: stack.iter().rev().flatten().next().cloned(),
                    }),
                    Err(err) => out.skipped.push(err.to_string()),
                }
                None
            }
            None => title,
        };
        if !empty {
            stack.push(folder);
        }
    }
    if !saw_opml {
        return Err("not OPML (no <opml> element)".into());
    }
    Ok(out)
}

fn esc(s: &str) -> String {
    let s = crate::text::sanitize_line(s);
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// OPML 2.0 for the feeds `(url, title, category)`, grouped in folders by category.
pub fn write(feeds: &[(String, Option<String>, Option<String>)]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head><title>zhiku feeds</title></head>\n  <body>\n",
    );
    let line = |url: &str, title: &Option<String>, indent: &str| {
        let t = esc(title.as_deref().unwrap_or(url));
        format!(
            "{indent}<outline type=\"rss\" text=\"{t}\" title=\"{t}\" xmlUrl=\"{}\"/>\n",
            esc(url)
        )
    };
    let mut folders: Vec<&str> = feeds.iter().filter_map(|f| f.2.as_deref()).collect();
    folders.sort();
    folders.dedup();
    for (url, title, _) in feeds.iter().filter(|f| f.2.is_none()) {
        out.push_str(&line(url, title, "    "));
    }
    for folder in folders {
        out.push_str(&format!("    <outline text=\"{}\">\n", esc(folder)));
        for (url, title, _) in feeds.iter().filter(|f| f.2.as_deref() == Some(folder)) {
            out.push_str(&line(url, title, "      "));
        }
        out.push_str("    </outline>\n");
    }
    out.push_str("  </body>\n</opml>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newsboat_export_round_trips() {
        let text = r#"<?xml version="1.0"?>
<opml version="1.0"><head><title>newsboat - Exported Feeds</title></head><body>
<outline type="rss" xmlUrl="https://a.example/feed" htmlUrl="https://a.example/" title="A &amp; B"/>
<outline title="后端"><outline type="rss" xmlUrl="https://b.example/atom.xml" text="B"/>
<outline type="rss" xmlUrl="file:///etc/passwd" text="bad"/></outline>
</body></opml>"#;
        let l = parse(text).unwrap();
        assert_eq!(l.feeds.len(), 2);
        assert_eq!(l.feeds[0].title.as_deref(), Some("A & B"));
        assert_eq!(l.feeds[1].folder.as_deref(), Some("后端"));
        assert_eq!(l.skipped.len(), 1);
        let back: Vec<_> = l
            .feeds
            .iter()
            .map(|f| (f.url.clone(), f.title.clone(), f.folder.clone()))
            .collect();
        let again = parse(&write(&back)).unwrap();
        assert_eq!(again.feeds, l.feeds);
    }

    #[test]
    fn bounded() {
        let many: String = (0..MAX_FEEDS + 1)
            .map(|i| format!("<outline xmlUrl=\"https://x.example/{i}\"/>"))
            .collect();
        let e = parse(&format!("<opml><body>{many}</body></opml>")).unwrap_err();
        assert!(e.contains("more than 5000 feeds"), "{e}");
        let deep = format!(
            "<opml><body>{}{}</body></opml>",
            "<outline text=\"d\">".repeat(1000),
            "</outline>".repeat(1000)
        );
        assert!(parse(&deep).unwrap_err().contains("nested more than"));
        assert!(parse("<rss/>").unwrap_err().contains("not OPML"));
        assert!(parse("<opml><body><outline").is_err());
    }
}
