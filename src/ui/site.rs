//! The rest of the site: sorting, bookmarks and history, the archive by month, random reads,
//! related articles, the outline, opening and copying, tips.

use super::app::{App, Focus, Outgoing};
use super::keymap::{Action, Layer};
use super::overlays::{Overlay, Picker, Target};
use super::worker::{Job, Reply};
use crate::search::Sort;
use crate::search::browse::ListKind;
use crate::store::Article;

/// What the list pane shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum View {
    Search,
    Bookmarks,
    Recent,
    Month(String),
    Random,
    Related(String),
    Unread,
}

impl View {
    /// The list pane's title.
    pub fn title(&self) -> String {
        match self {
            View::Search => super::strings::RESULTS.into(),
            View::Bookmarks => " 收藏 ".into(),
            View::Recent => " 最近阅读 ".into(),
            View::Random => " 随便看看 ".into(),
            View::Unread => format!(" {} ", super::strings::UNREAD),
            View::Related(t) => format!(
                " 推荐内容 ⋅ {} ",
                crate::text::width::ellipsize(&crate::text::sanitize_line(t), 24)
            ),
            View::Month(m) => format!(" 历史内容 ⋅ {} ", crate::text::sanitize_line(m)),
        }
    }
}

/// A side effect only the event loop can perform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Put text on the clipboard (OSC 52).
    Copy(String),
    /// Open a URL in the system browser.
    OpenUrl(String),
}

/// The article as Markdown with its front matter, as `Y` copies it; sanitised like everything
/// shown, so no escape sequence travels to wherever it is pasted.
pub fn article_markdown(a: &Article) -> String {
    let q = |s: &str| serde_json::to_string(&crate::text::sanitize_line(s)).unwrap_or_default();
    let mut fm = vec![
        format!("id: {}", q(&a.meta.ext_id)),
        format!("title: {}", q(&a.meta.title)),
    ];
    if let Some(p) = &a.meta.published {
        fm.push(format!("date: {}", q(p)));
    }
    if let Some(au) = &a.meta.author {
        fm.push(format!("author: {}", q(au)));
    }
    fm.push(format!("category: {}", q(&a.meta.category)));
    let tags: Vec<String> = a.meta.tags.iter().map(|t| q(t)).collect();
    fm.push(format!("tags: [{}]", tags.join(", ")));
    fm.push(format!("views: {}", a.meta.views));
    if let Some(u) = &a.url {
        fm.push(format!("url: {}", q(u)));
    }
    format!(
        "---\n{}\n---\n\n{}",
        fm.join("\n"),
        crate::text::sanitize(&a.body)
    )
}

/// What the status line says when a URL is refused (for copying or opening).
fn refusal(why: crate::present::UrlRefusal, copy: bool) -> String {
    use super::strings as s;
    let what = match why {
        crate::present::UrlRefusal::Unsafe => s::URL_UNSAFE,
        crate::present::UrlRefusal::NotWeb => s::URL_NOT_WEB,
    };
    format!(
        "{what}, {}",
        if copy { s::NOT_COPIED } else { s::NOT_OPENED }
    )
}

impl App {
    fn list(&mut self, view: View, kind: ListKind) {
        self.search_ticket += 1;
        self.last_sent = None;
        self.view = view;
        self.results_pending = true;
        self.res_sel = 0;
        self.focus = Focus::Results;
        let job = Job::List {
            ticket: self.search_ticket,
            kind,
            width: super::app::EXCERPT_WINDOW,
        };
        self.outbox.push(Outgoing::Job(job));
    }

    /// The 未读 node: unread articles from the web, newest first.
    pub(super) fn list_unread(&mut self) {
        self.search_ticket += 1;
        self.last_sent = None;
        self.view = View::Unread;
        self.results_pending = true;
        self.res_sel = 0;
        self.focus = Focus::Results;
        let job = Job::Unread {
            ticket: self.search_ticket,
            width: super::app::EXCERPT_WINDOW,
        };
        self.outbox.push(Outgoing::Job(job));
    }

    fn say(&mut self, msg: impl Into<String>) {
        self.status = Some((msg.into(), false));
    }

