//! Signed registries: a registry revision is trusted only if its commit carries an SSH
//! signature (the `gpgsig` header `git commit -S` writes with `gpg.format = ssh`) by a key
//! in an allowed-signers file, in the format `ssh-keygen -Y verify` and `git
//! verify-commit` read.
//!
//! Verification is what git does, in Rust: the signed payload is the commit object
//! without its `gpgsig` header, the signature is an SSHSIG in namespace `git`, and the key
//! it was made with must be listed for that namespace, valid at the commit's time.
//! Everything that is not positively verified is refused (fail closed): no signature, an
//! OpenPGP or X.509 signature, an unknown key, another namespace, a signature that does
//! not match, a malformed or empty allowed-signers file.

use std::fmt;
use std::path::{Path, PathBuf};

use git2::{Oid, Repository};
use ssh_key::{HashAlg, PublicKey, SshSig};

/// The namespace git signs commits in.
pub const NAMESPACE: &str = "git";

/// Allowed-signers files larger than this are refused.
const MAX_SIGNERS_FILE: u64 = 1024 * 1024;

/// Why a registry revision is not trusted.
#[derive(Debug, thiserror::Error)]
pub enum SignatureError {
    #[error("could not read the allowed signers file {}", path.display())]
    ReadSigners {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}:{line}: {message}", path.display())]
    BadSigners {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("the allowed signers file {} lists no keys", path.display())]
    NoSigners { path: PathBuf },
    #[error("{registry} is not read from git, so it has no signed commit")]
    NotGit { registry: String },
    #[error("{registry} has changes that are not committed, so they are not signed: {}", paths.join(", "))]
    Uncommitted {
        registry: String,
        paths: Vec<String>,
    },
    #[error("commit {commit} of {registry} is not signed")]
    Unsigned { registry: String, commit: String },
    #[error(
        "commit {commit} of {registry} has an OpenPGP or X.509 signature; only SSH signatures can be verified"
    )]
    NotSsh { registry: String, commit: String },
    #[error("commit {commit} of {registry} has a malformed SSH signature: {reason}")]
    Malformed {
        registry: String,
        commit: String,
        reason: String,
    },
    #[error("commit {commit} of {registry} is signed for `{namespace}`, not for git commits")]
    Namespace {
        registry: String,
        commit: String,
        namespace: String,
    },
    #[error(
        "commit {commit} of {registry} is signed by {fingerprint}, which is not an allowed signer in {}",
        signers.display()
    )]
    UnknownKey {
        registry: String,
        commit: String,
        fingerprint: String,
        signers: PathBuf,
    },
    #[error(
        "commit {commit} of {registry} is signed by {fingerprint}, which {} allows only {reason}",
        signers.display()
    )]
    NotAllowed {
        registry: String,
        commit: String,
        fingerprint: String,
        signers: PathBuf,
        reason: String,
    },
    #[error(
        "the signature of commit {commit} of {registry} does not verify: the commit was changed after it was signed, or the signature is forged"
    )]
    Invalid { registry: String, commit: String },
    #[error("could not read commit {commit} of {registry}")]
    Git {
        registry: String,
        commit: String,
        #[source]
        source: super::git::GitCause,
    },
}

/// One line of an allowed-signers file.
#[derive(Debug, Clone)]
struct Signer {
    principals: String,
    key: PublicKey,
    /// `namespaces="..."`: the patterns of namespaces the key may sign in (all if absent).
    namespaces: Option<Vec<String>>,
    /// `valid-after` / `valid-before`, as seconds since 1970 (UTC).
    valid_after: Option<i64>,
    valid_before: Option<i64>,
    /// `cert-authority`: the key signs certificates, not commits.
    cert_authority: bool,
}

/// An allowed-signers file, parsed.
#[derive(Debug, Clone)]
pub struct AllowedSigners {
    path: PathBuf,
    signers: Vec<Signer>,
}

