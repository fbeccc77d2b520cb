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

#[cfg(test)]
mod tests {
    use super::*;

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
