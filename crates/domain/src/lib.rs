//! Huiji's pure rules. Nothing here does IO: the server, the offline store and the app
//! all call these functions, and tests call them directly.

pub mod checkpoint;
pub mod community;
pub mod credential;
pub mod dues;
pub mod error;
pub mod events;
pub mod mask;
pub mod org;
pub mod sync;
pub mod time;
pub mod validate;
pub mod wire;
pub mod workflow;

pub use error::{DomainError, Result};