/// Who signed a verified commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub commit: String,
    /// The principals of the allowed-signers line that matched.
    pub principals: String,
    /// The key's fingerprint, as `ssh-keygen -l` prints it.
    pub fingerprint: String,
}

impl fmt::Display for Verified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "commit {} is signed by {} ({})",
            short(&self.commit),
            self.principals,
            self.fingerprint
        )
    }
}

fn short(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}

impl AllowedSigners {
    /// Reads and parses an allowed-signers file; a file with no keys is refused.
    pub fn read(path: &Path) -> Result<AllowedSigners, SignatureError> {
        let read_error = |source| SignatureError::ReadSigners {
            path: path.to_path_buf(),
            source,
        };
        // Read as a manifest is: never through a link, never a pipe or a device, never
        // past its cap.
        let bytes = match super::files::read_named(path, MAX_SIGNERS_FILE) {
            Ok(bytes) => bytes,
            Err(super::files::ReadError::TooLarge { size, .. }) => {
                return Err(SignatureError::BadSigners {
                    path: path.to_path_buf(),
                    line: 0,
                    message: format!(
                        "the file is {size} bytes, over the limit of {MAX_SIGNERS_FILE}"
                    ),
                });
            }
            Err(e) => return Err(read_error(std::io::Error::other(e))),
        };
        let text = String::from_utf8(bytes).map_err(|e| {
            read_error(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                e.utf8_error(),
            ))
        })?;
        Self::parse(path, &text)
    }

    /// Parses the text of an allowed-signers file (`path` is for messages).
    pub fn parse(path: &Path, text: &str) -> Result<AllowedSigners, SignatureError> {
        let mut signers = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let bad = |message: String| SignatureError::BadSigners {
                path: path.to_path_buf(),
                line: i + 1,
                message,
            };
            signers.push(parse_line(line).map_err(bad)?);
        }
        if signers.is_empty() {
            return Err(SignatureError::NoSigners {
                path: path.to_path_buf(),
            });
        }
        Ok(AllowedSigners {
            path: path.to_path_buf(),
            signers,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Verifies that commit `id` of `repo` is signed by an allowed signer, as `git
    /// verify-commit` would with this file as `gpg.ssh.allowedSignersFile`.
    pub fn verify_commit(
        &self,
        repo: &Repository,
        id: Oid,
        registry: &str,
    ) -> Result<Verified, SignatureError> {
        let commit = id.to_string();
        let git_error = |source: git2::Error| SignatureError::Git {
            registry: registry.to_owned(),
            commit: commit.clone(),
            source: source.into(),
        };
        let (signature, payload) = match repo.extract_signature(&id, None) {
            Ok(found) => found,
            Err(e) if e.code() == git2::ErrorCode::NotFound => {
                // Distinguish "no signature" from "no such commit".
                repo.find_commit(id).map_err(git_error)?;
                return Err(SignatureError::Unsigned {
                    registry: registry.to_owned(),
                    commit,
                });
            }
            Err(e) => return Err(git_error(e)),
        };
        let time = repo.find_commit(id).map_err(git_error)?.committer().when();
        let armored = std::str::from_utf8(&signature).unwrap_or_default();
        if !armored
            .trim_start()
            .starts_with("-----BEGIN SSH SIGNATURE-----")
        {
            return Err(SignatureError::NotSsh {
                registry: registry.to_owned(),
                commit,
            });
        }
        let sig = SshSig::from_pem(armored.trim()).map_err(|e| SignatureError::Malformed {
            registry: registry.to_owned(),
            commit: commit.clone(),
            reason: e.to_string(),
        })?;
        if sig.namespace() != NAMESPACE {
            return Err(SignatureError::Namespace {
                registry: registry.to_owned(),
                commit,
                namespace: crate::text::escape(sig.namespace()).into_owned(),
            });
        }
        let key = PublicKey::from(sig.public_key().clone());
        let fingerprint = key.fingerprint(HashAlg::Sha256).to_string();
        let matching: Vec<&Signer> = self
            .signers
            .iter()
            .filter(|s| s.key.key_data() == sig.public_key())
            .collect();
        if matching.is_empty() {
            return Err(SignatureError::UnknownKey {
                registry: registry.to_owned(),
                commit,
                fingerprint,
                signers: self.path.clone(),
            });
        }
        let at = time.seconds();
        let mut refusal = None;
        let mut allowed = None;
        for s in matching {
            match s.allows(at) {
                Ok(()) => {
                    allowed = Some(s);
                    break;
                }
                Err(reason) => refusal = Some(reason),
            }
        }
        let Some(signer) = allowed else {
            return Err(SignatureError::NotAllowed {
                registry: registry.to_owned(),
                commit,
                fingerprint,
                signers: self.path.clone(),
                reason: refusal.unwrap_or_default(),
            });
        };
        signer
            .key
            .verify(NAMESPACE, &payload, &sig)
            .map_err(|_| SignatureError::Invalid {
                registry: registry.to_owned(),
                commit: commit.clone(),
            })?;
        Ok(Verified {
            commit,
            principals: signer.principals.clone(),
            fingerprint,
        })
    }
}

impl Signer {
    /// Whether this line lets its key sign git commits at `at` (seconds since 1970); if
    /// not, what it does allow.
    fn allows(&self, at: i64) -> Result<(), String> {
        if self.cert_authority {
            return Err("certificates (cert-authority), not commit signatures".into());
        }
        if let Some(namespaces) = &self.namespaces
            && !list_matches(namespaces, NAMESPACE)
        {
            return Err(format!("the namespaces {}", namespaces.join(",")));
        }
        if self.valid_after.is_some_and(|t| at < t) || self.valid_before.is_some_and(|t| at > t) {
            return Err("signatures made at other times (valid-after, valid-before)".into());
        }
        Ok(())
    }
}

/// Parses `principals [options] keytype base64 [comment]`.
fn parse_line(line: &str) -> Result<Signer, String> {
    let fields = split_fields(line)?;
    let mut fields = fields.into_iter();
    let principals = fields
        .next()
        .ok_or_else(|| "a line needs principals and a key".to_owned())?;
    let mut next = fields
        .next()
        .ok_or_else(|| "no key after the principals".to_owned())?;
    let mut signer_options = SignerOptions::default();
    if !is_key_type(&next) {
        signer_options = parse_options(&next)?;
        next = fields
            .next()
            .ok_or_else(|| "no key after the options".to_owned())?;
    }
    let key_type = next;
    let data = fields
        .next()
        .ok_or_else(|| format!("no key data after `{}`", crate::text::escape(&key_type)))?;
    let key = PublicKey::from_openssh(&format!("{key_type} {data}")).map_err(|e| {
        format!(
            "the key is not a valid `{}` key: {e}",
            crate::text::escape(&key_type)
        )
    })?;
    Ok(Signer {
        principals: crate::text::escape(&principals).into_owned(),
        key,
        namespaces: signer_options.namespaces,
        valid_after: signer_options.valid_after,
        valid_before: signer_options.valid_before,
        cert_authority: signer_options.cert_authority,
    })
}

#[derive(Debug, Default)]
struct SignerOptions {
    namespaces: Option<Vec<String>>,
    valid_after: Option<i64>,
    valid_before: Option<i64>,
    cert_authority: bool,
}

fn is_key_type(s: &str) -> bool {
    s.starts_with("ssh-")
        || s.starts_with("ecdsa-sha2-")
        || s.starts_with("sk-")
        || s.starts_with("rsa-sha2-")
}

/// Splits on whitespace outside double quotes, keeping the quotes.
fn split_fields(line: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                field.push(c);
            }
            c if c.is_whitespace() && !quoted => {
                if !field.is_empty() {
                    out.push(std::mem::take(&mut field));
                }
            }
            c => field.push(c),
        }
    }
    if quoted {
        return Err("a quote is not closed".into());
    }
    if !field.is_empty() {
        out.push(field);
    }
    Ok(out)
}

