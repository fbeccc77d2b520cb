//! Search that works for Chinese: the query language, planning, running and ranking, excerpts.
//! The index's own format (tokens, markers, `zk_rank`) is [`crate::index`]'s.

pub mod browse;
pub mod engine;
pub mod equiv;
mod exec;
mod expr;
mod filters;
pub mod highlight;
pub mod hits;
mod plan;
pub mod query;

pub use engine::{BROAD, COUNT_CAP, Hit, Request, Results, Scope, Sort, search};
