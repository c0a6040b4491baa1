//! Choosing the one token the options name.

use cryptoki::context::Pkcs11;
use cryptoki::error::{Error as CryptokiError, RvError};
use cryptoki::slot::Slot;

use super::library::describe;
use super::Pkcs11Key;
use crate::transport::tls::{option_error, TlsOption, TlsOptionError};

/// The one slot whose token matches the options, and its token's label.
pub(super) fn choose_slot(key: &Pkcs11Key) -> Result<(Slot, String), TlsOptionError> {
    let tokens = tokens(&key.library.context)?;
    let wanted = |(slot, label): &&(Slot, String)| {
        key.slot_id.is_none_or(|id| slot.id() == id)
            && key
                .token_label
                .as_ref()
                .is_none_or(|wanted| wanted == label)
    };
    let candidates: Vec<&(Slot, String)> = tokens.iter().filter(wanted).collect();
    match (candidates.as_slice(), &key.token_label) {
        ([one], _) => Ok((*one).clone()),
        ([], _) => Err(no_such_token(key, &tokens)),
        (several, Some(label)) => Err(option_error(
            TlsOption::Pkcs11SlotId,
            format!(
                "is needed: {} tokens are labelled {label:?} ({})",
                several.len(),
                list_tokens(several.iter().copied())
            ),
        )),
        (several, None) => Err(option_error(
            TlsOption::Pkcs11TokenLabel,
            format!(
                "(or the slot id) is needed to choose among {} tokens: {}",
                several.len(),
                list_tokens(several.iter().copied())
            ),
        )),
    }
}

/// Each slot that holds an initialized token, with the token's label. (A
/// blank token holds no key; SoftHSM, for one, always offers one.)
fn tokens(context: &Pkcs11) -> Result<Vec<(Slot, String)>, TlsOptionError> {
    let unlisted = |e: CryptokiError| {
        option_error(
            TlsOption::Pkcs11Library,
            format!("cannot list its tokens: {}", not_initialized_hint(&e)),
        )
    };
    let mut tokens = Vec::new();
    for slot in context.get_slots_with_token().map_err(unlisted)? {
        let info = context.get_token_info(slot).map_err(unlisted)?;
        if info.token_initialized() {
            tokens.push((slot, info.label().to_owned()));
        }
    }
    Ok(tokens)
}

fn not_initialized_hint(error: &CryptokiError) -> String {
    match error {
        CryptokiError::Pkcs11(RvError::CryptokiNotInitialized, _) => {
            "the library is not initialized (it was opened without C_Initialize, \
             and nothing else in the process has initialized it)"
                .into()
        }
        other => describe(other),
    }
}

fn list_tokens<'a>(tokens: impl Iterator<Item = &'a (Slot, String)>) -> String {
    let listed: Vec<String> = tokens
        .map(|(slot, label)| format!("{label:?} in slot {}", slot.id()))
        .collect();
    listed.join(", ")
}

fn no_such_token(key: &Pkcs11Key, tokens: &[(Slot, String)]) -> TlsOptionError {
    let present = if tokens.is_empty() {
        "the library has no initialized token".to_owned()
    } else {
        format!("the library's tokens: {}", list_tokens(tokens.iter()))
    };
    match (&key.token_label, key.slot_id) {
        (Some(label), Some(slot)) => option_error(
            TlsOption::Pkcs11TokenLabel,
            format!("no token labelled {label:?} is in slot {slot}; {present}"),
        ),
        (Some(label), None) => option_error(
            TlsOption::Pkcs11TokenLabel,
            format!("no token is labelled {label:?}; {present}"),
        ),
        (None, Some(slot)) => option_error(
            TlsOption::Pkcs11SlotId,
            format!("no initialized token is in slot {slot}; {present}"),
        ),
        (None, None) => option_error(
            TlsOption::Pkcs11Library,
            "has no initialized token in any slot",
        ),
    }
}