/// Parses `cert-authority,namespaces="git,file",valid-after="20240101"`. Unknown options
/// are refused, as a key whose restrictions are not understood cannot be trusted.
fn parse_options(s: &str) -> Result<SignerOptions, String> {
    let mut out = SignerOptions::default();
    let mut rest = s;
    while !rest.is_empty() {
        let (name, value, after) = match rest.find([',', '=']) {
            Some(i) if rest.as_bytes().get(i) == Some(&b'=') => {
                let name = &rest[..i];
                let value_start = &rest[i + 1..];
                let inner = value_start
                    .strip_prefix('"')
                    .ok_or_else(|| format!("the value of `{name}` must be quoted"))?;
                let end = inner
                    .find('"')
                    .ok_or_else(|| format!("the value of `{name}` is not closed"))?;
                let after = &inner[end + 1..];
                (name, Some(&inner[..end]), after)
            }
            Some(i) => (&rest[..i], None, &rest[i..]),
            None => (rest, None, ""),
        };
        match (name.to_ascii_lowercase().as_str(), value) {
            ("cert-authority", None) => out.cert_authority = true,
            ("namespaces", Some(v)) => {
                out.namespaces = Some(v.split(',').map(|n| n.trim().to_owned()).collect());
            }
            ("valid-after", Some(v)) => out.valid_after = Some(parse_time(v)?),
            ("valid-before", Some(v)) => out.valid_before = Some(parse_time(v)?),
            (other, _) => {
                return Err(format!(
                    "unknown option `{}` (known: cert-authority, namespaces, valid-after, valid-before)",
                    crate::text::escape(other)
                ));
            }
        }
        rest = match after.strip_prefix(',') {
            Some(r) => r,
            None if after.is_empty() => "",
            None => {
                return Err(format!(
                    "unexpected `{}` after an option",
                    crate::text::escape(after)
                ));
            }
        };
    }
    Ok(out)
}

