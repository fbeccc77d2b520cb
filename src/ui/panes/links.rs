//! The reader's links and code blocks: follow a link by its number (`f` then digits), the link
//! list (`L`), copy the code block in view (`Y`), and scroll wide code and tables sideways
//! (`<` `>`).

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use crate::ui::app::Effect;
use crate::ui::app::{App, Focus};
use crate::ui::overlays::{Overlay, Picker, Target};

/// Columns a sideways scroll moves by.
const SHIFT_STEP: usize = 8;

/// The address a link of an article points to, if it is a web page zhiku may hand to a
/// browser: relative links resolved against the article's own URL, then the same check as
/// `o` and `y` ([`crate::present::web_url`]: http(s) with a host, nothing unsafe in it).
pub fn link_target(link: &str, article_url: Option<&str>) -> Result<String, &'static str> {
    use crate::present::{UrlRefusal, web_url};
    use crate::text::sanitize::{is_bidi, is_zero_width};
    const UNSAFE: &str = "链接含空白或控制字符, 没有打开";
    if link.is_empty() {
        return Err("这个链接没有地址");
    }
    // Checked on the link as written: joining it to a base would percent-encode them.
    if link
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || is_bidi(c) || is_zero_width(c))
    {
        return Err(UNSAFE);
    }
    let absolute = match url::Url::parse(link) {
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            let base = article_url
                .and_then(|b| web_url(b).ok())
                .and_then(|b| url::Url::parse(&b).ok())
                .ok_or("相对链接, 这篇文章没有网页原文可以参照")?;
            base.join(link).map_err(|_| "链接无法解析")?.to_string()
        }
        _ => link.to_owned(),
    };
    web_url(&absolute).map_err(|e| match e {
        UrlRefusal::Unsafe => UNSAFE,
        UrlRefusal::NotWeb => "不是网页链接, 没有打开",
    })
}

impl App {
    /// `f`: the next digits choose a link.
    pub(in crate::ui) fn begin_follow(&mut self) {
        match &self.doc {
            Some(d) if !d.links.is_empty() => {
                self.link_input = Some(String::new());
                self.status = Some((
                    format!(
                        "打开链接: 输入编号 1–{}, Enter 打开, Esc 取消",
                        d.links.len()
                    ),
                    false,
                ));
            }
            Some(_) => self.status = Some(("这篇文章没有链接".into(), false)),
            None => self.status = Some(("先打开一篇文章".into(), false)),
        }
    }

    /// Keys while a link number is being typed.
    pub(in crate::ui) fn link_key(&mut self, key: KeyEvent) {
        let Some(input) = &mut self.link_input else {
            return;
        };
        let count = self.doc.as_ref().map_or(0, |d| d.links.len());
        match key.code {
            KeyCode::Char(c) if c.is_ascii_digit() && input.len() < 6 => {
                input.push(c);
                let n: usize = input.parse().unwrap_or(0);
                // Opens at once when no longer number can start with these digits.
                if n > 0 && n * 10 > count {
                    self.link_input = None;
                    return self.follow(n);
                }
                self.status = Some((format!("打开链接: {input}"), false));
            }
            KeyCode::Backspace => {
                input.pop();
                self.status = Some((format!("打开链接: {input}"), false));
            }
            KeyCode::Enter => {
                let n = input.parse().unwrap_or(0);
                self.link_input = None;
                self.follow(n);
            }
            _ => {
                self.link_input = None;
                self.status = None;
            }
        }
    }

    /// Opens link number `n` of the article with the opener.
    pub(in crate::ui) fn follow(&mut self, n: usize) {
        let Some(doc) = &self.doc else {
            return;
        };
        let Some(link) = n.checked_sub(1).and_then(|i| doc.links.get(i)) else {
            self.status = Some((format!("没有第 {n} 个链接 (共 {})", doc.links.len()), true));
            return;
        };
        let base = self.article.as_ref().and_then(|a| a.url.as_deref());
        match link_target(&link.url, base) {
            Ok(url) => self.effects.push(Effect::OpenUrl(url)),
            Err(why) => {
                let shown =
                    crate::text::width::ellipsize(&crate::text::sanitize_line(&link.url), 60);
                self.status = Some((format!("[{n}] {why}: {shown}"), true));
            }
        }
    }

    /// `L`: every link and image of the article with its URL; Enter opens one.
    pub(in crate::ui) fn links_overlay(&mut self) {
        let Some(doc) = &self.doc else {
            self.status = Some(("先打开一篇文章".into(), false));
            return;
        };
        if doc.links.is_empty() {
            self.status = Some(("这篇文章没有链接".into(), false));
            return;
        }
        let rows = doc
            .link_lines()
            .into_iter()
            .zip(doc.links.iter().map(|l| l.n))
            .map(|(line, n)| (line, Target::Link(n)))
            .collect();
        let title = crate::ui::strings::links_title(&crate::ui::keymap::hints::submit_cancel(
            &self.keymap,
            crate::ui::keymap::Layer::Picker,
            crate::ui::strings::HINT_OPEN,
        ));
        self.overlay = Overlay::Picker(Picker::new(title, rows, 0, false));
    }

    /// `Y`: the code block in view, else the whole article as Markdown.
    pub(in crate::ui) fn copy_block(&mut self) -> bool {
        let Some(doc) = &self.doc else {
            return false;
        };
        let rows = self.reader_rows.max(1);
        let block = (self.scroll..self.scroll + rows).find_map(|v| doc.block_at(v));
        match block {
            Some(b) => {
                let what = if b.lang.is_empty() {
                    "代码块".to_owned()
                } else {
                    format!("{} 代码块", b.lang)
                };
                let lines = b.text.lines().count();
                self.effects.push(Effect::Copy(b.text.clone()));
                self.status = Some((format!("已复制{what} ({lines} 行)"), false));
                true
            }
            None => false,
        }
    }

    /// `<` `>`: code and tables wider than the pane move sideways; prose stays.
    pub(in crate::ui) fn hscroll(&mut self, right: bool) {
        let Some(doc) = &mut self.doc else {
            return;
        };
        let max = doc
            .clipped_width()
            .saturating_sub(doc.width.saturating_sub(4));
        if max == 0 {
            self.status = Some(("没有超出窗格的代码或表格".into(), false));
            return;
        }
        let shift = if right {
            (doc.shift + SHIFT_STEP).min(max)
        } else {
            doc.shift.saturating_sub(SHIFT_STEP)
        };
        doc.set_shift(shift);
        self.focus = Focus::Reader;
        self.status = Some((format!("代码与表格: 右移 {shift} 列 (< > 左右)"), false));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_pages_are_opened() {
        assert_eq!(
            link_target("https://a.example/x?q=1", None).unwrap(),
            "https://a.example/x?q=1"
        );
        assert_eq!(
            link_target("../img/a.png", Some("https://blog.example/post/1/")).unwrap(),
            "https://blog.example/post/img/a.png"
        );
        assert!(link_target("/archives/1", None).is_err());
        assert!(link_target("/archives/1", Some("/local/file")).is_err());
        for bad in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "data:text/html,x",
            "https://a.example/\nrm -rf ~",
            "https://a.example/\u{1b}]0;x\u{7}",
            "https://a.example/ x",
            "",
        ] {
            assert!(
                link_target(bad, Some("https://b.example/")).is_err(),
                "{bad:?}"
            );
        }
    }
}
