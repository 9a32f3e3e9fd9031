//! HTML pages through minijinja templates embedded in the binary. Templates whose names end
//! in `.html` escape every value they print (auto-escaping), so text from claims and rules is
//! shown as text, never as markup.

use serde::Serialize;
use std::sync::OnceLock;

/// A template failed to render (a bug in a template, reported rather than panicked on).
pub type Error = minijinja::Error;

/// The templates, by name.
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("replay.html", include_str!("../templates/replay.html")),
];

fn environment() -> &'static minijinja::Environment<'static> {
    static ENV: OnceLock<minijinja::Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = minijinja::Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        for (name, source) in TEMPLATES {
            // The templates are part of the binary and tested; a broken one fails every test.
            if let Err(e) = env.add_template(name, source) {
                eprintln!("internal error: template {name}: {e}");
            }
        }
        env
    })
}

/// Renders a template with a view as its context.
pub fn render(name: &str, view: &impl Serialize) -> Result<String, Error> {
    environment()
        .get_template(name)?
        .render(minijinja::value::Serde(view))
}