/// `YYYYMMDD[HHMM[SS]][Z]` as seconds since 1970. OpenSSH reads times without `Z` in
/// local time; they are read as UTC here (docs/SECURITY.md).
fn parse_time(s: &str) -> Result<i64, String> {
    let bad = || {
        format!(
            "`{}` is not a time YYYYMMDD[HHMM[SS]][Z]",
            crate::text::escape(s)
        )
    };
    let digits = s.strip_suffix(['Z', 'z']).unwrap_or(s);
    if !digits.bytes().all(|b| b.is_ascii_digit()) || ![8, 12, 14].contains(&digits.len()) {
        return Err(bad());
    }
    let num = |range: std::ops::Range<usize>| -> Result<i64, String> {
        digits
            .get(range)
            .and_then(|d| d.parse::<i64>().ok())
            .ok_or_else(bad)
    };
    let (year, month, day) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let hour = if digits.len() >= 12 { num(8..10)? } else { 0 };
    let minute = if digits.len() >= 12 { num(10..12)? } else { 0 };
    // A leap second reads as the last second of its minute.
    let second = if digits.len() == 14 {
        num(12..14)?.min(59)
    } else {
        0
    };
    let small = |n: i64| i8::try_from(n).map_err(|_| bad());
    let at = jiff::civil::DateTime::new(
        i16::try_from(year).map_err(|_| bad())?,
        small(month)?,
        small(day)?,
        small(hour)?,
        small(minute)?,
        small(second)?,
        0,
    )
    .map_err(|_| bad())?;
    jiff::tz::TimeZone::UTC
        .to_timestamp(at)
        .map(|t| t.as_second())
        .map_err(|_| bad())
}

