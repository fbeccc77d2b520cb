//! Bytes of a page or feed into text: by BOM, the HTTP header's charset, the document's own
//! declaration (`<meta charset>`, `http-equiv`, `<?xml encoding?>`), then sniffing. A
//! declaration the bytes contradict (GBK sent as "UTF-8", the common case on Chinese sites)
//! is not believed: the bytes are sniffed instead, so mojibake is never stored.

use encoding_rs::{Encoding, UTF_8};

/// Where the charset came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    Bom,
    Header,
    Document,
    Sniffed,
}

/// Decoded text and how its charset was found.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static Encoding,
    pub basis: Basis,
}

/// How far into a document its declaration is looked for.
const PRESCAN: usize = 4096;

/// Decodes `bytes`; `header` is the `charset` parameter of the response's `Content-Type`.
pub fn decode(bytes: &[u8], header: Option<&str>) -> Decoded {
    if let Some((enc, bom)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom..]);
        return Decoded {
            text: text.into_owned(),
            encoding: enc,
            basis: Basis::Bom,
        };
    }
    let declared = [
        (header.and_then(label), Basis::Header),
        (declared_in_document(bytes), Basis::Document),
    ];
    for (enc, basis) in declared {
        let Some(enc) = enc else { continue };
        if let Some(text) = strict(enc, bytes) {
            return Decoded {
                text,
                encoding: enc,
                basis,
            };
        }
    }
    sniff(bytes)
}

/// An encoding for a label; UTF-16 labels in a document mean UTF-8 (the HTML rule: a
/// document that can declare itself in ASCII is not UTF-16).
fn label(l: &str) -> Option<&'static Encoding> {
    let e = Encoding::for_label(l.trim().as_bytes())?;
    Some(
        if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE {
            UTF_8
        } else {
            e
        },
    )
}

/// The text when `bytes` are valid in `enc`, else `None`.
fn strict(enc: &'static Encoding, bytes: &[u8]) -> Option<String> {
    enc.decode_without_bom_handling_and_without_replacement(bytes)
        .map(|t| t.into_owned())
}

/// Valid UTF-8 is UTF-8; anything else is guessed by chardetng (trained on the web's
/// Chinese, Japanese, Korean and European pages).
fn sniff(bytes: &[u8]) -> Decoded {
    if let Ok(t) = std::str::from_utf8(bytes) {
        return Decoded {
            text: t.to_owned(),
            encoding: UTF_8,
            basis: Basis::Sniffed,
        };
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    let enc = det.guess(None, chardetng::Utf8Detection::Allow);
    let (text, _, _) = enc.decode(bytes);
    Decoded {
        text: text.into_owned(),
        encoding: enc,
        basis: Basis::Sniffed,
    }
}

/// The charset a document declares in its first bytes: `<meta charset=x>`,
/// `<meta http-equiv="Content-Type" content="text/html; charset=x">` or `<?xml encoding="x"?>`.
pub fn declared_in_document(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(PRESCAN)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    if lower.starts_with(b"<?xml") {
        let end = find(&lower, b"?>", 0).unwrap_or(lower.len());
        if let Some(v) = attr_value(&lower[..end], b"encoding") {
            return label(&v);
        }
    }
    let mut at = 0;
    while let Some(i) = find(&lower, b"<meta", at) {
        let end = find(&lower, b">", i).unwrap_or(lower.len());
        let tag = &lower[i..end];
        at = end;
        if let Some(v) = attr_value(tag, b"charset") {
            if let Some(e) = label(&v) {
                return Some(e);
            }
        }
    }
    None
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// The value after `name=` in a tag (quoted or not), also inside `content="...; charset=x"`.
fn attr_value(tag: &[u8], name: &[u8]) -> Option<String> {
    let i = find(tag, name, 0)?;
    let mut rest = &tag[i + name.len()..];
    while let [b' ' | b'\t' | b'\n' | b'\r', r @ ..] = rest {
        rest = r;
    }
    rest = rest.strip_prefix(b"=")?;
    while let [b' ' | b'\t' | b'\n' | b'\r' | b'"' | b'\'', r @ ..] = rest {
        rest = r;
    }
    let end = rest
        .iter()
        .position(|b| matches!(b, b'"' | b'\'' | b' ' | b';' | b'>' | b'/' | b'?'))
        .unwrap_or(rest.len());
    let v = std::str::from_utf8(&rest[..end]).ok()?.trim().to_owned();
    (!v.is_empty()).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbk(s: &str) -> Vec<u8> {
        encoding_rs::GBK.encode(s).0.into_owned()
    }

    const ZH: &str =
        "缓存穿透是指查询一个一定不存在的数据，由于缓存是不命中时被动写的，并且出于容错考虑。";

    #[test]
    fn header_then_meta_then_sniffing() {
        let page = format!("<html><head><title>t</title></head><body><p>{ZH}</p></body></html>");
        let d = decode(&gbk(&page), Some("gbk"));
        assert_eq!((d.encoding, d.basis), (encoding_rs::GBK, Basis::Header));
        assert!(d.text.contains(ZH));

        let page = format!("<html><head><meta charset=\"gb2312\"></head><body>{ZH}</body></html>");
        let d = decode(&gbk(&page), None);
        assert_eq!((d.encoding, d.basis), (encoding_rs::GBK, Basis::Document));
        assert!(d.text.contains(ZH));

        let page = format!(
            "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=GB18030\"><p>{ZH}</p>"
        );
        let d = decode(&gbk(&page), None);
        assert_eq!(d.encoding, encoding_rs::GB18030);
        assert!(d.text.contains(ZH));

        let d = decode(&gbk(&format!("<p>{ZH}</p>")), None);
        assert_eq!(d.basis, Basis::Sniffed);
        assert!(d.text.contains(ZH), "{}", d.text);
    }

    #[test]
    fn gbk_declared_as_utf8_is_sniffed_not_mangled() {
        let page =
            format!("<html><head><meta charset=\"utf-8\"></head><body><p>{ZH}</p></body></html>");
        let d = decode(&gbk(&page), Some("utf-8"));
        assert_eq!(d.basis, Basis::Sniffed);
        assert!(d.text.contains(ZH), "{}", d.text);
        assert!(!d.text.contains('\u{fffd}'));
    }

    #[test]
    fn bom_wins_and_big5_is_read() {
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice("<p>知库</p>".as_bytes());
        let d = decode(&b, Some("gbk"));
        assert_eq!((d.basis, d.text.as_str()), (Basis::Bom, "<p>知库</p>"));
        let tw = "資料庫索引的設計與查詢最佳化，是後端工程師每天都會遇到的問題。";
        let big5 = encoding_rs::BIG5.encode(tw).0.into_owned();
        let d = decode(&big5, Some("big5"));
        assert_eq!(d.text, tw);
    }

    #[test]
    fn xml_declaration() {
        let x = format!("<?xml version=\"1.0\" encoding=\"GBK\"?><rss><title>{ZH}</title></rss>");
        let d = decode(&gbk(&x), None);
        assert_eq!(d.basis, Basis::Document);
        assert!(d.text.contains(ZH));
    }
}
