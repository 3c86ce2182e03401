//! Configuration: the typed model, parsing and validation of the TOML file (errors with file,
//! line and column), the commented default file, atomic comment-keeping edits, and reloads.

pub mod model;

pub use model::*;