/// OpenSSH's pattern lists: `*` matches any run, `?` any one character, and a pattern
/// starting with `!` that matches refuses outright; otherwise some plain pattern must match.
fn list_matches(patterns: &[String], s: &str) -> bool {
    let mut found = false;
    for p in patterns {
        match p.strip_prefix('!') {
            Some(negated) if glob(negated.as_bytes(), s.as_bytes()) => return false,
            Some(_) => {}
            None => found |= glob(p.as_bytes(), s.as_bytes()),
        }
    }
    found
}

fn glob(p: &[u8], s: &[u8]) -> bool {
    // Iterative, with one backtrack point for the last `*`: linear in practice.
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        match p.get(pi) {
            Some(b'*') => {
                star = Some((pi, si));
                pi += 1;
            }
            Some(&c) if c == b'?' || c == s[si] => {
                pi += 1;
                si += 1;
            }
            _ => match star {
                Some((sp, ss)) => {
                    pi = sp + 1;
                    si = ss + 1;
                    star = Some((sp, ss + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    const ED25519: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOBHrJbFmnDw2Wr9JdUsXj+4+PaCoD0OxmJRGy5bKuiA";

    fn parse(text: &str) -> Result<AllowedSigners, SignatureError> {
        AllowedSigners::parse(Path::new("allowed_signers"), text)
    }

    #[test]
    fn reads_the_allowed_signers_format() {
        let file = format!(
            "# maintainers\n\nalice@example.com {ED25519} alice's laptop\n\"bob@example.com,carol@example.com\" namespaces=\"git,file\",valid-after=\"20240101\" {ED25519}\n*@example.org cert-authority {ED25519}\n"
        );
        let s = parse(&file).unwrap();
        assert_eq!(s.signers.len(), 3);
        assert_eq!(s.signers[0].principals, "alice@example.com");
        assert_eq!(
            s.signers[1].namespaces.as_deref(),
            Some(&["git".to_owned(), "file".to_owned()][..])
        );
        assert_eq!(s.signers[1].valid_after, Some(1_704_067_200));
        assert!(s.signers[2].cert_authority);
        assert!(s.signers[0].allows(0).is_ok());
        assert!(s.signers[1].allows(1_704_067_199).is_err());
        assert!(s.signers[1].allows(1_704_067_200).is_ok());
        assert!(s.signers[2].allows(0).is_err());
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        for bad in [
            "alice@example.com",
            "alice@example.com ssh-ed25519",
            "alice@example.com ssh-ed25519 AAAAnotbase64!!",
            &format!("alice@example.com no-touch-required {ED25519}"),
            &format!("alice@example.com namespaces=git {ED25519}"),
            &format!("alice@example.com namespaces=\"git {ED25519}"),
            &format!("alice@example.com valid-before=\"2024\" {ED25519}"),
        ] {
            assert!(
                matches!(parse(bad), Err(SignatureError::BadSigners { line: 1, .. })),
                "{bad}"
            );
        }
        assert!(matches!(
            parse("# nothing\n\n"),
            Err(SignatureError::NoSigners { .. })
        ));
    }

    #[test]
    fn namespaces_follow_openssh_patterns() {
        let with = |ns: &str| {
            parse(&format!("a namespaces=\"{ns}\" {ED25519}"))
                .unwrap()
                .signers[0]
                .allows(0)
                .is_ok()
        };
        assert!(with("git"));
        assert!(with("file,git"));
        assert!(with("g*"));
        assert!(with("?it"));
        assert!(!with("file"));
        assert!(!with("gits"));
        assert!(!with("!git"));
        assert!(!with("!file"));
        assert!(with("!file,git"));
        assert!(!with("g*,!git"));
    }

    #[test]
    fn times_are_calendar_dates() {
        assert_eq!(parse_time("19700101"), Ok(0));
        assert_eq!(parse_time("20240229123456Z"), Ok(1_709_210_096));
        assert!(parse_time("20241301").is_err());
        assert!(parse_time("2024-01-01").is_err());
        assert!(parse_time("20230229").is_err());
        assert_eq!(parse_time("20161231235960Z"), Ok(1_483_228_799));
    }
}
