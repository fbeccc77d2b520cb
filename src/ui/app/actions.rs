//! The actions of the site features: sorting, bookmarks and history, the archive by month,
//! random reads, related articles, opening and copying, feeds, tips; and their replies.

use super::{App, Effect, Focus, Outgoing};
use crate::search::Sort;
use crate::search::browse::ListKind;
use crate::ui::keymap::{Action, Layer};
use crate::ui::overlays::{Overlay, Picker, Target};
use crate::ui::panes::results::View;
use crate::ui::worker::{Job, Reply};

/// What the status line says when a URL is refused (for copying or opening).
fn refusal(why: crate::present::UrlRefusal, copy: bool) -> String {
    use crate::ui::strings as s;
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
    pub(in crate::ui) fn say(&mut self, msg: impl Into<String>) {
        self.status = Some((msg.into(), false));
    }

    pub(in crate::ui) fn target_id(&self) -> Option<crate::store::ArticleId> {
        if self.focus == Focus::Results {
            self.results.hits.get(self.res_sel).map(|h| h.meta.id)
        } else {
            self.article
                .as_ref()
                .map(|a| a.meta.id)
                .or_else(|| self.results.hits.get(self.res_sel).map(|h| h.meta.id))
        }
    }

    pub(in crate::ui) fn site_action(&mut self, a: Action) {
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
                None => self.say(crate::ui::strings::NO_URL),
            },
            Action::CopyUrl => match self.article.as_ref().and_then(|a| a.url.clone()) {
                Some(u) => match crate::present::web_url(&u) {
                    Ok(u) => {
                        self.effects.push(Effect::Copy(u));
                        self.say(crate::ui::strings::URL_COPIED);
                    }
                    Err(why) => self.status = Some((refusal(why, true), true)),
                },
                None => self.say(crate::ui::strings::NO_URL),
            },
            Action::CopyMarkdown if self.focus == Focus::Reader && self.copy_block() => {}
            Action::CopyMarkdown => match &self.article {
                Some(a) => {
                    self.effects
                        .push(Effect::Copy(crate::present::article_markdown(a)));
                    self.say("已复制全文(Markdown, 含 front matter)");
                }
                None => self.say("先打开一篇文章"),
            },
            Action::FollowLink => self.begin_follow(),
            Action::Links => self.links_overlay(),
            Action::Shift(d) => self.hscroll(d == crate::ui::keymap::Dir::Forward),
            Action::FetchFeeds if self.read_only => {
                self.status = Some((crate::ui::strings::FETCH_READ_ONLY.into(), true))
            }
            Action::FetchFeeds if self.fetching => self.say(crate::ui::strings::FETCH_BUSY),
            Action::FetchFeeds => {
                self.fetching = true;
                self.say(crate::ui::strings::FETCH_START);
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

    pub(in crate::ui) fn pick(&mut self, target: Target) {
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

    pub(in crate::ui) fn on_site_reply(&mut self, r: Reply) {
        match r {
            Reply::Months(Ok(months)) => {
                if months.is_empty() {
                    return self.say("这个范围里没有带日期的文章");
                }
                let rows = months
                    .into_iter()
                    .map(|(m, n)| (format!("{m}  ({n} 篇)"), Target::Month(m)))
                    .collect();
                let keys = crate::ui::keymap::hints::line(
                    &self.keymap,
                    Layer::Picker,
                    &[(&[Action::Submit], "", crate::ui::strings::HINT_SHOW_MONTH)],
                    "",
                );
                let title = crate::ui::strings::archive_title(&self.scope_label(), &keys);
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
            Reply::FetchProgress { total: 0, .. } => self.say(crate::ui::strings::NO_FEEDS),
            Reply::FetchProgress { done, total, new } => {
                self.say(crate::ui::strings::fetch_progress(done, total, new))
            }
            Reply::Fetched(res) => {
                self.fetching = false;
                let no_feeds = self
                    .status
                    .as_ref()
                    .is_some_and(|s| s.0 == crate::ui::strings::NO_FEEDS);
                match res {
                    Ok(_) if no_feeds => {}
                    Ok((new, updated, failed)) => {
                        self.say(crate::ui::strings::fetch_done(new, updated, failed));
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
