//! What the CLI tests share: the binary, the mock's credentials, a `topsdk mock` process.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_topsdk");
pub const KEY: &str = "cli-key";
pub const SECRET: &str = "cli-secret";

/// A `topsdk mock` process, killed on drop.
pub struct MockProcess {
    child: Child,
    pub url: String,
    pub tmc: String,
}

impl MockProcess {
    pub fn start(extra: &[&str]) -> MockProcess {
        let mut child = Command::new(BIN)
            .args([
                "mock",
                "--listen",
                "127.0.0.1:0",
                "--tmc-listen",
                "127.0.0.1:0",
                "--app-key",
                KEY,
                "--app-secret",
                SECRET,
            ])
            .args(extra)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        // One line per endpoint: `gateway: URL`, then `tmc: URL`.
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        let url = line.trim().strip_prefix("gateway: ").unwrap().to_string();
        assert!(url.starts_with("http://127.0.0.1:"), "{line}");
        line.clear();
        out.read_line(&mut line).unwrap();
        let tmc = line.trim().strip_prefix("tmc: ").unwrap().to_string();
        assert!(tmc.starts_with("ws://127.0.0.1:"), "{line}");
        MockProcess { child, url, tmc }
    }
}

impl Drop for MockProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A `topsdk explore` process and raw requests to it.
pub mod explore;

/// Headless Chromium over WebDriver.
pub mod webdriver;
