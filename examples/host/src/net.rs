//! The central system's endpoint, the connection to it (errors in words),
//! and the backoff between attempts.

use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{CertificateError, ClientConfig, RootCertStore};
use tungstenite::client::IntoClientRequest;
use tungstenite::error::{ProtocolError, SubProtocolError};
use tungstenite::handshake::HandshakeError;
use tungstenite::http::StatusCode;
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Connector, Error as WsError, WebSocket};

use crate::log;

pub type Ws = WebSocket<MaybeTlsStream<TcpStream>>;

/// Longest wait for the TCP connection, then for the WebSocket handshake.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The TCP stream under a WebSocket, plain or TLS.
pub fn tcp(ws: &Ws) -> Option<&TcpStream> {
    match ws.get_ref() {
        MaybeTlsStream::Plain(s) => Some(s),
        MaybeTlsStream::Rustls(s) => Some(s.get_ref()),
        _ => None,
    }
}

/// The files of TLS: the CA to check the server against (else the
/// system's roots), and the charge point's own certificate and key
/// (security profile 3), all PEM.
#[derive(Clone, Copy, Debug, Default)]
pub struct TlsFiles<'a> {
    pub ca: Option<&'a Path>,
    pub cert: Option<&'a Path>,
    pub key: Option<&'a Path>,
}

/// Where the charge point connects: `<url>/<id>`, with the password of a
/// `ws://user:password@host/...` URL taken out of it.
#[derive(Clone, Debug)]
pub struct Endpoint {
    /// `ws[s]://host:port/path/<id>`, without user or password.
    pub url: String,
    /// For `wss://`: the TLS configuration (trusted roots).
    tls: Option<Arc<ClientConfig>>,
    /// What the server's certificate is checked against, in words.
    pub trust: String,
    host: String,
    port: u16,
    /// User and password for HTTP Basic authentication (security profile 1).
    credentials: Option<(String, String)>,
    /// The identity: the user when the password is the AuthorizationKey.
    id: String,
}

