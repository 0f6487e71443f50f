//! A password in the URL is sent as HTTP Basic authentication (security
//! profile 1: user = identity) and never printed; a wrong one is an error
//! that says so.

mod common;

use common::{scratch, Charger, Csms};

const PASSWORD: &str = "s3cr3t-Pa55";

fn run(csms: &Csms, password: &str, name: &str) -> String {
    let dir = scratch(name);
    let url = format!("ws://CP-AUTH:{password}@127.0.0.1:{}/ocpp", csms.port);
    let data = dir.join("data");
    let args = [
        "--csms",
        url.as_str(),
        "--id",
        "CP-AUTH",
        "--data-dir",
        data.to_str().unwrap(),
        "--reconnect-min",
        "0.2",
        "--reconnect-max",
        "0.5",
        "--seconds",
        "2",
    ];
    let mut charger = Charger::spawn(&dir.join("charger.log"), &args);
    assert!(charger.wait(10).success());
    let out = charger.output();
    println!("{out}");
    let _ = std::fs::remove_dir_all(&dir);
    out
}

#[test]
fn basic_authentication_sent_and_never_printed() {
    let csms = Csms::start();
    let header = format!(
        "Basic {}",
        data_encoding::BASE64.encode(format!("CP-AUTH:{PASSWORD}").as_bytes())
    );
    csms.require_authorization(&header);
    let out = run(&csms, PASSWORD, "auth-ok");
    assert_eq!(csms.authorizations().first(), Some(&Some(header)));
    assert!(
        csms.calls().iter().any(|c| c.action == "BootNotification"),
        "not accepted"
    );
    assert!(
        out.contains("HTTP Basic authentication as \"CP-AUTH\""),
        "{out}"
    );
    assert!(!out.contains(PASSWORD), "the password was printed:\n{out}");
}

/// The AuthorizationKey (set here with --config, as a central system
/// would with ChangeConfiguration) is the password, the identity the user.
#[test]
fn authorization_key_is_the_password() {
    let csms = Csms::start();
    let key = "0123456789abcdef-KEY";
    let header = format!(
        "Basic {}",
        data_encoding::BASE64.encode(format!("CP-KEY:{key}").as_bytes())
    );
    csms.require_authorization(&header);
    let dir = scratch("auth-key");
    let url = csms.url();
    let data = dir.join("data");
    let config = format!("AuthorizationKey={key}");
    let args = [
        "--csms",
        url.as_str(),
        "--id",
        "CP-KEY",
        "--data-dir",
        data.to_str().unwrap(),
        "--config",
        config.as_str(),
        "--seconds",
        "2",
    ];
    let mut charger = Charger::spawn(&dir.join("charger.log"), &args);
    assert!(charger.wait(10).success());
    let out = charger.output();
    println!("{out}");
    assert_eq!(csms.authorizations().first(), Some(&Some(header)));
    assert!(csms.calls().iter().any(|c| c.action == "BootNotification"));
    assert!(!out.contains(key), "the key was printed:\n{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn wrong_password_said_in_words_and_not_printed() {
    let csms = Csms::start();
    csms.require_authorization("Basic bm90IHRoaXM=");
    let out = run(&csms, PASSWORD, "auth-wrong");
    assert!(
        out.contains("refused the WebSocket: HTTP 401 Unauthorized (check the identity and the password in the URL)"),
        "{out}"
    );
    assert!(csms.authorizations().len() >= 2, "not retried");
    assert!(csms.calls().is_empty());
    assert!(!out.contains(PASSWORD), "the password was printed:\n{out}");
}

/// Refused with the AuthorizationKey as the password, or with no password
/// at all: the words say which to check, and the key is not printed.
#[test]
fn wrong_authorization_key_and_none_said_in_words() {
    let key = "not-the-right-KEY-0042";
    for (given, words) in [
        (
            Some(key),
            "HTTP 401 Unauthorized (check the identity and the AuthorizationKey: it is the password once set)",
        ),
        (
            None,
            "HTTP 401 Unauthorized (it wants a password: in the URL, ws[s]://ID:PASSWORD@HOST/..., \
             or the AuthorizationKey, --config AuthorizationKey=...)",
        ),
    ] {
        let csms = Csms::start();
        csms.require_authorization("Basic bm90IHRoaXM=");
        let dir = scratch(if given.is_some() { "auth-key-wrong" } else { "auth-none" });
        let url = csms.url();
        let data = dir.join("data");
        let mut args = vec![
            "--csms".to_string(),
            url,
            "--id".into(),
            "CP-KEY".into(),
            "--data-dir".into(),
            data.to_str().unwrap().into(),
            "--reconnect-min".into(),
            "0.2".into(),
            "--reconnect-max".into(),
            "0.5".into(),
            "--seconds".into(),
            "1".into(),
        ];
        if let Some(key) = given {
            args.extend(["--config".into(), format!("AuthorizationKey={key}")]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut charger = Charger::spawn(&dir.join("charger.log"), &args);
        assert!(charger.wait(10).success());
        let out = charger.output();
        println!("{out}");
        assert!(out.contains(words), "{out}");
        assert!(csms.calls().is_empty());
        assert!(!out.contains(key), "the key was printed:\n{out}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
