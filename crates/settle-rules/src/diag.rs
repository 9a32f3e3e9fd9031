//! Diagnostics: every problem found in a file, with its place, rendered rustc-style.

use crate::source::SourceFile;
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use std::ops::Range;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The input is wrong; nothing is loaded or applied.
    Error,
    /// The input loads, but something is probably not what its author meant.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem at one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Whether this stops the load or only warns.
    pub severity: Severity,
    /// The file as named in messages.
    pub file: String,
    /// 1-based.
    pub line: u32,
    /// 1-based, in characters.
    pub column: u32,
    /// Byte range in the file.
    pub span: Range<usize>,
    /// Lowercase, no trailing period; names the field and value.
    pub message: String,
    /// The field or rule the problem is about, e.g. `order.paid`.
    pub field: Option<String>,
    /// A short label under the caret.
    pub label: Option<String>,
    /// A hint on how to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// `file:line:col: severity: message`, the one-line form used by tests and logs.
    pub fn short(&self) -> String {
        format!(
            "{}:{}:{}: {}: {}",
            self.file,
            self.line,
            self.column,
            self.severity.as_str(),
            self.message
        )
    }
}

/// Collects diagnostics for one file.
#[derive(Debug)]
pub struct Sink<'a> {
    pub(crate) source: &'a SourceFile,
    pub(crate) diags: Vec<Diagnostic>,
}

impl<'a> Sink<'a> {
    /// A sink for diagnostics in `source`.
    pub fn new(source: &'a SourceFile) -> Sink<'a> {
        Sink {
            source,
            diags: Vec::new(),
        }
    }

    /// Records an error at `span`.
    pub fn error(
        &mut self,
        span: Range<usize>,
        field: Option<&str>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.push(Severity::Error, span, field, message)
    }

    /// Records a diagnostic at `span`.
    pub fn push(
        &mut self,
        severity: Severity,
        span: Range<usize>,
        field: Option<&str>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let (line, column) = self.source.line_col(span.start);
        self.diags.push(Diagnostic {
            severity,
            file: self.source.name().to_string(),
            line,
            column,
            span,
            message: message.into(),
            field: field.map(str::to_string),
            label: None,
            help: None,
        });
        let last = self.diags.len() - 1;
        &mut self.diags[last]
    }

    /// Whether any error was recorded.
    pub fn has_errors(&self) -> bool {
        self.diags.iter().any(|d| d.severity == Severity::Error)
    }

    /// The diagnostics, in file order.
    pub fn finish(mut self) -> Vec<Diagnostic> {
        sort(&mut self.diags);
        self.diags
    }
}

impl Diagnostic {
    /// Sets the label under the caret.
    pub fn label(&mut self, label: impl Into<String>) -> &mut Self {
        self.label = Some(label.into());
        self
    }
    /// Sets the help line.
    pub fn help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(help.into());
        self
    }
}

/// Sorts diagnostics by file, place, then message, so output is deterministic.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.message).cmp(&(&b.file, b.line, b.column, &b.message))
    });
}

/// Renders diagnostics rustc-style: the message, `--> file:line:col`, the source line and a
/// caret under the fault. `sources` supplies the text of each file named.
pub fn render(diags: &[Diagnostic], sources: &[&SourceFile], color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for d in diags {
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let title = level.primary_title(d.message.as_str());
        let source = sources.iter().find(|s| s.name() == d.file);
        let mut groups: Vec<Group<'_>> = Vec::new();
        match source {
            Some(src) if !src.text().is_empty() => {
                let span = clamp_span(src.text(), d.span.clone());
                let mut ann = AnnotationKind::Primary.span(span);
                if let Some(l) = &d.label {
                    ann = ann.label(l.as_str());
                }
                groups.push(
                    title.element(
                        Snippet::source(src.text())
                            .path(d.file.as_str())
                            .annotation(ann),
                    ),
                );
            }
            _ => groups.push(Group::with_title(title)),
        }
        if let Some(h) = &d.help {
            groups.push(Group::with_title(Level::HELP.secondary_title(h.as_str())));
        }
        out.push_str(&renderer.render(&groups));
        out.push_str("\n\n");
    }
    out
}

fn clamp_span(text: &str, span: Range<usize>) -> Range<usize> {
    let mut start = span.start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = span.end.clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    // Point at one line: a multi-line span (a whole table) is cut at its first line's end.
    if let Some(nl) = text[start..end].find('\n')
        && nl > 0
    {
        end = start + nl;
    }
    start..end
}
