//! The page and its files, compiled into the binary (`web/`): atomdoc stays one file, and no
//! request can name a file on disk. An asset is found by its exact name in [`ASSETS`];
//! anything else (`..`, encoded or not) is a 404.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

struct Asset {
    name: &'static str,
    mime: &'static str,
    body: &'static [u8],
}

macro_rules! asset {
    ($name:literal, $mime:literal) => {
        Asset {
            name: $name,
            mime: $mime,
            body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/web/", $name)),
        }
    };
}

/// Every file the page loads, by the name after `/assets/`. The vendored libraries come with
/// their licences (`web/vendor/update.sh` fetches both from npm).
static ASSETS: &[Asset] = &[
    asset!("app.js", "text/javascript; charset=utf-8"),
    asset!("layout.js", "text/javascript; charset=utf-8"),
    asset!("app.css", "text/css; charset=utf-8"),
    asset!("vendor/sigma.min.js", "text/javascript; charset=utf-8"),
    asset!(
        "vendor/graphology.umd.min.js",
        "text/javascript; charset=utf-8"
    ),
    asset!("vendor/LICENSE-sigma.txt", "text/plain; charset=utf-8"),
    asset!("vendor/LICENSE-graphology.txt", "text/plain; charset=utf-8"),
    asset!("vendor/VERSIONS", "text/plain; charset=utf-8"),
];

const INDEX: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/web/index.html"));

fn serve(mime: &'static str, body: &'static [u8]) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(mime)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response()
}

/// `/`: the page (every view lives in the URL's fragment, so one page serves them all).
pub async fn index() -> Response {
    serve("text/html; charset=utf-8", INDEX)
}

/// `/assets/NAME`.
pub async fn asset(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|a| a.name == name) {
        Some(a) => serve(a.mime, a.body),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
