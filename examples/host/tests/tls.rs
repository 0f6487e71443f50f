//! wss:// with rustls: the server's certificate checked against `--ca`
//! (a certificate made here with rcgen), HTTP Basic authentication over
//! TLS (security profile 2), a client certificate signed by the central
//! system's CA (security profile 3: `--cert`, `--key`); an untrusted
//! certificate, a missing client certificate and a server that does not
//! accept `ocpp1.6` are errors that say so.

mod common;

use std::sync::Arc;

use common::{scratch, Charger, Csms};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

const PASSWORD: &str = "tls-Pa55word";

/// A self-signed certificate for `localhost`: the server's configuration
/// and the certificate's PEM text (to give as `--ca`).
fn certificate() -> (rustls::ServerConfig, String) {
    let rcgen::CertifiedKey { cert, key_pair } =
        rcgen::generate_simple_self_signed(vec!["localhost".into()]).expect("a certificate");
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key_pair.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert.der().clone()], key)
        .expect("a server configuration");
    (config, cert.pem())
}

/// A CA, a server certificate for `localhost` and a client certificate
/// for `CP-TLS3`, both signed by it; a server configuration that wants a
/// client certificate of that CA; and the PEM texts: (CA, client
/// certificate, client key).
fn profile3() -> (rustls::ServerConfig, [String; 3]) {
    use rcgen::{BasicConstraints, CertificateParams, ExtendedKeyUsagePurpose, IsCa, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca.self_signed(&ca_key).unwrap();
    let server_key = KeyPair::generate().unwrap();
    let server = CertificateParams::new(vec!["localhost".into()]).unwrap();
    let server = server.signed_by(&server_key, &ca, &ca_key).unwrap();
    let client_key = KeyPair::generate().unwrap();
    let mut client = CertificateParams::new(vec!["CP-TLS3".into()]).unwrap();
    client.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let client = client.signed_by(&client_key, &ca, &ca_key).unwrap();

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca.der().clone()).unwrap();
    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
        Arc::new(roots),
        provider.clone(),
    )
    .build()
    .unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(vec![server.der().clone()], key)
        .expect("a server configuration");
    (config, [ca.pem(), client.pem(), client_key.serialize_pem()])
}

/// Runs the charger for 2 s against `url`, with `--ca` the PEM text `ca`.
fn run(name: &str, url: &str, ca: Option<&str>) -> String {
    run_with(name, url, ca, None)
}

