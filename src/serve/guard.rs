//! What every request passes first: the `Host` check (no DNS rebinding), the method check
//! (read-only), and the security headers every answer carries.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::Shared;

/// What the page may load: its own scripts and styles only (no inline script, no CDN), its
/// own API; images from itself or data URLs; nothing may frame it.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The host names a request may address: the loopback names when serving loopback, the
/// address served, and the names the user allowed; with the port served (or none).
#[derive(Debug, Clone)]
pub struct Hosts {
    names: Vec<String>,
    port: u16,
}

impl Hosts {
    pub fn new(addr: SocketAddr, allowed: &[String]) -> Hosts {
        let mut names: Vec<String> = allowed.iter().map(|h| h.to_ascii_lowercase()).collect();
        let ip = addr.ip();
        if ip.is_loopback() || ip.is_unspecified() {
            names.extend(["localhost", "127.0.0.1", "[::1]"].map(String::from));
        }
        if !ip.is_unspecified() {
            names.push(match ip {
                IpAddr::V6(v6) => format!("[{v6}]"),
                IpAddr::V4(v4) => v4.to_string(),
            });
        }
        Hosts {
            names,
            port: addr.port(),
        }
    }

    /// Whether `host` (a `Host` header's value: a name, an IPv4 address or a bracketed IPv6
    /// address, with an optional port) names this server.
    pub fn allows(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        let (name, port) = match host.rsplit_once(':') {
            Some((name, port)) if !port.contains(']') => (name, Some(port)),
            _ => (host.as_str(), None),
        };
        let port_ok = port.is_none_or(|p| p.parse::<u16>().is_ok_and(|p| p == self.port));
        port_ok && self.names.iter().any(|n| n == name)
    }
}

/// Refuses requests for another host (421) and any method but `GET`/`HEAD` (405); adds the
/// security headers to every answer.
pub async fn guard(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok());
    // An absolute request target (`GET http://name/ HTTP/1.1`) names the host too.
    let authority = request.uri().authority().map(|a| a.as_str());
    let hosts_ok = match (host, authority) {
        (None, None) => false,
        (h, a) => {
            h.is_none_or(|h| shared.hosts.allows(h)) && a.is_none_or(|a| shared.hosts.allows(a))
        }
    };
    let mut response = if !hosts_ok {
        (
            StatusCode::MISDIRECTED_REQUEST,
            "this server answers only requests addressed to it (see --allow-host)\n",
        )
            .into_response()
    } else if request.method() != Method::GET && request.method() != Method::HEAD {
        let mut r = (
            StatusCode::METHOD_NOT_ALLOWED,
            "atomdoc serve is read-only\n",
        )
            .into_response();
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        r
    } else {
        next.run(request).await
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_names_with_the_port_served() {
        let hosts = Hosts::new("127.0.0.1:8080".parse().unwrap(), &[]);
        for ok in [
            "127.0.0.1:8080",
            "localhost:8080",
            "LOCALHOST",
            "[::1]:8080",
            "127.0.0.1",
        ] {
            assert!(hosts.allows(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:8080",
            "127.0.0.1:8081",
            "localhost.evil.example:8080",
            "127.0.0.1:8080@evil",
            "",
            "[::1]x",
        ] {
            assert!(!hosts.allows(bad), "{bad}");
        }
    }

    #[test]
    fn a_network_address_and_allowed_names() {
        let hosts = Hosts::new("10.0.0.5:80".parse().unwrap(), &["Docs.Lan".into()]);
        assert!(hosts.allows("10.0.0.5"));
        assert!(hosts.allows("docs.lan:80"));
        assert!(!hosts.allows("localhost"));
        let v6 = Hosts::new("[::1]:9000".parse().unwrap(), &[]);
        assert!(v6.allows("[::1]:9000"));
    }
}
