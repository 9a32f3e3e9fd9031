//! Pages through minijinja templates embedded in the binary (`templates/*.html`, auto-escaped:
//! text from claims, rules and users is shown as text, never as markup), the layout's shared
//! context, redirects, and the error page.

use crate::auth::Viewer;
use crate::text;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::sync::OnceLock;

pub(crate) const TEMPLATES: &[(&str, &str)] = &[
    ("layout.html", include_str!("../templates/layout.html")),
    ("error.html", include_str!("../templates/error.html")),
    ("login.html", include_str!("../templates/login.html")),
    ("desk.html", include_str!("../templates/desk.html")),
    ("claim.html", include_str!("../templates/claim.html")),
    ("new.html", include_str!("../templates/new.html")),
    (
        "approvals.html",
        include_str!("../templates/approvals.html"),
    ),
    ("rules.html", include_str!("../templates/rules.html")),
    ("outcomes.html", include_str!("../templates/outcomes.html")),
    ("analyst.html", include_str!("../templates/analyst.html")),
];

fn environment() -> &'static minijinja::Environment<'static> {
    static ENV: OnceLock<minijinja::Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = minijinja::Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        for (name, source) in TEMPLATES {
            // The templates are part of the binary; the tests render every page.
            if let Err(e) = env.add_template(name, source) {
                eprintln!("internal error: template {name}: {e}");
            }
        }
        env
    })
}

/// What the layout shows of the viewer.
#[derive(Serialize)]
struct Who<'a> {
    name: &'a str,
    role: &'a str,
    team: bool,
    claims: bool,
    manage: bool,
    rules: bool,
    analyse: bool,
}

/// Renders a page: the layout's context (messages, language, viewer, CSRF token, where we
/// are) and the page's own data as `page`.
pub fn page<T: Serialize>(
    name: &str,
    viewer: &Viewer,
    team: bool,
    here: &str,
    title: &str,
    data: &T,
) -> Response {
    use crate::auth::Right;
    let who = Who {
        name: &viewer.name,
        role: viewer.role.map_or("local", |r| r.as_str()),
        team,
        claims: viewer.may(Right::Claims),
        manage: viewer.may(Right::Manage),
        rules: viewer.may(Right::Rules),
        analyse: viewer.may(Right::Analyse),
    };
    #[derive(Serialize)]
    struct Ctx<'a, T> {
        t: &'static std::collections::BTreeMap<String, String>,
        lang: &'static str,
        who: Who<'a>,
        csrf: &'a str,
        here: &'a str,
        title: &'a str,
        page: &'a T,
    }
    let ctx = Ctx {
        t: text::texts(viewer.lang),
        lang: viewer.lang.tag(),
        who,
        csrf: &viewer.csrf,
        here,
        title,
        page: data,
    };
    html(StatusCode::OK, render(name, ctx))
}

fn render(name: &str, ctx: impl Serialize) -> Result<String, minijinja::Error> {
    environment()
        .get_template(name)?
        .render(minijinja::value::Serde(ctx))
}

/// A rendered page as a response, or a 500 that names no detail (the detail is logged).
pub fn html(status: StatusCode, body: Result<String, minijinja::Error>) -> Response {
    match body {
        Ok(b) => with_headers((status, b).into_response()),
        Err(e) => {
            eprintln!("settle serve: template error: {e:#}");
            error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the page could not be drawn",
            )
        }
    }
}

/// The headers every page carries: HTML, no caching of private pages, no framing, no
/// scripts or styles from elsewhere.
fn with_headers(mut r: Response) -> Response {
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
        ),
    );
    r
}

/// The error page: the status and one message, in plain words.
pub fn error_page(status: StatusCode, message: &str) -> Response {
    #[derive(Serialize)]
    struct Ctx<'a> {
        status: u16,
        reason: &'a str,
        message: &'a str,
    }
    let ctx = Ctx {
        status: status.as_u16(),
        reason: status.canonical_reason().unwrap_or(""),
        message,
    };
    match render("error.html", ctx) {
        Ok(b) => with_headers((status, b).into_response()),
        Err(_) => (status, message.to_string()).into_response(),
    }
}

/// A 303 redirect to a path of ours.
pub fn redirect(to: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// Only a path on this site (`/...`, not `//host`) may be a redirect's target.
pub fn local_path(p: &str) -> &str {
    if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') && !p.contains(['\r', '\n'])
    {
        p
    } else {
        "/"
    }
}