/// The same, with `--cert` and `--key` the PEM texts of `client`.
fn run_with(name: &str, url: &str, ca: Option<&str>, client: Option<[&str; 2]>) -> String {
    let dir = scratch(name);
    let data = dir.join("data");
    let mut args = vec![
        "--csms".to_string(),
        url.to_string(),
        "--id".into(),
        "CP-TLS".into(),
        "--data-dir".into(),
        data.to_str().unwrap().into(),
        "--reconnect-min".into(),
        "0.2".into(),
        "--reconnect-max".into(),
        "0.5".into(),
        "--seconds".into(),
        "2".into(),
    ];
    if let Some(pem) = ca {
        let path = dir.join("ca.pem");
        std::fs::write(&path, pem).unwrap();
        args.extend(["--ca".into(), path.to_str().unwrap().into()]);
    }
    if let Some([cert, key]) = client {
        let (c, k) = (dir.join("cp.pem"), dir.join("cp.key"));
        std::fs::write(&c, cert).unwrap();
        std::fs::write(&k, key).unwrap();
        args.extend(["--cert".into(), c.to_str().unwrap().into()]);
        args.extend(["--key".into(), k.to_str().unwrap().into()]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut charger = Charger::spawn(&dir.join("charger.log"), &args);
    let status = charger.wait(10);
    let out = charger.output();
    println!("{out}");
    assert!(status.success(), "{status}");
    let _ = std::fs::remove_dir_all(&dir);
    out
}

#[test]
fn wss_with_ca_and_basic_authentication() {
    let (config, pem) = certificate();
    let csms = Csms::start_tls(config);
    let header = format!(
        "Basic {}",
        data_encoding::BASE64.encode(format!("CP-TLS:{PASSWORD}").as_bytes())
    );
    csms.require_authorization(&header);
    let url = format!("wss://CP-TLS:{PASSWORD}@localhost:{}/ocpp", csms.port);
    let out = run("tls-ok", &url, Some(&pem));
    assert!(
        csms.calls().iter().any(|c| c.action == "BootNotification"),
        "no BootNotification over TLS"
    );
    assert_eq!(csms.authorizations().first(), Some(&Some(header)));
    assert!(
        out.contains("TLS: the server's certificate checked against the CA certificates of"),
        "{out}"
    );
    assert!(out.contains("registration: accepted"), "{out}");
    assert!(!out.contains(PASSWORD), "the password was printed:\n{out}");
}

#[test]
fn wss_with_a_client_certificate_profile_3() {
    let (config, [ca, cert, key]) = profile3();
    let csms = Csms::start_tls(config);
    let url = format!("wss://localhost:{}/ocpp", csms.port);
    let out = run_with("tls-profile3", &url, Some(&ca), Some([&cert, &key]));
    assert!(
        csms.calls().iter().any(|c| c.action == "BootNotification"),
        "no BootNotification with a client certificate:\n{out}"
    );
    assert!(
        out.contains("shown when asked (security profile 3)"),
        "{out}"
    );
    assert!(out.contains("registration: accepted"), "{out}");
}

#[test]
fn wss_client_certificate_missing_said_in_words() {
    let (config, [ca, _, _]) = profile3();
    let csms = Csms::start_tls(config);
    let url = format!("wss://localhost:{}/ocpp", csms.port);
    let out = run("tls-no-client-cert", &url, Some(&ca));
    assert!(
        out.contains("wants a client certificate it trusts (security profile 3: give ours with --cert FILE --key FILE)"),
        "{out}"
    );
    assert!(csms.calls().is_empty());
}

#[test]
fn wss_untrusted_certificate_said_in_words() {
    let (config, _) = certificate();
    let (_, other_pem) = certificate();
    let csms = Csms::start_tls(config);
    let url = format!("wss://localhost:{}/ocpp", csms.port);
    let out = run("tls-untrusted", &url, Some(&other_pem));
    assert!(
        out.contains("its certificate is not signed by a CA we trust (give its CA with --ca FILE)"),
        "{out}"
    );
    assert!(csms.calls().is_empty());
}

#[test]
fn subprotocol_refused_said_in_words() {
    let csms = Csms::start();
    csms.refuse_subprotocol();
    let out = run("no-subprotocol", &csms.url(), None);
    assert!(
        out.contains("did not accept the subprotocol ocpp1.6: is it an OCPP 1.6J central system?"),
        "{out}"
    );
    assert!(csms.calls().is_empty());
}

/// The swarm's chargers (tokio-tungstenite) take the same TLS and Basic
/// authentication as the single one: 20 chargers at once over wss://
/// with `--ca`, each with the AuthorizationKey as its password and its
/// identity as the user (security profile 2), each registered and
/// through its session, served concurrently by the central system.
#[test]
fn swarm_over_wss_with_ca_and_basic_authentication() {
    const COUNT: usize = 20;
    let (config, pem) = certificate();
    let csms = Csms::start_tls(config);
    csms.require_password(PASSWORD);
    let dir = scratch("tls-swarm");
    let ca = dir.join("ca.pem");
    std::fs::write(&ca, pem).unwrap();
    let url = format!("wss://localhost:{}/ocpp", csms.port);
    let key = format!("AuthorizationKey={PASSWORD}");
    let count = COUNT.to_string();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ocpp-host"))
        .args(["--csms", &url, "--id", "SW-{n}", "--count", &count])
        .args(["--charge", "1", "--jitter", "0.5", "--ramp", "0.5"])
        .args(["--config", &key, "--config", "MeterValueSampleInterval=1"])
        .args(["--seconds", "30", "--ca", ca.to_str().unwrap()])
        .output()
        .expect("run ocpp-host");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    println!("{text}");
    assert!(out.status.success(), "{text}");
    let report = format!(
        "swarm report: {COUNT} chargers, {COUNT} registered at the end, {COUNT} sessions \
         completed, {COUNT} through their plan, 0 failed"
    );
    assert!(text.contains(&report), "{text}");
    assert!(!text.contains(PASSWORD), "the password was printed: {text}");

    // At the central system: every identity authenticated as itself,
    // registered, and through one transaction (started, sampled, stopped
    // with the id it was given); all connected at once.
    let calls = csms.calls();
    for n in 1..=COUNT {
        let id = format!("SW-{n:02}");
        let mine: Vec<_> = calls.iter().filter(|c| c.id == id).collect();
        let actions: Vec<&str> = mine.iter().map(|c| c.action.as_str()).collect();
        for want in [
            "BootNotification",
            "StartTransaction",
            "MeterValues",
            "StopTransaction",
        ] {
            assert!(actions.contains(&want), "{id}: no {want}: {actions:?}");
        }
        let starts: Vec<_> = mine
            .iter()
            .filter(|c| c.action == "StartTransaction")
            .collect();
        assert!(
            starts.iter().all(|c| c.payload == starts[0].payload),
            "{id}: two transactions"
        );
        let stop = mine.iter().find(|c| c.action == "StopTransaction").unwrap();
        let given = csms.transactions_of(&id);
        assert_eq!(given.len(), 1, "{id}: transactionIds {given:?}");
        assert_eq!(stop.payload["transactionId"], given[0], "{id}");
    }
    let ids: std::collections::BTreeSet<&str> = calls.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids.len(), COUNT, "{ids:?}");
    let expected: std::collections::BTreeSet<String> = (1..=COUNT)
        .map(|n| {
            let basic = format!("SW-{n:02}:{PASSWORD}");
            format!("Basic {}", data_encoding::BASE64.encode(basic.as_bytes()))
        })
        .collect();
    let sent: std::collections::BTreeSet<String> =
        csms.authorizations().into_iter().flatten().collect();
    assert_eq!(sent, expected, "each charger authenticated as itself");
    assert!(
        csms.most_open() >= COUNT,
        "{} connections open at most, not all {COUNT} at once",
        csms.most_open()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
