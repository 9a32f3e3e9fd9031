//! The rep's language: the messages of the rep-facing text in Fluent files
//! (`crates/settle-view/locales/<lang>/settle.ftl`, embedded), looked up by id with named
//! arguments. English is complete and the fallback; a message missing in another language is
//! shown in English. Identifiers in JSON output never go through here: they stay English.

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};
use std::borrow::Cow;

/// A language the rep-facing text is available in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English (the default).
    #[default]
    En,
    /// Simplified Chinese.
    ZhCn,
}

impl Lang {
    /// Every language, in the order `--lang` lists them.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::ZhCn];

    /// The BCP 47 tag: `en`, `zh-CN`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    /// The language a tag or a POSIX locale names (`zh-CN`, `zh_CN.UTF-8`, `zh`, `en_US`),
    /// if it is one of ours.
    pub fn parse(text: &str) -> Option<Lang> {
        let t = text.trim().to_ascii_lowercase().replace('_', "-");
        let t = t.split(['.', '@']).next().unwrap_or_default();
        if t == "zh" || t.starts_with("zh-cn") || t.starts_with("zh-hans") || t == "zh-sg" {
            Some(Lang::ZhCn)
        } else if t == "en" || t.starts_with("en-") || t == "c" || t == "posix" {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The language of a POSIX locale environment (`LC_ALL`, then `LC_MESSAGES`, then
    /// `LANG`, as `getenv` would give them): the first that is set and not empty decides;
    /// English when it names neither of ours.
    pub fn from_locale(get: impl Fn(&str) -> Option<String>) -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|k| get(k).filter(|v| !v.is_empty()))
            .next()
            .and_then(|v| Lang::parse(&v))
            .unwrap_or_default()
    }

    fn source(self) -> &'static str {
        match self {
            Lang::En => include_str!("../locales/en/settle.ftl"),
            Lang::ZhCn => include_str!("../locales/zh-CN/settle.ftl"),
        }
    }
}

/// An argument of a message.
pub enum Arg<'a> {
    /// Text, shown as is.
    Text(Cow<'a, str>),
    /// A whole number (plural rules select on it).
    Num(i64),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(s: &'a str) -> Self {
        Arg::Text(Cow::Borrowed(s))
    }
}

impl From<String> for Arg<'_> {
    fn from(s: String) -> Self {
        Arg::Text(Cow::Owned(s))
    }
}

impl From<&String> for Arg<'_> {
    fn from(s: &String) -> Self {
        Arg::Text(Cow::Owned(s.clone()))
    }
}

impl From<i64> for Arg<'_> {
    fn from(n: i64) -> Self {
        Arg::Num(n)
    }
}

impl From<u64> for Arg<'_> {
    fn from(n: u64) -> Self {
        Arg::Num(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

/// The width of text in a terminal's columns (a Chinese character takes two).
pub fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// The widest of some texts.
pub fn widest<S: AsRef<str>>(texts: impl IntoIterator<Item = S>) -> usize {
    texts
        .into_iter()
        .map(|t| width(t.as_ref()))
        .max()
        .unwrap_or(0)
}

/// `s` padded with spaces to `w` columns.
pub fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

/// The messages of one language, with English behind them.
pub struct Messages {
    lang: Lang,
    bundle: FluentBundle<FluentResource>,
    english: Option<FluentBundle<FluentResource>>,
}

impl std::fmt::Debug for Messages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Messages({})", self.lang.tag())
    }
}

fn bundle(lang: Lang) -> FluentBundle<FluentResource> {
    let id = lang.tag().parse().unwrap_or_default();
    let mut b = FluentBundle::new(vec![id]);
    // Bidirectional isolation marks would end up in terminals and files.
    b.set_use_isolating(false);
    // The embedded files are checked by the tests below; a broken one still gives what parsed.
    let res = match FluentResource::try_new(lang.source().to_string()) {
        Ok(r) => r,
        Err((r, _)) => r,
    };
    let _ = b.add_resource(res);
    b
}

impl Messages {
    /// The messages of `lang`.
    pub fn new(lang: Lang) -> Messages {
        Messages {
            lang,
            bundle: bundle(lang),
            english: (lang != Lang::En).then(|| bundle(Lang::En)),
        }
    }

    /// English.
    pub fn english() -> Messages {
        Messages::new(Lang::En)
    }

    /// The language.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The message `id` with its arguments; in English when this language lacks it, and the
    /// id itself when no language has it (a test keeps that from happening).
    pub fn get(&self, id: &str, args: &[(&str, Arg<'_>)]) -> String {
        let mut fa = FluentArgs::new();
        for (k, v) in args {
            match v {
                Arg::Text(t) => fa.set(*k, FluentValue::from(t.as_ref())),
                Arg::Num(n) => fa.set(*k, FluentValue::from(*n)),
            }
        }
        for b in std::iter::once(&self.bundle).chain(self.english.as_ref()) {
            if let Some(p) = b.get_message(id).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                return b.format_pattern(p, Some(&fa), &mut errors).into_owned();
            }
        }
        id.to_string()
    }

    /// A message without arguments.
    pub fn text(&self, id: &str) -> String {
        self.get(id, &[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fluent_syntax::ast;

    fn ids(lang: Lang) -> Vec<String> {
        let res = fluent_syntax::parser::parse(lang.source())
            .unwrap_or_else(|(_, e)| panic!("{}: {e:?}", lang.tag()));
        res.body
            .iter()
            .filter_map(|e| match e {
                ast::Entry::Message(m) => Some(m.id.name.to_string()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn every_language_parses_and_has_every_english_message() {
        let en = ids(Lang::En);
        assert!(en.len() > 50, "{}", en.len());
        for lang in Lang::ALL {
            let have = ids(lang);
            let missing: Vec<&String> = en.iter().filter(|m| !have.contains(m)).collect();
            assert!(missing.is_empty(), "{} lacks {missing:?}", lang.tag());
            // `field-*` explain claim fields outside English; in English the schema does.
            let extra: Vec<&String> = have
                .iter()
                .filter(|m| !en.contains(m) && !m.starts_with("field-"))
                .collect();
            assert!(extra.is_empty(), "{} has unknown {extra:?}", lang.tag());
        }
    }

    #[test]
    fn arguments_and_plurals_are_filled_in() {
        let en = Messages::english();
        assert_eq!(en.get("days", &[("n", Arg::Num(1))]), "1 day");
        assert_eq!(en.get("days", &[("n", Arg::Num(3))]), "3 days");
        let zh = Messages::new(Lang::ZhCn);
        assert_eq!(zh.get("days", &[("n", Arg::Num(3))]), "3 天");
        assert_eq!(zh.get("no-such-message", &[]), "no-such-message");
    }

    #[test]
    fn locales_name_our_languages() {
        for (text, want) in [
            ("zh_CN.UTF-8", Some(Lang::ZhCn)),
            ("zh-CN", Some(Lang::ZhCn)),
            ("zh", Some(Lang::ZhCn)),
            ("en_US.UTF-8", Some(Lang::En)),
            ("C", Some(Lang::En)),
            ("fr_FR", None),
        ] {
            assert_eq!(Lang::parse(text), want, "{text}");
        }
        let env = |k: &str| match k {
            "LC_ALL" => Some(String::new()),
            "LANG" => Some("zh_CN.UTF-8".to_string()),
            _ => None,
        };
        assert_eq!(Lang::from_locale(env), Lang::ZhCn);
        assert_eq!(Lang::from_locale(|_| None), Lang::En);
    }
}
