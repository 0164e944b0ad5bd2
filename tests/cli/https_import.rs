//! `import publiccode URL`: fetched over https from a server on 127.0.0.1 with a
//! certificate made for the test, under the limits registry files have (1 MiB, a time
//! bound), and refused when the certificate is not trusted.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use openssl::asn1::Asn1Time;
use openssl::bn::BigNum;
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::PKey;
use openssl::x509::extension::SubjectAlternativeName;
use openssl::x509::{X509, X509NameBuilder};

use crate::support::{Fixture, project_root, stackreg_env};

/// A self-signed certificate for 127.0.0.1 and its key, as PEM.
fn certificate() -> (Vec<u8>, Vec<u8>) {
    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
    let key = PKey::from_ec_key(EcKey::generate(&group).unwrap()).unwrap();
    let mut name = X509NameBuilder::new().unwrap();
    name.append_entry_by_text("CN", "127.0.0.1").unwrap();
    let name = name.build();
    let mut b = X509::builder().unwrap();
    b.set_version(2).unwrap();
    let serial = BigNum::from_u32(1).unwrap().to_asn1_integer().unwrap();
    b.set_serial_number(&serial).unwrap();
    b.set_subject_name(&name).unwrap();
    b.set_issuer_name(&name).unwrap();
    b.set_pubkey(&key).unwrap();
    b.set_not_before(&Asn1Time::days_from_now(0).unwrap())
        .unwrap();
    b.set_not_after(&Asn1Time::days_from_now(2).unwrap())
        .unwrap();
    let san = SubjectAlternativeName::new()
        .ip("127.0.0.1")
        .build(&b.x509v3_context(None, None))
        .unwrap();
    b.append_extension(san).unwrap();
    b.sign(&key, MessageDigest::sha256()).unwrap();
    (
        b.build().to_pem().unwrap(),
        key.private_key_to_pem_pkcs8().unwrap(),
    )
}

/// Serves `connections` requests on 127.0.0.1 over TLS, then stops listening:
/// `/publiccode.yml` the Lynis fixture, `/big.yml` 2 MiB, `/slow.yml` nothing for ten
/// seconds, anything else 404.
fn serve(cert: &[u8], key: &[u8], connections: usize) -> u16 {
    let identity = native_tls::Identity::from_pkcs8(cert, key).unwrap();
    let acceptor = native_tls::TlsAcceptor::new(identity).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let body = std::fs::read(project_root().join("tests/fixtures/publiccode/lynis.yml")).unwrap();
    thread::spawn(move || {
        for stream in listener.incoming().take(connections) {
            let Ok(stream) = stream else { continue };
            let acceptor = acceptor.clone();
            let body = body.clone();
            thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                let Ok(mut tls) = acceptor.accept(stream) else {
                    return;
                };
                let mut request = Vec::new();
                let mut buf = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&request).into_owned();
                let path = head.split_whitespace().nth(1).unwrap_or("").to_owned();
                let respond = |tls: &mut native_tls::TlsStream<_>, status: &str, len: usize| {
                    let _ = write!(
                        tls,
                        "HTTP/1.1 {status}\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n"
                    );
                };
                match path.as_str() {
                    "/publiccode.yml" => {
                        respond(&mut tls, "200 OK", body.len());
                        let _ = tls.write_all(&body);
                    }
                    "/big.yml" => {
                        let total = 2 * 1024 * 1024;
                        respond(&mut tls, "200 OK", total);
                        let chunk = vec![b'#'; 64 * 1024];
                        for _ in 0..total / chunk.len() {
                            if tls.write_all(&chunk).is_err() {
                                return;
                            }
                        }
                    }
                    "/slow.yml" => thread::sleep(Duration::from_secs(10)),
                    _ => respond(&mut tls, "404 Not Found", 0),
                }
                let _ = tls.flush();
            });
        }
    });
    port
}

fn trusting(dir: &Path, cert: &[u8]) -> String {
    let file = dir.join("test-ca.pem");
    std::fs::write(&file, cert).unwrap();
    file.display().to_string()
}

#[test]
fn a_url_is_fetched_over_https_within_limits() {
    let (cert, key) = certificate();
    let port = serve(&cert, &key, 5);
    let f = Fixture::new();
    f.commit("empty registry");
    let ca = trusting(f.root(), &cert);
    let env = [
        ("SSL_CERT_FILE", ca.as_str()),
        ("STACKREG_HTTP_TIMEOUT", "3"),
    ];
    let url = |p: &str| format!("https://127.0.0.1:{port}/{p}");

    let run = stackreg_env(
        f.root(),
        &["import", "publiccode", &url("publiccode.yml")],
        &env,
    );
    run.ok();
    assert!(run.stdout.contains("id = \"lynis\"\n"), "{}", run.stdout);
    assert!(
        run.stdout.contains(&format!(
            "# Drafted by `stackreg import publiccode` from {}.",
            url("publiccode.yml")
        )),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr
            .contains(&format!("lynis (from {}):", url("publiccode.yml"))),
        "{}",
        run.stderr
    );

    let run = stackreg_env(f.root(), &["import", "publiccode", &url("big.yml")], &env);
    run.code(2);
    assert_eq!(
        run.stderr,
        format!(
            "error: {} is larger than 1048576 bytes (1 MiB), the limit for a file\n",
            url("big.yml")
        )
    );

    let run = stackreg_env(f.root(), &["import", "publiccode", &url("gone.yml")], &env);
    run.code(2);
    assert_eq!(
        run.stderr,
        format!("error: {} answered 404\n", url("gone.yml"))
    );

    let started = Instant::now();
    let run = stackreg_env(f.root(), &["import", "publiccode", &url("slow.yml")], &env);
    run.code(2);
    assert!(
        started.elapsed() < Duration::from_secs(9),
        "{:?}",
        started.elapsed()
    );
    assert!(
        run.stderr.starts_with(&format!(
            "error: could not fetch {}\n  caused by: ",
            url("slow.yml")
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.to_lowercase().contains("timeout")
            || run.stderr.to_lowercase().contains("timed out"),
        "{}",
        run.stderr
    );

    // A certificate nobody vouched for is refused.
    let empty = f.root().join("no-ca.pem");
    std::fs::write(&empty, "").unwrap();
    let run = stackreg_env(
        f.root(),
        &["import", "publiccode", &url("publiccode.yml")],
        &[
            ("SSL_CERT_FILE", empty.to_str().unwrap()),
            ("SSL_CERT_DIR", "/nonexistent"),
        ],
    );
    run.code(2);
    assert!(
        run.stderr.starts_with(&format!(
            "error: could not fetch {}\n",
            url("publiccode.yml")
        )),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("certificate"), "{}", run.stderr);
}
