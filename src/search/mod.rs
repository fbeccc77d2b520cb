//! Search that works for Chinese: tokenising, the query language, ranking and excerpts.

pub mod tokenize;
