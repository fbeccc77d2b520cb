//! Bounded reading: lines and files are read up to a cap, never whole when they are larger.

use std::io::{BufRead, Read};

/// Longest JSON Lines record accepted (a 2 MB single-line article fits easily).
pub const MAX_LINE: usize = 32 * 1024 * 1024;
/// Largest Markdown or JSON array file accepted.
pub const MAX_FILE: u64 = 64 * 1024 * 1024;

/// One line of input, or the news that it was longer than the cap (and was skipped).
pub enum Line {
    Text(Vec<u8>),
    TooLong,
}

/// Reads the next line (without its `\n`) of at most `cap` bytes; a longer line is consumed
/// and discarded in chunks, so memory stays bounded. `None` at end of input.
pub fn next_line(
    r: &mut (impl BufRead + ?Sized),
    cap: usize,
    buf: &mut Vec<u8>,
) -> std::io::Result<Option<Line>> {
    buf.clear();
    let mut too_long = false;
    let mut any = false;
    loop {
        let chunk = r.fill_buf()?;
        if chunk.is_empty() {
            break;
        }
        any = true;
        let (take, done) = match memchr(chunk) {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        if !too_long {
            let keep = if done { take - 1 } else { take };
            if buf.len() + keep > cap {
                too_long = true;
                buf.clear();
                buf.shrink_to(64 * 1024);
            } else {
                buf.extend_from_slice(&chunk[..keep]);
            }
        }
        r.consume(take);
        if done {
            break;
        }
    }
    if !any {
        return Ok(None);
    }
    if too_long {
        return Ok(Some(Line::TooLong));
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Some(Line::Text(std::mem::take(buf))))
}

fn memchr(s: &[u8]) -> Option<usize> {
    s.iter().position(|&b| b == b'\n')
}

/// Reads a whole file of at most [`MAX_FILE`] bytes.
pub fn read_capped(r: impl Read) -> std::io::Result<Result<Vec<u8>, ()>> {
    let mut data = Vec::new();
    r.take(MAX_FILE + 1).read_to_end(&mut data)?;
    if data.len() as u64 > MAX_FILE {
        return Ok(Err(()));
    }
    Ok(Ok(data))
}

/// Decodes UTF-8 or names the line of the first invalid byte.
pub fn utf8(data: &[u8]) -> Result<&str, usize> {
    std::str::from_utf8(data).map_err(|e| {
        data[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    })
}

/// Strips a UTF-8 byte order mark.
pub fn strip_bom(s: &str) -> &str {
    s.strip_prefix('\u{feff}').unwrap_or(s)
}

/// The UTF-16 encoding a byte order mark at the start of `head` names, if any.
pub fn utf16_bom(head: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    match head {
        [0xFF, 0xFE, ..] => Some(encoding_rs::UTF_16LE),
        [0xFE, 0xFF, ..] => Some(encoding_rs::UTF_16BE),
        _ => None,
    }
}

/// Decodes UTF-16 text that starts with its byte order mark, or names the line of the first
/// invalid unit (an unpaired surrogate, an odd trailing byte).
pub fn decode_utf16(data: &[u8], enc: &'static encoding_rs::Encoding) -> Result<String, usize> {
    let body = &data[2.min(data.len())..];
    if let Some(t) = enc.decode_without_bom_handling_and_without_replacement(body) {
        return Ok(t.into_owned());
    }
    let (lossy, _) = enc.decode_without_bom_handling(body);
    let bad = lossy.find('\u{fffd}').unwrap_or(lossy.len());
    Err(lossy[..bad].bytes().filter(|&b| b == b'\n').count() + 1)
}

/// Line numbers of increasing offsets in one text, counted once: each call scans only the
/// bytes since the previous one (a JSON array of 100k elements is read in one pass, not
/// 100k passes from the start).
pub struct LineTracker<'a> {
    text: &'a [u8],
    pos: usize,
    line: usize,
    /// Bytes scanned so far (what the tests count).
    pub scanned: usize,
}

impl<'a> LineTracker<'a> {
    pub fn new(text: &'a [u8]) -> Self {
        LineTracker {
            text,
            pos: 0,
            line: 1,
            scanned: 0,
        }
    }

    /// The 1-based line of byte `off`; offsets must not decrease between calls (an earlier
    /// one starts the count again from the beginning).
    pub fn line_at(&mut self, off: usize) -> usize {
        let off = off.min(self.text.len());
        if off < self.pos {
            (self.pos, self.line) = (0, 1);
        }
        let seg = &self.text[self.pos..off];
        self.line += seg.iter().filter(|&&b| b == b'\n').count();
        self.scanned += seg.len();
        self.pos = off;
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_tracker_is_exact_and_scans_each_byte_once() {
        // 100k elements, one per line after a first line of "[".
        let mut text = String::from("[\n");
        let mut offsets = Vec::new();
        for i in 0..100_000 {
            offsets.push(text.len());
            text.push_str(&format!("{{\"title\":\"t{i}\",\"body\":\"b\"}},\n"));
        }
        text.push(']');
        let mut t = LineTracker::new(text.as_bytes());
        for (i, &off) in offsets.iter().enumerate() {
            assert_eq!(t.line_at(off), i + 2);
        }
        assert!(
            t.scanned <= text.len(),
            "scanned {} bytes of {}",
            t.scanned,
            text.len()
        );
    }

    #[test]
    fn utf16_with_a_bom_decodes_and_a_lone_surrogate_names_its_line() {
        let text = "第一行\n{\"title\":\"标题\"}\n";
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        for data in [&le, &be] {
            let enc = utf16_bom(data).unwrap();
            assert_eq!(decode_utf16(data, enc).unwrap(), text);
        }
        let mut bad = le.clone();
        bad.extend_from_slice(&0xD800u16.to_le_bytes());
        assert_eq!(decode_utf16(&bad, encoding_rs::UTF_16LE), Err(3));
        assert!(utf16_bom(b"{\"a\":1}").is_none());
    }

    #[test]
    fn long_lines_are_skipped_not_buffered() {
        let mut input = vec![b'x'; 100];
        input.extend_from_slice(b"\nok\r\n");
        let mut r = std::io::BufReader::with_capacity(8, &input[..]);
        let mut buf = Vec::new();
        assert!(matches!(
            next_line(&mut r, 10, &mut buf).unwrap(),
            Some(Line::TooLong)
        ));
        match next_line(&mut r, 10, &mut buf).unwrap() {
            Some(Line::Text(t)) => assert_eq!(t, b"ok"),
            _ => panic!("expected a line"),
        }
        assert!(next_line(&mut r, 10, &mut buf).unwrap().is_none());
    }

    #[test]
    fn invalid_utf8_names_its_line() {
        assert_eq!(utf8(b"a\nb\n\xffc"), Err(3));
    }
}
