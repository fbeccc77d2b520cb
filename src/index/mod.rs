//! The search index's format beyond FTS5's own tables: what the store writes through and search
//! reads through.
//!
//! * [`lengths`]: every document's length in tokens, kept as one blob that import rewrites at
//!   the end of each run, so that a search process does not read 100,000 rows to rank.

pub mod lengths;
