//! Pure text handling: normalising, folding for search, sanitising for display, width and wrapping.

pub mod date;
pub mod fold;
pub mod plain;
pub mod regional;
pub mod sanitize;
pub mod width;
pub mod wrap;

pub use fold::{fold_char, fold_str, is_cjk, search_fold_char, search_fold_str};
pub use sanitize::{sanitize, sanitize_line};
pub use width::{str_width, truncate_to_width};