    /// The article actions apply to: the one in the reader, else the selected result.
    fn target_id(&self) -> Option<crate::store::ArticleId> {
        if self.focus == Focus::Results {
            self.results.hits.get(self.res_sel).map(|h| h.meta.id)
        } else {
            self.article
                .as_ref()
                .map(|a| a.meta.id)
                .or_else(|| self.results.hits.get(self.res_sel).map(|h| h.meta.id))
        }
    }

    /// The actions of the site features.
    pub(super) fn site_action(&mut self, a: Action) {
        self.status = None;
        match a {
            Action::Sort => {
                self.sort = match self.sort {
                    Sort::Relevance => Sort::Newest,
                    Sort::Newest => Sort::MostViewed,
                    Sort::MostViewed => Sort::Oldest,
                    Sort::Oldest => Sort::Relevance,
                };
                self.say(format!("排序: {}", crate::present::sort_label(self.sort)));
                self.requery(false);
            }
            Action::Bookmark => match self.target_id() {
                Some(id) if !self.read_only => {
                    self.outbox.push(Outgoing::Job(Job::Bookmark { id }))
                }
                Some(_) => self.status = Some(("只读的文章库: 无法收藏".into(), true)),
                None => self.say("先选一篇文章"),
            },
            Action::Bookmarks => self.list(View::Bookmarks, ListKind::Bookmarks),
            Action::History => self.list(View::Recent, ListKind::Recent),
            Action::Archive => self.outbox.push(Outgoing::Job(Job::Months {
                scope: self.scope.clone(),
            })),
            Action::Random => {
                self.article_ticket += 1;
                let job = Job::Random {
                    ticket: self.article_ticket,
                    scope: self.scope.clone(),
                };
                self.outbox.push(Outgoing::Job(job));
                self.focus = Focus::Reader;
            }
            Action::RandomList => self.list(View::Random, ListKind::Random(self.scope.clone(), 10)),
            Action::Related => match &self.article {
                Some(a) => {
                    let (id, title) = (a.meta.id, a.meta.title.clone());
                    self.list(View::Related(title), ListKind::Related(id, 10));
                }
                None => self.say("先打开一篇文章"),
            },
            Action::Outline => self.outline(),
            Action::OpenUrl => match self.article.as_ref().and_then(|a| a.url.clone()) {
                Some(u) => match crate::present::web_url(&u) {
                    Ok(u) => self.effects.push(Effect::OpenUrl(u)),
                    Err(why) => self.status = Some((refusal(why, false), true)),
                },
                None => self.say(super::strings::NO_URL),
            },
            Action::CopyUrl => match self.article.as_ref().and_then(|a| a.url.clone()) {
                Some(u) => match crate::present::web_url(&u) {
                    Ok(u) => {
                        self.effects.push(Effect::Copy(u));
                        self.say(super::strings::URL_COPIED);
                    }
                    Err(why) => self.status = Some((refusal(why, true), true)),
                },
                None => self.say(super::strings::NO_URL),
            },
            Action::CopyMarkdown if self.focus == Focus::Reader && self.copy_block() => {}
            Action::CopyMarkdown => match &self.article {
                Some(a) => {
                    self.effects.push(Effect::Copy(article_markdown(a)));
                    self.say("已复制全文(Markdown, 含 front matter)");
                }
                None => self.say("先打开一篇文章"),
            },
            Action::FollowLink => self.begin_follow(),
            Action::Links => self.links_overlay(),
            Action::Shift(d) => self.hscroll(d == super::keymap::Dir::Forward),
            Action::FetchFeeds if self.read_only => {
                self.status = Some((super::strings::FETCH_READ_ONLY.into(), true))
            }
            Action::FetchFeeds if self.fetching => self.say(super::strings::FETCH_BUSY),
            Action::FetchFeeds => {
                self.fetching = true;
                self.say(super::strings::FETCH_START);
                self.outbox.push(Outgoing::Job(Job::FetchFeeds));
            }
            Action::NextTip if !self.tips.is_empty() && self.show_tip => {
                self.tip_index = (self.tip_index + 1) % self.tips.len();
                // Said on the status line too: the footer may have no room for a long one.
                if let Some((cmd, what)) = self.tip() {
                    self.say(format!("{cmd}  {what}"));
                }
            }
            _ => {}
        }
    }

