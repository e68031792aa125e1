pub mod auth;
pub mod checkpoint;
pub mod events;
pub mod health;
pub mod nodes;
pub mod orgs;
pub mod sync;
pub mod workflow;
