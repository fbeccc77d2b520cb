//! The panes: the search box, the category tree, the result list and the reader. Each owns
//! its state, takes the keys and clicks meant for it, and draws itself.

pub mod links;
pub mod reader;
pub mod results;
pub mod search_box;
pub mod tree;
