//! The chain of causes of an error (`could not read x: permission denied`), for messages
//! on one line and for the `caused by:` lines under an error. Every module may use it:
//! it imports nothing from the crate.

use std::error::Error as StdError;

/// The chain of causes of an error, joined for one-line messages.
pub fn chain(e: &dyn StdError) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

/// The causes of an error, outermost first, without repeats.
pub fn causes(e: &dyn StdError) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut source = e.source();
    let top = e.to_string();
    while let Some(s) = source {
        let text = s.to_string();
        if !top.contains(&text) && !out.contains(&text) {
            out.push(text);
        }
        source = s.source();
    }
    out
}
