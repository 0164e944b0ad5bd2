//! Fetching one file over https (a publiccode.yml named by URL), with the limits that
//! registry files have: https only (redirects included), at most 1 MiB, and bounded in
//! time: 10 seconds to connect and 30 for the whole request unless `STACKREG_HTTP_TIMEOUT`
//! says otherwise. Proxies come from the usual environment variables.

use std::time::Duration;

use crate::env::{self, EnvError, EnvVars};
use crate::model::validate::MAX_FILE_SIZE;

/// Why a URL could not be fetched.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("{url}: only https URLs are fetched")]
    NotHttps { url: String },
    #[error("{url}: this build of stackreg cannot fetch over https")]
    Unsupported { url: String },
    #[error("{url} is not fetched: --offline forbids the network")]
    Offline { url: String },
    #[error("{url} answered {status}")]
    Status { url: String, status: u16 },
    #[error("{url} is larger than {limit} bytes (1 MiB), the limit for a file")]
    TooLarge { url: String, limit: u64 },
    #[error("could not fetch {url}")]
    Fetch {
        url: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// Time limits for one fetch.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub connect: Duration,
    pub total: Duration,
    pub max_bytes: u64,
}

impl Limits {
    /// 10 s to connect, `STACKREG_HTTP_TIMEOUT` seconds (default 30) in all, 1 MiB.
    pub fn from_env() -> Result<Limits, EnvError> {
        let total = match env::seconds(EnvVars::STACKREG_HTTP_TIMEOUT)? {
            Some(0) => {
                return Err(EnvError {
                    name: EnvVars::STACKREG_HTTP_TIMEOUT,
                    value: "0".into(),
                    expected: "a number of seconds above 0",
                });
            }
            Some(s) => Duration::from_secs(s),
            None => Duration::from_secs(30),
        };
        Ok(Limits {
            connect: Duration::from_secs(10).min(total),
            total,
            max_bytes: MAX_FILE_SIZE,
        })
    }
}

/// Whether `s` names something to fetch rather than a file.
pub fn is_url(s: &str) -> bool {
    s.contains("://")
}

/// The body of `url`, fetched under `limits`.
pub fn fetch(url: &str, limits: Limits, offline: bool) -> Result<Vec<u8>, HttpError> {
    let redacted = super::remote::redact(url);
    match url::Url::parse(url) {
        Ok(u) if u.scheme() == "https" => {}
        _ => return Err(HttpError::NotHttps { url: redacted }),
    }
    if offline {
        return Err(HttpError::Offline { url: redacted });
    }
    get(url, &redacted, limits)
}

#[cfg(feature = "https")]
fn get(url: &str, shown: &str, limits: Limits) -> Result<Vec<u8>, HttpError> {
    use ureq::tls::{RootCerts, TlsConfig, TlsProvider};

    let fail = |e: ureq::Error| match e {
        ureq::Error::StatusCode(status) => HttpError::Status {
            url: shown.to_owned(),
            status,
        },
        ureq::Error::BodyExceedsLimit(_) => HttpError::TooLarge {
            url: shown.to_owned(),
            limit: limits.max_bytes,
        },
        other => HttpError::Fetch {
            url: shown.to_owned(),
            source: Box::new(other),
        },
    };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .https_only(true)
        .timeout_connect(Some(limits.connect))
        .timeout_global(Some(limits.total))
        .max_redirects(5)
        .user_agent(concat!("stackreg/", env!("CARGO_PKG_VERSION")))
        .proxy(ureq::Proxy::try_from_env())
        .tls_config(
            TlsConfig::builder()
                .provider(TlsProvider::NativeTls)
                .root_certs(RootCerts::PlatformVerifier)
                .build(),
        )
        .build()
        .into();
    let mut response = agent.get(url).call().map_err(fail)?;
    response
        .body_mut()
        .with_config()
        .limit(limits.max_bytes)
        .read_to_vec()
        .map_err(fail)
}

#[cfg(not(feature = "https"))]
fn get(_url: &str, shown: &str, _limits: Limits) -> Result<Vec<u8>, HttpError> {
    Err(HttpError::Unsupported {
        url: shown.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_is_fetched() {
        let limits = Limits::from_env().unwrap();
        for url in [
            "http://example.com/publiccode.yml",
            "ftp://example.com/x",
            "file:///etc/passwd",
        ] {
            let e = fetch(url, limits, false).unwrap_err();
            assert!(matches!(e, HttpError::NotHttps { .. }), "{url}: {e}");
        }
        let e = fetch("https://user:secret@example.com/x", limits, true).unwrap_err();
        assert_eq!(
            e.to_string(),
            "https://***@example.com/x is not fetched: --offline forbids the network"
        );
    }
}
