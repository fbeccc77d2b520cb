//! Key hints built from the live keymap, so the footer and overlay titles name the keys in
//! force after the user rebinds them.

use super::{Action, Amount, Dir, Keymap, Layer};
use crate::ui::strings as s;

/// One hint: the first key of each action (joined by `sep`), then what they do.
pub type Hint = (&'static [Action], &'static str, &'static str);

const DOWN: Action = Action::Move(Dir::Forward, Amount::Line);
const UP: Action = Action::Move(Dir::Back, Amount::Line);
const SEARCH: Hint = (&[Action::FocusSearch], "", s::HINT_SEARCH);
const TAGS: Hint = (
    &[Action::Tag(Dir::Back), Action::Tag(Dir::Forward)],
    " ",
    s::HINT_TAGS,
);
const SWITCH: Hint = (&[Action::Focus(Dir::Forward)], "", s::HINT_SWITCH);
const PALETTE: Hint = (&[Action::TagPalette], "", s::HINT_PALETTE);
const HELP: Hint = (&[Action::Help], "", s::HINT_HELP);
const QUIT: Hint = (&[Action::Quit], "", s::HINT_QUIT);
const MATCHES: Hint = (
    &[Action::Match(Dir::Forward), Action::Match(Dir::Back)],
    "/",
    s::HINT_MATCHES,
);
const SCROLL: Hint = (&[DOWN, UP], "/", s::HINT_SCROLL);
const ZOOM: Hint = (&[Action::Zoom], "", s::HINT_ZOOM);
const BACK: Hint = (&[Action::Back], "", s::HINT_BACK);

/// Where the keyboard is, for the footer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Search,
    Tree,
    Results,
    Reader,
    /// The reader with code or a table wider than the pane (`<` `>` scroll it).
    ReaderWide,
}

fn table(ctx: Context) -> (Layer, &'static [Hint]) {
    match ctx {
        Context::Search => (
            Layer::Search,
            &[
                (&[Action::Submit], "", s::HINT_SUBMIT),
                (&[Action::Cancel], "", s::HINT_UNDO),
                (&[DOWN, UP], "/", s::HINT_SELECT),
                QUIT,
            ],
        ),
        Context::Tree => (
            Layer::Main,
            &[
                SEARCH,
                (&[DOWN, UP], "/", s::HINT_MOVE),
                (&[Action::Open], "", s::HINT_CHOOSE),
                (&[Action::Fold], "", s::HINT_FOLD),
                SWITCH,
                PALETTE,
                HELP,
                QUIT,
            ],
        ),
        Context::Results => (
            Layer::Main,
            &[
                SEARCH,
                (&[DOWN, UP], "/", s::HINT_SELECT),
                (&[Action::Open], "", s::HINT_OPEN),
                TAGS,
                SWITCH,
                PALETTE,
                HELP,
                QUIT,
            ],
        ),
        Context::Reader => (
            Layer::Main,
            &[SCROLL, MATCHES, TAGS, ZOOM, BACK, HELP, QUIT],
        ),
        Context::ReaderWide => (
            Layer::Main,
            &[
                SCROLL,
                (
                    &[Action::Shift(Dir::Back), Action::Shift(Dir::Forward)],
                    " ",
                    s::HINT_SIDEWAYS,
                ),
                MATCHES,
                (&[Action::FollowLink], "", s::HINT_LINK),
                ZOOM,
                BACK,
                HELP,
                QUIT,
            ],
        ),
    }
}

/// `hints` of `layer` as one line: `keys what` pieces joined by `gap`.
pub fn line(km: &Keymap, layer: Layer, hints: &[Hint], gap: &str) -> String {
    let mut out = Vec::new();
    for &(actions, sep, what) in hints {
        let keys: Vec<&str> = actions
            .iter()
            .filter_map(|&a| km.first_key(layer, a))
            .collect();
        if keys.is_empty() {
            out.push(what.to_owned());
        } else {
            out.push(format!("{} {what}", keys.join(sep)));
        }
    }
    out.join(gap)
}

/// The footer's key hints for a context.
pub fn footer(km: &Keymap, ctx: Context) -> String {
    let (layer, hints) = table(ctx);
    let keys = line(km, layer, hints, "  ");
    if ctx == Context::Search {
        format!("{}  {keys}", s::HINT_TYPE)
    } else {
        keys
    }
}

/// `(Enter 选定, Esc 关闭)` for an overlay's title.
pub fn submit_cancel(km: &Keymap, layer: Layer, submit: &'static str) -> String {
    line(
        km,
        layer,
        &[
            (&[Action::Submit], "", submit),
            (&[Action::Cancel], "", s::HINT_CLOSE),
        ],
        ", ",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_follow_the_keys_in_force() {
        let mut km = Keymap::default();
        assert_eq!(
            footer(&km, Context::Reader),
            "j/k 滚动  n/N 匹配  [ ] 标签  z 全屏  Esc 返回  ? 帮助  q 退出"
        );
        km.bind(Action::Quit, &["Q".into(), "Ctrl-c".into()])
            .unwrap();
        km.bind(DOWN, &["J".into()]).unwrap();
        let f = footer(&km, Context::Reader);
        assert!(f.starts_with("J/k 滚动") && f.ends_with("Q 退出"), "{f}");
        km.bind_in(Layer::Palette, Action::Cancel, &["Ctrl-g".into()])
            .unwrap();
        assert_eq!(
            submit_cancel(&km, Layer::Palette, "选定"),
            "Enter 选定, Ctrl-g 关闭"
        );
    }
}
