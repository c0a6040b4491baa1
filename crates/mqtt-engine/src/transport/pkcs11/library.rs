//! Loading and initializing a PKCS#11 module, and its errors in words.

use std::fmt;
use std::sync::Arc;

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CryptokiError, RvError};

/// How a library's `C_Initialize` and `C_Finalize` are called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pkcs11Initialization {
    /// `C_Initialize`, where "already initialized" (by another part of the
    /// process) is fine; never `C_Finalize`, as others may still use it.
    Shared,
    /// Neither: the application initializes and finalizes the library.
    External,
    /// `C_Initialize`, which must be the first; `C_Finalize` once the last
    /// holder of the library lets it go.
    Owned,
}

/// Why a PKCS#11 library cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pkcs11LibraryError {
    /// The file cannot be loaded as a PKCS#11 module.
    Load(String),
    /// `C_Initialize` failed.
    Initialize(String),
}

impl fmt::Display for Pkcs11LibraryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pkcs11LibraryError::Load(message) | Pkcs11LibraryError::Initialize(message) => {
                f.write_str(message)
            }
        }
    }
}

/// A loaded PKCS#11 module. TLS contexts made with it hold it, so it stays
/// loaded (and, when `Owned`, initialized) while any of them lives.
pub struct Pkcs11Library {
    pub(super) context: Pkcs11,
    path: String,
    finalize_on_drop: bool,
}

impl fmt::Debug for Pkcs11Library {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pkcs11Library")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Pkcs11Library {
    pub fn open(
        path: &str,
        initialization: Pkcs11Initialization,
    ) -> Result<Arc<Pkcs11Library>, Pkcs11LibraryError> {
        let context = Pkcs11::new(path).map_err(|e| Pkcs11LibraryError::Load(load_failure(e)))?;
        // Signatures come from the I/O threads while contexts are built on
        // another: the module must lock for itself.
        let args = CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK);
        let initialized = match initialization {
            Pkcs11Initialization::External => Ok(()),
            Pkcs11Initialization::Shared => match context.initialize(args) {
                Err(CryptokiError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => Ok(()),
                other => other,
            },
            Pkcs11Initialization::Owned => context.initialize(args),
        };
        initialized.map_err(|e| Pkcs11LibraryError::Initialize(initialize_failure(&e)))?;
        Ok(Arc::new(Pkcs11Library {
            context,
            path: path.to_owned(),
            finalize_on_drop: initialization == Pkcs11Initialization::Owned,
        }))
    }
}

impl Drop for Pkcs11Library {
    fn drop(&mut self) {
        if self.finalize_on_drop {
            let _ = self.context.clone().finalize();
        }
    }
}

fn load_failure(error: CryptokiError) -> String {
    match error {
        CryptokiError::LibraryLoading(e) => format!("cannot be loaded: {e}"),
        CryptokiError::MissingSymbol(symbol) => {
            format!("is not a PKCS#11 module: it has no {symbol}")
        }
        other => format!("is not a usable PKCS#11 module: {}", describe(&other)),
    }
}

fn initialize_failure(error: &CryptokiError) -> String {
    match error {
        CryptokiError::Pkcs11(RvError::CryptokiAlreadyInitialized, _) => {
            "C_Initialize answered CKR_CRYPTOKI_ALREADY_INITIALIZED: something else in this \
             process initialized the library, so this holder cannot be the one that \
             initializes and finalizes it"
                .into()
        }
        other => format!("cannot be initialized: {}", describe(other)),
    }
}

/// A PKCS#11 error, short: the function and its return value.
pub(super) fn describe(error: &CryptokiError) -> String {
    match error {
        CryptokiError::Pkcs11(rv, function) => format!("C_{function:?} failed with {rv:?}"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_library_is_a_load_error_naming_why() {
        let error = Pkcs11Library::open(
            "/nonexistent/mqtt-napi/libpkcs11.so",
            Pkcs11Initialization::Shared,
        )
        .expect_err("no such file");
        match error {
            Pkcs11LibraryError::Load(message) => {
                assert!(message.contains("No such file"), "{message}")
            }
            other => panic!("{other:?}"),
        }
    }
}
