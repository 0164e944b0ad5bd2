//! Who a publish or yank commit is by: `--author`, git's environment variables, or git's
//! configuration.

use git2::Signature;

use super::PublishError;
use crate::env::EnvVars;

/// Who the commit is by: `--author`, else `GIT_AUTHOR_NAME`/`GIT_AUTHOR_EMAIL`, else git
/// config. The committer is `GIT_COMMITTER_*`, else git config, else the author.
pub struct Identity {
    pub author: Signature<'static>,
    pub committer: Signature<'static>,
}

/// Parses `Name <email>`.
pub fn parse_author(text: &str) -> Result<(String, String), PublishError> {
    let bad = || PublishError::InvalidAuthor {
        text: text.to_owned(),
    };
    let (name, rest) = text.split_once('<').ok_or_else(bad)?;
    let email = rest.strip_suffix('>').ok_or_else(bad)?;
    let (name, email) = (name.trim(), email.trim());
    if name.is_empty()
        || email.is_empty()
        || email.contains(['<', '>'])
        || text.chars().any(crate::text::is_forbidden)
    {
        return Err(bad());
    }
    Ok((name.to_owned(), email.to_owned()))
}

fn env_pair(name: &'static str, email: &'static str) -> Option<(String, String)> {
    let n = crate::env::var(name)
        .ok()
        .flatten()
        .filter(|s| !s.trim().is_empty())?;
    let e = crate::env::var(email)
        .ok()
        .flatten()
        .filter(|s| !s.trim().is_empty())?;
    Some((n, e))
}

fn config_pair(config: &git2::Config) -> Option<(String, String)> {
    let n = config
        .get_string("user.name")
        .ok()
        .filter(|s| !s.trim().is_empty())?;
    let e = config
        .get_string("user.email")
        .ok()
        .filter(|s| !s.trim().is_empty())?;
    Some((n, e))
}

impl Identity {
    /// Works out the identity from `--author`, the environment and `config`.
    pub fn resolve(
        author: Option<&str>,
        config: Option<&git2::Config>,
    ) -> Result<Identity, PublishError> {
        let configured = config.and_then(config_pair);
        let author = match author {
            Some(text) => Some(parse_author(text)?),
            None => env_pair(EnvVars::GIT_AUTHOR_NAME, EnvVars::GIT_AUTHOR_EMAIL)
                .or_else(|| configured.clone()),
        };
        let Some(author) = author else {
            return Err(PublishError::NoIdentity);
        };
        let committer = env_pair(EnvVars::GIT_COMMITTER_NAME, EnvVars::GIT_COMMITTER_EMAIL)
            .or(configured)
            .unwrap_or_else(|| author.clone());
        let sig = |(n, e): &(String, String)| {
            Signature::now(n, e).map_err(|_| PublishError::InvalidAuthor {
                text: format!("{n} <{e}>"),
            })
        };
        Ok(Identity {
            author: sig(&author)?,
            committer: sig(&committer)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authors_are_name_and_email() {
        assert_eq!(
            parse_author("Ada Lovelace <ada@example.com>").unwrap(),
            ("Ada Lovelace".to_owned(), "ada@example.com".to_owned())
        );
        for bad in [
            "Ada",
            "<ada@example.com>",
            "Ada <>",
            "Ada <a@b",
            "Ada\u{1b} <a@b>",
        ] {
            assert!(parse_author(bad).is_err(), "{bad}");
        }
    }
}
