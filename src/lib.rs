//! zhiku (知库): a terminal reader for a local library of Chinese technical articles.
//!
//! Only `ui` depends on ratatui; store, import, search, text, the document model (`doc`) and
//! the presentation helpers (`present`) are plain library code the command line shares.
//! The one module with `unsafe` code is `index::rank` (an FTS5 auxiliary function).

#![deny(unsafe_code)]

pub mod cli;
pub mod config;
pub mod doc;
pub mod import;
pub mod index;
pub mod present;
mod progress;
pub mod quickopen;
pub mod sample;
pub mod search;
pub mod store;
pub mod taxonomy;
pub mod text;
pub mod ui;
pub mod web;
