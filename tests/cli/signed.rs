//! Signed registries: `--require-signed FILE` and a stack's `allowed-signers` accept a
//! registry revision only if its commit carries an SSH signature by an allowed key, and
//! stackreg agrees with `git verify-commit` on every case: good signatures with ed25519,
//! RSA and ECDSA keys, unsigned, unknown key, tampered commit, wrong namespace, a key not
//! allowed for git, a key outside its validity dates, an OpenPGP signature.

use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

use crate::support::*;

/// SSH keys made by `ssh-keygen`, and an allowed-signers file listing some of them.
struct Keys {
    dir: TempDir,
}

impl Keys {
    fn new() -> Keys {
        let keys = Keys {
            dir: tempfile::tempdir().unwrap(),
        };
        for (name, kind) in [
            ("ed25519", "ed25519"),
            ("rsa", "rsa"),
            ("ecdsa", "ecdsa"),
            ("stranger", "ed25519"),
            ("files-only", "ed25519"),
        ] {
            let out = Command::new("ssh-keygen")
                .args([
                    "-q",
                    "-t",
                    kind,
                    "-N",
                    "",
                    "-C",
                    &format!("{name}@example.com"),
                ])
                .arg("-f")
                .arg(keys.key(name))
                .output()
                .expect("ssh-keygen (openssh-client) is needed for these tests");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        keys.write_signers(
            "allowed",
            &[
                ("alice@example.com", "", "ed25519"),
                ("bob@example.com", "namespaces=\"git,file\"", "rsa"),
                ("carol@example.com", "", "ecdsa"),
                ("dave@example.com", "namespaces=\"file\"", "files-only"),
            ],
        );
        keys
    }

    fn key(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `principal [options] type base64` for each (principal, options, key name).
    fn write_signers(&self, file: &str, lines: &[(&str, &str, &str)]) -> PathBuf {
        let mut text = String::from("# who may sign the registry\n");
        for (principal, options, key) in lines {
            let public = std::fs::read_to_string(self.key(&format!("{key}.pub"))).unwrap();
            let mut fields = public.split_whitespace();
            let (kind, data) = (fields.next().unwrap(), fields.next().unwrap());
            text.push_str(&format!("{principal} {options} {kind} {data}\n"));
        }
        let path = self.dir.path().join(file);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn signers(&self) -> PathBuf {
        self.dir.path().join("allowed")
    }
}

/// Runs git in `dir` with SSH signing configured: `key` signs, `signers` verifies.
fn git_signing(dir: &Path, key: Option<&Path>, signers: &Path, args: &[&str]) -> (bool, String) {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .env("GIT_AUTHOR_NAME", "Test Author")
        .env("GIT_AUTHOR_EMAIL", "author@example.com")
        .env("GIT_COMMITTER_NAME", "Test Author")
        .env("GIT_COMMITTER_EMAIL", "author@example.com")
        .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
        .args(["-c", "gpg.format=ssh"])
        .arg("-c")
        .arg(format!("gpg.ssh.allowedSignersFile={}", signers.display()));
    if let Some(key) = key {
        cmd.arg("-c")
            .arg(format!("user.signingkey={}", key.display()));
    }
    let out = cmd.args(args).output().unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// A registry repository whose commits are signed (or not) as each test says.
fn registry_repo() -> Fixture {
    let f = Fixture::new();
    f.interface("api", &["1.0.0"]);
    f.component(&component("app").release("1.0.0").provides("api", "1.0.0"));
    f.stack(
        "s",
        "[stack]\nname = \"S\"\n[needs]\napp = { component = \"app\" }\n",
    );
    f
}

/// Commits everything, signed by `key` (unsigned if `None`), and returns the commit id.
fn commit(f: &Fixture, keys: &Keys, key: Option<&str>, message: &str) -> String {
    git(f.root(), &["add", "-A"]);
    let key = key.map(|k| keys.key(k));
    let mut args = vec!["commit", "-q", "--allow-empty", "-m", message];
    if key.is_some() {
        args.push("-S");
    }
    let (ok, out) = git_signing(f.root(), key.as_deref(), &keys.signers(), &args);
    assert!(ok, "{out}");
    git(f.root(), &["rev-parse", "HEAD"])
}

/// Whether `git verify-commit` accepts `rev` with `signers` as the allowed signers.
fn git_verifies(f: &Fixture, signers: &Path, rev: &str) -> bool {
    git_signing(f.root(), None, signers, &["verify-commit", rev]).0
}

/// Whether stackreg reads the registry at `rev` under `--require-signed signers`; the
/// error otherwise.
fn stackreg_verifies(f: &Fixture, signers: &Path, rev: &str) -> Result<(), String> {
    let run = f.run(&[
        "--require-signed",
        signers.to_str().unwrap(),
        "--rev",
        rev,
        "list",
        "--format",
        "json",
    ]);
    match run.code {
        0 => Ok(()),
        2 => Err(run.stderr),
        _ => panic!("{run:?}"),
    }
}

/// `commit`'s object with its `gpgsig` header replaced by `signature` (or removed), and
/// `edit` applied to the rest, written to the repository; returns the new id.
fn rewrite_commit(
    f: &Fixture,
    commit: &str,
    signature: Option<&str>,
    edit: &dyn Fn(&str) -> String,
) -> String {
    let raw = git(f.root(), &["cat-file", "commit", commit]);
    let mut out = String::new();
    let mut in_sig = false;
    for line in raw.lines() {
        if line.starts_with("gpgsig ") {
            in_sig = true;
            continue;
        }
        if in_sig && line.starts_with(' ') {
            continue;
        }
        in_sig = false;
        out.push_str(line);
        out.push('\n');
        if line.starts_with("committer ")
            && let Some(sig) = signature
        {
            out.push_str("gpgsig ");
            out.push_str(&sig.trim_end().replace('\n', "\n "));
            out.push('\n');
        }
    }
    let object = edit(&out);
    let path = f.root().join("object.tmp");
    std::fs::write(&path, object).unwrap();
    let id = git(
        f.root(),
        &[
            "hash-object",
            "-t",
            "commit",
            "-w",
            "--literally",
            "object.tmp",
        ],
    );
    std::fs::remove_file(path).unwrap();
    id
}

/// An SSHSIG of `payload` by `key` in `namespace`, made by `ssh-keygen -Y sign`.
fn ssh_sign(keys: &Keys, key: &str, namespace: &str, payload: &str) -> String {
    let file = keys.dir.path().join("payload");
    std::fs::write(&file, payload).unwrap();
    // ssh-keygen will not overwrite an earlier signature.
    let _ = std::fs::remove_file(keys.dir.path().join("payload.sig"));
    let out = Command::new("ssh-keygen")
        .args(["-Y", "sign", "-n", namespace, "-f"])
        .arg(keys.key(key))
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read_to_string(keys.dir.path().join("payload.sig")).unwrap()
}

#[test]
fn stackreg_and_git_verify_commit_agree() {
    let keys = Keys::new();
    let f = registry_repo();
    let signers = keys.signers();
    let mut cases: Vec<(&str, String, bool)> = Vec::new();
    for key in ["ed25519", "rsa", "ecdsa"] {
        cases.push((
            key,
            commit(&f, &keys, Some(key), &format!("signed by {key}")),
            true,
        ));
    }
    cases.push(("unsigned", commit(&f, &keys, None, "unsigned"), false));
    cases.push((
        "a stranger's key",
        commit(&f, &keys, Some("stranger"), "stranger"),
        false,
    ));
    cases.push((
        "a key allowed only for files",
        commit(&f, &keys, Some("files-only"), "files only"),
        false,
    ));
    let good = cases[0].1.clone();
    // The signed commit, changed after signing.
    let tampered = rewrite_commit(&f, &good, Some(&git_signature(&f, &good)), &|o| {
        o.replace("signed by ed25519", "signed by ed25519, honest")
    });
    cases.push(("a tampered commit", tampered, false));
    // A signature over the right payload, but made for another namespace.
    let unsigned_payload = rewrite_commit(&f, &good, None, &|o| o.to_owned());
    let payload = git(f.root(), &["cat-file", "commit", &unsigned_payload]) + "\n";
    let file_sig = ssh_sign(&keys, "ed25519", "file", &payload);
    cases.push((
        "a signature for namespace file",
        rewrite_commit(&f, &good, Some(&file_sig), &|o| o.to_owned()),
        false,
    ));
    let git_sig = ssh_sign(&keys, "ed25519", "git", &payload);
    cases.push((
        "a signature made with ssh-keygen -Y sign -n git",
        rewrite_commit(&f, &good, Some(&git_sig), &|o| o.to_owned()),
        true,
    ));
    // An OpenPGP signature block.
    let pgp =
        "-----BEGIN PGP SIGNATURE-----\n\niQEzBAABCAAdFiEE\n=abcd\n-----END PGP SIGNATURE-----\n";
    cases.push((
        "an OpenPGP signature",
        rewrite_commit(&f, &good, Some(pgp), &|o| o.to_owned()),
        false,
    ));
    // A signature that is not one.
    let junk = "-----BEGIN SSH SIGNATURE-----\nbm90IGEgc2lnbmF0dXJl\n-----END SSH SIGNATURE-----\n";
    cases.push((
        "a malformed SSH signature",
        rewrite_commit(&f, &good, Some(junk), &|o| o.to_owned()),
        false,
    ));

    for (what, commit, valid) in &cases {
        let by_git = git_verifies(&f, &signers, commit);
        let by_us = stackreg_verifies(&f, &signers, commit);
        assert_eq!(by_git, *valid, "{what}: git verify-commit says {by_git}");
        assert_eq!(by_us.is_ok(), *valid, "{what}: stackreg says {by_us:?}");
        if let Err(e) = by_us {
            assert!(e.starts_with("error: "), "{what}: {e}");
            assert!(e.contains("hint:"), "{what}: {e}");
            let expected = match *what {
                "unsigned" => "is not signed",
                "a stranger's key" => "which is not an allowed signer",
                "a key allowed only for files" => "allows only the namespaces file",
                "a tampered commit" => "does not verify",
                "a signature for namespace file" => "is signed for `file`, not for git commits",
                "an OpenPGP signature" => "only SSH signatures can be verified",
                _ => "malformed SSH signature",
            };
            assert!(e.contains(expected), "{what}: {e}");
        }
    }
}

/// The signature block of `commit`.
fn git_signature(f: &Fixture, commit: &str) -> String {
    let raw = git(f.root(), &["cat-file", "commit", commit]);
    let mut out = String::new();
    let mut in_sig = false;
    for line in raw.lines() {
        if let Some(first) = line.strip_prefix("gpgsig ") {
            in_sig = true;
            out.push_str(first);
            out.push('\n');
        } else if in_sig && let Some(rest) = line.strip_prefix(' ') {
            out.push_str(rest);
            out.push('\n');
        } else {
            in_sig = false;
        }
    }
    out
}

#[test]
fn validity_dates_are_checked_against_the_commit_time() {
    let keys = Keys::new();
    let f = registry_repo();
    let signed = commit(&f, &keys, Some("ed25519"), "signed");
    // The commit is dated 2026-01-01.
    for (options, valid) in [
        ("valid-after=\"20250101\"", true),
        ("valid-before=\"20250101\"", false),
        ("valid-after=\"20270101\"", false),
        ("valid-after=\"20250101\",valid-before=\"20270101Z\"", true),
        ("cert-authority", false),
    ] {
        let signers = keys.write_signers("dated", &[("alice@example.com", options, "ed25519")]);
        let by_git = git_verifies(&f, &signers, &signed);
        let by_us = stackreg_verifies(&f, &signers, &signed);
        assert_eq!(by_git, valid, "{options}: git verify-commit");
        assert_eq!(by_us.is_ok(), valid, "{options}: {by_us:?}");
    }
}

#[test]
fn a_stack_can_require_signatures_of_a_local_or_remote_registry() {
    let keys = Keys::new();
    let f = registry_repo();
    commit(&f, &keys, Some("ed25519"), "signed");
    let signers = keys.signers();
    let project = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(project.path().join("trust")).unwrap();
    std::fs::copy(&signers, project.path().join("trust/allowed_signers")).unwrap();
    let stack = |registry: &str| {
        std::fs::write(
            project.path().join("stack.toml"),
            format!(
                "[stack]\nname = \"Signed\"\nregistry = \"{registry}\"\nallowed-signers = \"trust/allowed_signers\"\n[needs]\napp = {{ component = \"app\" }}\n"
            ),
        )
        .unwrap();
    };
    let cache = tempfile::tempdir().unwrap();
    let env = [("STACKREG_CACHE", cache.path().to_str().unwrap())];
    let resolve = || {
        stackreg_env(
            project.path(),
            &["resolve", "stack.toml", "--format", "json"],
            &env,
        )
    };

    // A local registry: read at HEAD, which is signed.
    stack(f.registry().to_str().unwrap());
    let run = resolve();
    run.ok();
    assert_eq!(
        run.json()["registry"]["commit"],
        git(f.root(), &["rev-parse", "HEAD"])
    );
    // Uncommitted changes would not be covered by the signature: refused.
    f.component(&component("extra").release("1.0.0"));
    let run = resolve();
    run.code(2);
    assert!(
        run.stderr.contains("changes that are not committed"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("components/extra.toml"),
        "{}",
        run.stderr
    );
    // Committed without a signature: refused.
    commit(&f, &keys, None, "unsigned");
    let run = resolve();
    run.code(2);
    assert!(run.stderr.contains("is not signed"), "{}", run.stderr);

    // A remote registry (a file:// URL): the fetched commit is verified, every run.
    let url = format!("file://{}", f.root().display());
    stack(&url);
    let run = resolve();
    run.code(2);
    assert!(run.stderr.contains("is not signed"), "{}", run.stderr);
    let signed = commit(&f, &keys, Some("rsa"), "signed again");
    let run = stackreg_env(
        project.path(),
        &["resolve", "stack.toml", "--format", "json"],
        &[env[0], ("STACKREG_FETCH_TTL", "0")],
    );
    run.ok();
    assert_eq!(run.json()["registry"]["commit"], signed.as_str());
    // `registry fetch` and `registry log` check the same way under --require-signed.
    for args in [&["registry", "fetch"][..], &["registry", "log"]] {
        let mut all = vec![
            "--registry",
            &url,
            "--require-signed",
            signers.to_str().unwrap(),
        ];
        all.extend_from_slice(args);
        stackreg_env(project.path(), &all, &env).ok();
    }
    let stranger = keys.write_signers("stranger-only", &[("x@example.com", "", "stranger")]);
    let run = stackreg_env(
        project.path(),
        &[
            "--registry",
            &url,
            "--require-signed",
            stranger.to_str().unwrap(),
            "registry",
            "fetch",
        ],
        &env,
    );
    run.code(2);
    assert!(
        run.stderr.contains("not an allowed signer"),
        "{}",
        run.stderr
    );

    // Both the flag and the stack's file apply: each must allow the signer.
    let run = stackreg_env(
        project.path(),
        &[
            "--require-signed",
            stranger.to_str().unwrap(),
            "resolve",
            "stack.toml",
        ],
        &env,
    );
    run.code(2);
}

#[test]
fn what_cannot_be_verified_is_refused() {
    let keys = Keys::new();
    let signers = keys.signers();
    let signers = signers.to_str().unwrap();
    // A registry folder outside any git repository.
    let plain = tempfile::tempdir().unwrap();
    std::fs::write(
        plain.path().join("registry.toml"),
        "[registry]\nname = \"r\"\nformat = 1\n",
    )
    .unwrap();
    let run = stackreg(
        plain.path(),
        &["--registry", ".", "--require-signed", signers, "list"],
    );
    run.code(2);
    assert!(
        run.stderr.contains("is not read from git"),
        "{}",
        run.stderr
    );

    // Allowed-signers files that are missing, empty or malformed.
    let f = registry_repo();
    commit(&f, &keys, Some("ed25519"), "signed");
    let bad = keys.dir.path().join("bad");
    for (text, message) in [
        (None, "could not read the allowed signers file"),
        (Some("# nobody\n"), "lists no keys"),
        (
            Some("alice@example.com ssh-ed25519\n"),
            "bad:1: no key data",
        ),
        (
            Some("alice@example.com restrict ssh-ed25519 AAAA\n"),
            "bad:1: unknown option",
        ),
    ] {
        match text {
            Some(t) => std::fs::write(&bad, t).unwrap(),
            None => {
                let _ = std::fs::remove_file(&bad);
            }
        }
        let run = f.run(&["--require-signed", bad.to_str().unwrap(), "list"]);
        run.code(2);
        assert!(run.stderr.contains(message), "{message}: {}", run.stderr);
    }
    // Without the requirement, the same registry reads as usual.
    f.run(&["list"]).ok();
    // A stack naming its allowed signers relative to itself, which do not exist.
    f.repo_file(
        "stack.toml",
        "[stack]\nname = \"S\"\nallowed-signers = \"nope/allowed\"\n[needs]\napp = { component = \"app\" }\n",
    );
    let run = f.run(&["resolve", "stack.toml"]);
    run.code(2);
    assert!(run.stderr.contains("nope/allowed"), "{}", run.stderr);
}