impl Endpoint {
    /// Parses `csms` (`ws://[user:password@]host[:port][/path]`) and appends
    /// `id` as a path segment. The password is registered with
    /// [`log::hide`] before anything can print it.
    pub fn parse(csms: &str, id: &str, files: &TlsFiles<'_>) -> Result<Self, String> {
        if id.is_empty() || id.contains(['/', '?', '#', ' ', '%']) {
            return Err(format!("charge point id {id:?} cannot be a path segment"));
        }
        let (scheme, rest) = csms
            .split_once("://")
            .ok_or_else(|| "the URL has no scheme: write ws://HOST:PORT/PATH".to_string())?;
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
        let credentials = userinfo.map(|u| {
            let (user, pass) = u.split_once(':').unwrap_or((u, ""));
            log::hide(pass);
            let pass = percent_decode(pass);
            log::hide(&pass);
            (percent_decode(user), pass)
        });
        let (tls, trust, default_port) = match scheme {
            "ws" if files.ca.is_some() => return Err("--ca is for wss:// URLs".into()),
            "ws" if files.cert.is_some() => {
                return Err("--cert and --key are for wss:// URLs (security profile 3)".into())
            }
            "ws" => (None, String::new(), 80),
            "wss" => {
                let (config, trust) = tls_config(files)?;
                (Some(config), trust, 443)
            }
            other => {
                return Err(format!(
                    "unknown scheme {other}://: write ws://HOST:PORT/PATH or wss://HOST:PORT/PATH"
                ))
            }
        };
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) if !hostport.ends_with(']') => {
                let port = p
                    .parse()
                    .map_err(|_| format!("the port {p:?} in the URL is not a number"))?;
                (h.to_string(), port)
            }
            _ => (hostport.to_string(), default_port),
        };
        if host.is_empty() {
            return Err("the URL has no host: write ws://HOST:PORT/PATH".into());
        }
        let url = format!("{scheme}://{hostport}{}/{id}", path.trim_end_matches('/'));
        Ok(Self {
            url,
            tls,
            trust,
            host: host.trim_start_matches('[').trim_end_matches(']').into(),
            port,
            credentials,
            id: id.to_string(),
        })
    }

    /// The user of the URL, if it has one.
    pub fn user(&self) -> Option<&str> {
        self.credentials.as_ref().map(|(u, _)| u.as_str())
    }

    /// The same endpoint for another identity (the swarm: one TLS
    /// configuration shared by every charger).
    pub fn with_id(&self, id: &str) -> Self {
        let base = self
            .url
            .rsplit_once('/')
            .map_or(self.url.as_str(), |(b, _)| b);
        Self {
            url: format!("{base}/{id}"),
            id: id.to_string(),
            ..self.clone()
        }
    }

    /// The TLS configuration of a `wss://` endpoint (`None` for `ws://`).
    pub fn tls(&self) -> Option<Arc<ClientConfig>> {
        self.tls.clone()
    }

    /// The handshake's request: the URL, the subprotocol `ocpp1.6`, and
    /// the Basic authentication header when the URL has a user or
    /// `authorization_key` is given (see [`Endpoint::connect`]).
    pub fn request(
        &self,
        authorization_key: Option<&str>,
    ) -> Result<tungstenite::handshake::client::Request, String> {
        let mut request = self
            .url
            .as_str()
            .into_client_request()
            .map_err(|e| format!("the URL {} is not valid: {e}", self.url))?;
        let headers = request.headers_mut();
        headers.insert(
            "Sec-WebSocket-Protocol",
            "ocpp1.6".parse().expect("a header"),
        );
        let credentials = match (&self.credentials, authorization_key) {
            (Some((user, _)), Some(key)) => Some((user.as_str(), key)),
            (None, Some(key)) => Some((self.id.as_str(), key)),
            (Some((user, pass)), None) => Some((user.as_str(), pass.as_str())),
            (None, None) => None,
        };
        if let Some((user, pass)) = credentials {
            let token = data_encoding::BASE64.encode(format!("{user}:{pass}").as_bytes());
            let value = format!("Basic {token}")
                .parse()
                .map_err(|_| "the user or password cannot go in an HTTP header".to_string())?;
            headers.insert("Authorization", value);
        }
        Ok(request)
    }

    /// Opens the WebSocket: TCP, then the handshake offering `ocpp1.6`
    /// (tungstenite fails it when the server does not pick it), with the
    /// Basic authentication header when the URL has a user or
    /// `authorization_key` (the AuthorizationKey the central system set,
    /// which then replaces the URL's password; the user is the URL's, or
    /// the identity). The error says what failed, in words.
    pub fn connect(&self, authorization_key: Option<&str>) -> Result<Ws, String> {
        let addrs: Vec<SocketAddr> = (self.host.as_str(), self.port)
            .to_socket_addrs()
            .map_err(|e| format!("cannot resolve {}: {e}", self.host))?
            .collect();
        let mut last = format!("{} resolves to no address", self.host);
        let mut found = None;
        for addr in addrs {
            match TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT) {
                Ok(s) => {
                    found = Some((s, addr));
                    break;
                }
                Err(e) => last = tcp_words(addr, &e),
            }
        }
        let (stream, addr) = found.ok_or(last)?;
        let setup = |s: &TcpStream| {
            s.set_nodelay(true)?;
            s.set_read_timeout(Some(CONNECT_TIMEOUT))?;
            s.set_write_timeout(Some(CONNECT_TIMEOUT))
        };
        setup(&stream).map_err(|e| format!("cannot set up the socket to {addr}: {e}"))?;

        let request = self.request(authorization_key)?;
        let connector = match &self.tls {
            Some(config) => Connector::Rustls(config.clone()),
            None => Connector::Plain,
        };
        match tungstenite::client_tls_with_config(request, stream, None, Some(connector)) {
            Ok((ws, _response)) => Ok(ws),
            Err(HandshakeError::Interrupted(_)) => Err(format!(
                "no WebSocket handshake answer from {addr} within {} s",
                CONNECT_TIMEOUT.as_secs()
            )),
            Err(HandshakeError::Failure(e)) => {
                let password = match (authorization_key, &self.credentials) {
                    (Some(_), _) => Password::AuthorizationKey,
                    (None, Some(_)) => Password::Url,
                    (None, None) => Password::None,
                };
                Err(handshake_words(addr, &e, password))
            }
        }
    }
}

