pub mod auth;
pub mod nodes;
pub mod sync;
pub mod checkpoint;
pub mod health;
pub mod events;
