//! A bad argument, thrown as the JS error class that says what is wrong.

use napi::{Env, Error, Status};

#[derive(Debug)]
pub enum Invalid {
    Type(String),
    Range(String),
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Invalid::Type(message) | Invalid::Range(message) => f.write_str(message),
        }
    }
}

impl Invalid {
    /// Throws the error into JS and returns the value a `#[napi]` function
    /// returns after a throw.
    pub fn throw(self, env: &Env) -> Error {
        let thrown = match self {
            Invalid::Type(message) => env.throw_type_error(&message, Some("ERR_INVALID_ARG_TYPE")),
            Invalid::Range(message) => env.throw_range_error(&message, Some("ERR_OUT_OF_RANGE")),
        };
        match thrown {
            Ok(()) => Error::new(Status::PendingException, "thrown"),
            Err(error) => error,
        }
    }
}