/// The TLS configuration for `wss://`: the server's certificate checked
/// against the CA certificates of `ca` (a PEM file), or else the system's
/// trusted roots; with `cert` and `key`, the charge point shows its own
/// certificate when the server asks (security profile 3).
fn tls_config(files: &TlsFiles<'_>) -> Result<(Arc<ClientConfig>, String), String> {
    let mut roots = RootCertStore::empty();
    let mut trust = match files.ca {
        Some(path) => {
            let certs = CertificateDer::pem_file_iter(path)
                .and_then(|it| it.collect::<Result<Vec<_>, _>>())
                .map_err(|e| format!("cannot read the CA file {}: {e}", path.display()))?;
            let (added, _) = roots.add_parsable_certificates(certs);
            if added == 0 {
                return Err(format!("{} holds no usable CA certificate", path.display()));
            }
            format!("the CA certificates of {} ({added})", path.display())
        }
        None => {
            let found = rustls_native_certs::load_native_certs();
            let (added, _) = roots.add_parsable_certificates(found.certs);
            if added == 0 {
                return Err("no trusted root certificates found on this system \
                            (install ca-certificates, or give the central system's CA with --ca FILE)"
                    .into());
            }
            format!("the system's {added} trusted roots")
        }
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS set-up: {e}"))?
        .with_root_certificates(roots);
    let config = match (files.cert, files.key) {
        (Some(cert), Some(key)) => {
            let chain = CertificateDer::pem_file_iter(cert)
                .and_then(|it| it.collect::<Result<Vec<_>, _>>())
                .map_err(|e| format!("cannot read the certificate file {}: {e}", cert.display()))?;
            if chain.is_empty() {
                return Err(format!("{} holds no certificate", cert.display()));
            }
            let der = PrivateKeyDer::from_pem_file(key)
                .map_err(|e| format!("cannot read the private key file {}: {e}", key.display()))?;
            trust += &format!(
                "; our certificate {} ({} in the chain) shown when asked (security profile 3)",
                cert.display(),
                chain.len()
            );
            builder.with_client_auth_cert(chain, der).map_err(|e| {
                format!(
                    "the key {} does not go with the certificate {}: {e}",
                    key.display(),
                    cert.display()
                )
            })?
        }
        (None, None) => builder.with_no_client_auth(),
        _ => return Err("give both --cert and --key (security profile 3)".into()),
    };
    Ok((Arc::new(config), trust))
}

/// A TLS failure in words.
fn tls_words(addr: SocketAddr, e: &rustls::Error) -> String {
    let what = match e {
        rustls::Error::InvalidCertificate(c) => match c {
            // BadSignature: a CA of the same name as one we trust, but not it.
            CertificateError::UnknownIssuer | CertificateError::BadSignature => {
                "its certificate is not signed by a CA we trust (give its CA with --ca FILE)".into()
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                "its certificate is not for the host name of the URL".into()
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                "its certificate has expired".into()
            }
            other => format!("its certificate is not acceptable: {other:?}"),
        },
        rustls::Error::AlertReceived(
            alert @ (rustls::AlertDescription::CertificateRequired
            | rustls::AlertDescription::HandshakeFailure
            | rustls::AlertDescription::BadCertificate
            | rustls::AlertDescription::UnknownCA),
        ) => format!(
            "it refused the TLS connection ({alert:?}): it wants a client certificate it \
             trusts (security profile 3: give ours with --cert FILE --key FILE)"
        ),
        rustls::Error::AlertReceived(alert) => {
            format!("it refused the TLS connection ({alert:?})")
        }
        other => format!("TLS failed: {other}"),
    };
    format!("TLS with {addr}: {what}")
}

fn tcp_words(addr: SocketAddr, e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::ConnectionRefused => format!(
            "connection refused by {addr} (is the central system running, and on this port?)"
        ),
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => format!(
            "no answer from {addr} within {} s (a firewall, or a wrong address?)",
            CONNECT_TIMEOUT.as_secs()
        ),
        _ => format!("cannot connect to {addr}: {e}"),
    }
}

/// Where the password of a handshake came from, for the words of a refusal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Password {
    None,
    Url,
    AuthorizationKey,
}

fn handshake_words(addr: SocketAddr, e: &WsError, password: Password) -> String {
    match e {
        WsError::Http(response) => {
            let status = response.status();
            let hint = match (status, password) {
                (StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN, Password::Url) => {
                    " (check the identity and the password in the URL)"
                }
                (StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN, Password::AuthorizationKey) => {
                    " (check the identity and the AuthorizationKey: it is the password once set)"
                }
                (StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN, Password::None) => {
                    " (it wants a password: in the URL, ws[s]://ID:PASSWORD@HOST/..., \
                     or the AuthorizationKey, --config AuthorizationKey=...)"
                }
                (StatusCode::NOT_FOUND, _) => " (check the path of the URL)",
                _ => "",
            };
            format!("{addr} refused the WebSocket: HTTP {status}{hint}")
        }
        WsError::Protocol(ProtocolError::SecWebSocketSubProtocolError(e)) => {
            let what = match e {
                SubProtocolError::NoSubProtocol => "did not accept the subprotocol ocpp1.6",
                _ => "answered with another subprotocol than ocpp1.6",
            };
            format!("{addr} {what}: is it an OCPP 1.6J central system?")
        }
        WsError::Tls(tungstenite::error::TlsError::Rustls(e)) => tls_words(addr, e),
        WsError::Io(io) if rustls_error(io).is_some() => {
            tls_words(addr, rustls_error(io).expect("checked"))
        }
        WsError::Io(_)
        | WsError::ConnectionClosed
        | WsError::AlreadyClosed
        | WsError::Protocol(
            ProtocolError::HandshakeIncomplete | ProtocolError::ResetWithoutClosingHandshake,
        ) => format!("{addr} closed the connection during the WebSocket handshake"),
        other => format!("the WebSocket handshake with {addr} failed: {other}"),
    }
}

