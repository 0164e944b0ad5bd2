//! `scripts/test` on a machine without Chromium: it installs only what is missing, never
//! upgrades an installed package, keeps installer output off the terminal, then runs
//! `cargo test`. apt-get, id and cargo are stand-ins that record how they were called.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use crate::support::project_root;

/// A copy of the script in a project of its own, with stand-ins first on `PATH`.
struct Machine {
    dir: tempfile::TempDir,
}

impl Machine {
    /// `simulated` is what `apt-get install -s` prints.
    fn new(simulated: &str) -> Machine {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("scripts")).unwrap();
        std::fs::copy(
            project_root().join("scripts/test"),
            root.join("scripts/test"),
        )
        .unwrap();
        std::fs::create_dir_all(root.join("tests/browser/node_modules")).unwrap();
        std::fs::write(root.join("tests/browser/package-lock.json"), "{}").unwrap();
        std::fs::write(
            root.join("tests/browser/node_modules/.package-lock.json"),
            "{}",
        )
        .unwrap();
        let bin = root.join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        let calls = root.join("calls");
        let script = |name: &str, body: &str| {
            let path = bin.join(name);
            std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        };
        std::fs::write(root.join("simulated"), simulated).unwrap();
        script(
            "apt-get",
            &format!(
                "echo \"apt-get $*\" >> '{calls}'\n\
                 case \" $* \" in *' -s '*) cat '{sim}';; *) echo 'Setting up chromium (progress)';; esac",
                calls = calls.display(),
                sim = root.join("simulated").display()
            ),
        );
        script("id", "echo 0");
        script("npm", &format!("echo \"npm $*\" >> '{}'", calls.display()));
        script(
            "cargo",
            &format!(
                "echo \"cargo $*\" >> '{}'\necho 'cargo test ran'",
                calls.display()
            ),
        );
        Machine { dir }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn run(&self) -> (i32, String, String) {
        let path = format!("{}:/usr/bin:/bin", self.root().join("bin").display());
        let out = Command::new("bash")
            .arg(self.root().join("scripts/test"))
            .arg("--test")
            .arg("cli")
            .env("PATH", path)
            .env("CHROMIUM", self.root().join("no-chromium"))
            .env_remove("STACKREG_SKIP_BROWSER")
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn calls(&self) -> Vec<String> {
        std::fs::read_to_string(self.root().join("calls"))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

#[test]
fn the_test_script_installs_only_what_is_missing_and_logs_it() {
    let machine = Machine::new("Inst chromium (120.0 Debian:12/stable [amd64])\nConf chromium\n");
    let (code, stdout, stderr) = machine.run();
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "cargo test ran\n");
    assert_eq!(
        stderr,
        "scripts/test: installing chromium (1 new packages, none upgraded; output in target/test-setup.log)\n"
    );
    assert_eq!(
        machine.calls(),
        [
            "apt-get update -q",
            "apt-get install -s --no-install-recommends --no-upgrade chromium",
            "apt-get install -y -q --no-install-recommends --no-upgrade chromium",
            "cargo test --test cli",
        ]
    );
    let log = std::fs::read_to_string(machine.root().join("target/test-setup.log")).unwrap();
    assert!(log.contains("Setting up chromium (progress)"), "{log}");
}

#[test]
fn the_test_script_installs_nothing_that_would_upgrade_a_package() {
    let machine = Machine::new(
        "Inst libc6 [2.36-9] (2.36-9+deb12u4 Debian:12/stable [amd64])\n\
         Inst chromium (120.0 Debian:12/stable [amd64])\n",
    );
    let (code, stdout, stderr) = machine.run();
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        "scripts/test: installing chromium would upgrade 1 installed packages; installed nothing.\n\
         scripts/test: install chromium yourself, or set STACKREG_SKIP_BROWSER=1 (see target/test-setup.log)\n"
    );
    assert_eq!(
        machine.calls(),
        [
            "apt-get update -q",
            "apt-get install -s --no-install-recommends --no-upgrade chromium",
        ]
    );
}
