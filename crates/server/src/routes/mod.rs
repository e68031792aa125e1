pub mod auth;
pub mod nodes;
pub mod sync;