/// The TLS error inside an I/O error (rustls's stream reports them so).
fn rustls_error(e: &std::io::Error) -> Option<&rustls::Error> {
    e.get_ref()?.downcast_ref::<rustls::Error>()
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| char::from(c).to_digit(16);
        match (
            b[i],
            b.get(i + 1).copied().and_then(hex),
            b.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Exponential backoff with jitter: the n-th wait is drawn in
/// `[d/2, d]` with `d = min(first × 2ⁿ, most)`, so chargers that lost the
/// same central system do not come back in step.
#[derive(Debug)]
pub struct Backoff {
    first: Duration,
    most: Duration,
    attempt: u32,
    rng: u64,
}

impl Backoff {
    pub fn new(first: Duration, most: Duration) -> Self {
        let seed = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos() as u64
            ^ u64::from(std::process::id()).rotate_left(32);
        Self {
            first,
            most: most.max(first),
            attempt: 0,
            rng: seed | 1,
        }
    }

    /// The wait before the next attempt.
    pub fn next_delay(&mut self) -> Duration {
        let d = self
            .first
            .saturating_mul(1 << self.attempt.min(20))
            .min(self.most);
        self.attempt = self.attempt.saturating_add(1);
        // xorshift64*: jitter needs no more.
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        let r = self.rng.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11; // 53 bits
        let frac = r as f64 / (1u64 << 53) as f64;
        d.mul_f64(0.5 + 0.5 * frac)
    }

    /// Connected and registered: the next loss starts from the first wait.
    pub fn reset(&mut self) {
        self.attempt = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints() {
        let none = TlsFiles::default();
        let e = Endpoint::parse("ws://h:9000/ocpp/", "CP-1", &none).unwrap();
        assert_eq!(
            (e.url.as_str(), e.host.as_str(), e.port),
            ("ws://h:9000/ocpp/CP-1", "h", 9000)
        );
        assert_eq!(e.user(), None);
        let e = Endpoint::parse("ws://CP-1:p%40ss-w0rd@[::1]:9/x", "CP-1", &none).unwrap();
        assert_eq!(
            (e.url.as_str(), e.host.as_str(), e.port),
            ("ws://[::1]:9/x/CP-1", "::1", 9)
        );
        assert_eq!(e.credentials, Some(("CP-1".into(), "p@ss-w0rd".into())));
        assert_eq!(
            crate::log::redact("p%40ss-w0rd and p@ss-w0rd"),
            "*** and ***"
        );
        let e = Endpoint::parse("ws://h", "C", &none).unwrap();
        assert_eq!((e.url.as_str(), e.port), ("ws://h/C", 80));
        for bad in ["h:9000", "http://h", "ws://:9/x", "ws://h:x/y"] {
            assert!(Endpoint::parse(bad, "C", &none).is_err(), "{bad}");
        }
        assert!(Endpoint::parse("ws://h", "a/b", &none).is_err());
        let e = Endpoint::parse("wss://[::1]/x", "C", &none).unwrap();
        assert_eq!(
            (e.url.as_str(), e.host.as_str(), e.port),
            ("wss://[::1]/x/C", "::1", 443)
        );
        let missing = Path::new("/nonexistent/ca.pem");
        let ca = TlsFiles {
            ca: Some(missing),
            ..none
        };
        assert!(Endpoint::parse("wss://h", "C", &ca).is_err());
        assert!(Endpoint::parse("ws://h", "C", &ca).is_err());
        let half = TlsFiles {
            cert: Some(missing),
            ..none
        };
        let e = Endpoint::parse("wss://h", "C", &half).unwrap_err();
        assert_eq!(e, "give both --cert and --key (security profile 3)");
        assert!(Endpoint::parse("ws://h", "C", &half).is_err());
    }

    #[test]
    fn backoff_grows_within_bounds() {
        let (first, most) = (Duration::from_millis(100), Duration::from_secs(2));
        let mut b = Backoff::new(first, most);
        let waits: Vec<Duration> = (0..12).map(|_| b.next_delay()).collect();
        for (n, w) in waits.iter().enumerate() {
            let d = first.saturating_mul(1 << n).min(most);
            assert!(
                *w >= d / 2 && *w <= d,
                "wait {n}: {w:?} outside [{:?}, {d:?}]",
                d / 2
            );
        }
        assert!(waits[11] >= most / 2);
        b.reset();
        assert!(b.next_delay() <= first);
    }
}
