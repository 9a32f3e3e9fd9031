//! `--color auto|always|never` and `NO_COLOR`: whether settle colours what it writes to the
//! terminal (diagnostics, clap's help and usage errors). Reports on stdout are never coloured.

use clap::ValueEnum;
use std::ffi::OsString;
use std::io::IsTerminal;
use std::sync::OnceLock;

/// When to colour.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and `NO_COLOR` is not set
    #[default]
    Auto,
    /// Always colour, even into a file or a pipe, whatever `NO_COLOR` says
    Always,
    /// Never colour
    Never,
}

static CHOICE: OnceLock<ColorChoice> = OnceLock::new();

/// Records the choice made on the command line (once, before anything is written).
pub fn set(choice: ColorChoice) {
    let _ = CHOICE.set(choice);
}

/// `NO_COLOR` is set to something other than the empty string (no-color.org).
fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Whether diagnostics written to stderr are coloured.
pub fn stderr() -> bool {
    match CHOICE.get().copied().unwrap_or_default() {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::io::stderr().is_terminal() && !no_color(),
    }
}

/// The choice as clap's, for its own help and errors (clap's `auto` honours `NO_COLOR` and
/// the terminal itself).
pub fn for_clap(choice: ColorChoice) -> clap::ColorChoice {
    match choice {
        ColorChoice::Auto => clap::ColorChoice::Auto,
        ColorChoice::Always => clap::ColorChoice::Always,
        ColorChoice::Never => clap::ColorChoice::Never,
    }
}

/// The `--color` given on a command line, read before clap parses it, so that clap's own help
/// and usage errors follow it too. The last one given wins; a value clap will refuse is
/// ignored here.
pub fn from_args(args: &[OsString]) -> ColorChoice {
    let mut choice = ColorChoice::Auto;
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        let Some(a) = a.to_str() else { continue };
        if a == "--" {
            break;
        }
        let value = if a == "--color" {
            it.next().and_then(|v| v.to_str())
        } else {
            a.strip_prefix("--color=")
        };
        if let Some(c) = value.and_then(|v| ColorChoice::from_str(v, false).ok()) {
            choice = c;
        }
    }
    choice
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<OsString> {
        a.iter().map(OsString::from).collect()
    }

    #[test]
    fn the_last_color_flag_wins_and_bad_values_are_left_to_clap() {
        assert_eq!(
            from_args(&args(&["settle", "advise", "x"])),
            ColorChoice::Auto
        );
        assert_eq!(
            from_args(&args(&["settle", "--color", "never", "advise"])),
            ColorChoice::Never
        );
        assert_eq!(
            from_args(&args(&[
                "settle",
                "advise",
                "--color=always",
                "--color",
                "never"
            ])),
            ColorChoice::Never
        );
        assert_eq!(
            from_args(&args(&["settle", "--color", "sometimes"])),
            ColorChoice::Auto
        );
        assert_eq!(
            from_args(&args(&["settle", "--", "--color", "always"])),
            ColorChoice::Auto
        );
    }
}
