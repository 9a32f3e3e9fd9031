//! `settle serve` and `settle user` through the real binary: the users' commands on a fresh
//! ledger, local mode's refusal of a network address, and the server answering on loopback.
//! (The pages themselves are tested in crates/settle-web: tests/http.rs and tests/browser.rs.)

use std::io::{Read, Write};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn settle(db: &str, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_settle"))
        .args(args)
        .args(["--db", db])
        .env("SETTLE_USER", "admin")
        .env("SETTLE_NOW", "2024-03-12T09:00:00Z")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run settle");
    if let Some(mut i) = child.stdin.take() {
        i.write_all(stdin.as_bytes()).expect("stdin");
    }
    child.wait_with_output().expect("settle ends")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn users_are_added_listed_and_disabled() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let db = dir.path().join("ledger.db");
    let db = db.to_str().expect("path");
    let password = "a long enough secret";
    let out = settle(
        db,
        &["user", "add", "rep.ana", "--role", "rep"],
        &format!("{password}\n"),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "rep.ana (rep): added\n");
    let out = settle(db, &["user", "add", "boss", "--role", "manager"], "short\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("shorter than 8"),
        "{}",
        text(&out.stderr)
    );
    let out = settle(
        db,
        &["user", "add", "rep.ana", "--role", "analyst"],
        &format!("{password}\n"),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("already exists"),
        "{}",
        text(&out.stderr)
    );
    let out = settle(
        db,
        &["user", "add", "a b", "--role", "rep"],
        &format!("{password}\n"),
    );
    assert_eq!(out.status.code(), Some(2));
    let out = settle(db, &["user", "disable", "rep.ana"], "");
    assert_eq!(text(&out.stdout), "rep.ana: disabled\n");
    let out = settle(db, &["user", "disable", "nobody"], "");
    assert_eq!(out.status.code(), Some(2));
    let out = settle(db, &["user", "list"], "");
    assert_eq!(
        text(&out.stdout),
        format!("{:<24} {:<8} disabled\n", "rep.ana", "rep")
    );
    let out = settle(db, &["user", "enable", "rep.ana"], "");
    assert_eq!(text(&out.stdout), "rep.ana: enabled\n");
    // The ledger keeps a hash, never the password.
    let mut bytes = Vec::new();
    for f in ["ledger.db", "ledger.db-wal"] {
        if let Ok(mut file) = std::fs::File::open(dir.path().join(f)) {
            file.read_to_end(&mut bytes).expect("read the ledger");
        }
    }
    let raw = String::from_utf8_lossy(&bytes);
    assert!(raw.contains("$argon2id$"), "no password hash in the ledger");
    assert!(!raw.contains(password), "the password is in the ledger");
}

#[test]
fn local_mode_refuses_a_network_address() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let db = dir.path().join("ledger.db");
    let out = settle(
        db.to_str().expect("path"),
        &["serve", "--listen", "0.0.0.0:0"],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("not a loopback address")
            && text(&out.stderr).contains("--team"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn the_server_answers_on_loopback() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let db = dir.path().join("ledger.db");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_settle"))
        .args(["serve", "--db", db.to_str().expect("path"), "--listen"])
        .arg(format!("127.0.0.1:{port}"))
        .env("SETTLE_NOW", "2024-03-12T09:00:00Z")
        .env_remove("LC_ALL")
        .env_remove("LANG")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start settle serve");
    let start = Instant::now();
    let page = loop {
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            s.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .expect("send");
            let mut page = String::new();
            s.read_to_string(&mut page).expect("read");
            break page;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the server did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let _ = server.kill();
    let _ = server.wait();
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(
        page.contains("Open claims") && page.contains("name=\"csrf\""),
        "{page}"
    );
}
