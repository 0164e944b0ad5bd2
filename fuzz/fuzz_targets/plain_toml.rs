//! The plain-TOML reader against the toml crate: for any text, the reader either declines
//! it or reads it exactly as the toml crate does (as a generic table, and as a component
//! and an interface file).

#![no_main]

use libfuzzer_sys::fuzz_target;
use stackreg::model::manifest::{ComponentFile, InterfaceFile};
use stackreg::model::validate::plain_toml::from_str;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(plain) = from_str::<toml::Table>(text) {
        assert_eq!(
            Ok(plain),
            toml::from_str::<toml::Table>(text).map_err(|e| e.to_string())
        );
    }
    if let Some(plain) = from_str::<ComponentFile>(text) {
        let full = toml::from_str::<ComponentFile>(text).map_err(|e| e.to_string());
        assert_eq!(Ok(format!("{plain:?}")), full.map(|f| format!("{f:?}")));
    }
    if let Some(plain) = from_str::<InterfaceFile>(text) {
        let full = toml::from_str::<InterfaceFile>(text).map_err(|e| e.to_string());
        assert_eq!(Ok(format!("{plain:?}")), full.map(|f| format!("{f:?}")));
    }
});