    fn outline(&mut self) {
        let Some(doc) = &self.doc else {
            return self.say("先打开一篇文章");
        };
        let rows: Vec<(String, Target)> = doc
            .outline()
            .into_iter()
            .map(|(line, label)| (label, Target::Line(line)))
            .collect();
        if rows.is_empty() {
            return self.say("这篇文章没有标题或代码块");
        }
        // The section being read is selected: the last heading at or above the top line.
        let top = self.scroll + 1;
        let selected = rows
            .iter()
            .rposition(|r| matches!(r.1, Target::Line(l) if l <= top))
            .unwrap_or(0);
        let title = super::strings::outline_title(&super::keymap::hints::submit_cancel(
            &self.keymap,
            Layer::Picker,
            super::strings::HINT_JUMP,
        ));
        self.overlay = Overlay::Picker(Picker::new(title, rows, selected, true));
    }

    /// Goes where a picked row leads.
    pub(super) fn pick(&mut self, target: Target) {
        match target {
            Target::Month(m) => {
                let kind = ListKind::Month(m.clone(), self.scope.clone());
                self.list(View::Month(m), kind);
            }
            Target::Link(n) => self.follow(n),
            Target::Line(l) => {
                self.scroll = l;
                self.focus = Focus::Reader;
            }
        }
    }

    /// Replies for the site features.
    pub(super) fn on_site_reply(&mut self, r: Reply) {
        match r {
            Reply::Months(Ok(months)) => {
                if months.is_empty() {
                    return self.say("这个范围里没有带日期的文章");
                }
                let rows = months
                    .into_iter()
                    .map(|(m, n)| (format!("{m}  ({n} 篇)"), Target::Month(m)))
                    .collect();
                let keys = super::keymap::hints::line(
                    &self.keymap,
                    Layer::Picker,
                    &[(&[Action::Submit], "", super::strings::HINT_SHOW_MONTH)],
                    "",
                );
                let title = super::strings::archive_title(&self.scope_label(), &keys);
                self.overlay = Overlay::Picker(Picker::new(title, rows, 0, false));
            }
            Reply::Bookmarked { id, res: Ok(on) } => {
                for h in self.results.hits.iter_mut().filter(|h| h.meta.id == id) {
                    h.meta.bookmarked = on;
                }
                if let Some(a) = self.article.as_mut().filter(|a| a.meta.id == id) {
                    a.meta.bookmarked = on;
                }
                self.say(if on {
                    "已收藏 (B 查看收藏)"
                } else {
                    "已取消收藏"
                });
            }
            Reply::Related { id, res: Ok(list) } => self.related = Some((id, list)),
            Reply::FetchProgress { total: 0, .. } => self.say(super::strings::NO_FEEDS),
            Reply::FetchProgress { done, total, new } => {
                self.say(super::strings::fetch_progress(done, total, new))
            }
            Reply::Fetched(res) => {
                self.fetching = false;
                let no_feeds = self
                    .status
                    .as_ref()
                    .is_some_and(|s| s.0 == super::strings::NO_FEEDS);
                match res {
                    Ok(_) if no_feeds => {}
                    Ok((new, updated, failed)) => {
                        self.say(super::strings::fetch_done(new, updated, failed));
                        self.refresh();
                    }
                    Err(e) => self.status = Some((e, true)),
                }
            }
            Reply::Months(Err(e))
            | Reply::Bookmarked { res: Err(e), .. }
            | Reply::Related { res: Err(e), .. } => self.status = Some((e, true)),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_copy_has_front_matter_that_parses_back() {
        let mut s = crate::store::Store::open_in_memory().unwrap();
        crate::import::import(&mut s, crate::sample::sources(), Default::default()).unwrap();
        let a = s.article_by_ext_id("s-081").unwrap().unwrap();
        let md = article_markdown(&a);
        let back = crate::import::markdown::parse(&md, "x", crate::import::record::china_offset())
            .unwrap();
        assert_eq!(back.title, a.meta.title);
        assert_eq!(back.tags, a.meta.tags);
        assert_eq!(back.id.as_deref(), Some("s-081"));
        assert_eq!(back.body.trim(), a.body.trim());
    }
}
