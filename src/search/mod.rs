//! Search that works for Chinese: tokenising, the query language, ranking and excerpts.

pub mod browse;
pub mod engine;
pub mod highlight;
pub mod query;

pub use engine::{BROAD, COUNT_CAP, Hit, Request, Results, Scope, Sort, search};
