//! The checks a catalogue passes before the service starts: only known
//! messages, each with the variables it is given and those it must show,
//! every message present in a language the host adds, and every message
//! formatting without an error. Loading is [`super::catalogue`]'s.

use std::collections::{BTreeSet, HashMap};

use fluent_bundle::{FluentArgs, FluentValue};
use fluent_syntax::ast;

use super::catalogue::{CatalogueError, Language, Source};

/// Variables whose values are numbers (they select plural forms); every
/// other variable is text.
const NUMERIC: [&str; 5] = ["count", "min", "max", "seconds", "attempts"];

/// The variable every message may use without mentioning it.
const PRODUCT: &str = "product";

/// The facts a message must show in every wording: without them it says
/// nothing, or leaves out what the spec requires (who an email is for, when
/// a link stops working, how many attempts are left). Other variables a
/// wording may leave out.
const ESSENTIAL: [(&str, &[&str]); 24] = [
    ("page-title", &["page"]),
    ("works-until", &["time"]),
    ("attempts-left", &["count"]),
    ("rule-min-length", &["min"]),
    ("rule-max-length", &["max"]),
    ("device-done-message", &["apps"]),
    ("refusal-incorrect-code", &["count"]),
    ("refusal-too-weak", &["level"]),
    ("refusal-too-long", &["max"]),
    ("refusal-has-password", &["name"]),
    ("refusal-cooldown", &["seconds"]),
    ("refusal-daily-limit", &["max"]),
    ("refusal-mail-failed", &["recipient"]),
    ("sent", &["recipient"]),
    ("cancelled", &["recipient"]),
    ("status-expires", &["time"]),
    ("status-sent", &["to", "by", "time"]),
    ("status-ended", &["time"]),
    ("time-utc", &["time"]),
    ("reset-email-subject", &["username"]),
    ("reset-email-validity", &["time"]),
    ("reset-email-footer", &["username"]),
    ("notice-subject", &["username"]),
    ("notice-body", &["time"]),
];

/// The 1-based line of byte `offset` in `text`.
pub(super) fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes().iter().take(offset).filter(|b| **b == b'\n').count() + 1
}

/// The line on which message `id` starts.
pub(super) fn line_of_message(text: &str, id: &str) -> Option<usize> {
    text.lines()
        .position(|line| line.strip_prefix(id).is_some_and(|rest| rest.trim_start().starts_with('=')))
        .map(|index| index + 1)
}

/// Every message of `text` and the variables it uses; a parse error names its line.
pub(super) fn variables_by_message(
    file: &str,
    text: &str,
) -> Result<HashMap<String, BTreeSet<String>>, CatalogueError> {
    let resource = match fluent_syntax::parser::parse(text) {
        Ok(resource) => resource,
        Err((_, errors)) => {
            let first = errors.first();
            let line = first.map(|error| line_of(text, error.pos.start));
            let what = first.map(|error| error.kind.to_string()).unwrap_or_default();
            return Err(CatalogueError::new(file, line, None, format!("not valid Fluent: {what}")));
        }
    };
    let mut out = HashMap::new();
    for entry in &resource.body {
        match entry {
            ast::Entry::Message(message) => {
                let mut variables = BTreeSet::new();
                if let Some(value) = &message.value {
                    pattern_variables(value, &mut variables);
                }
                for attribute in &message.attributes {
                    pattern_variables(&attribute.value, &mut variables);
                }
                out.insert(message.id.name.to_owned(), variables);
            }
            ast::Entry::Junk { content } => {
                let offset = text.find(content).unwrap_or(0);
                return Err(CatalogueError::new(file, Some(line_of(text, offset)), None, "not valid Fluent"));
            }
            _ => {}
        }
    }
    Ok(out)
}

fn pattern_variables(pattern: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            expression_variables(expression, out);
        }
    }
}

fn expression_variables(expression: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
    match expression {
        ast::Expression::Inline(inline) => inline_variables(inline, out),
        ast::Expression::Select { selector, variants } => {
            inline_variables(selector, out);
            for variant in variants {
                pattern_variables(&variant.value, out);
            }
        }
    }
}

fn inline_variables(inline: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match inline {
        ast::InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_owned());
        }
        ast::InlineExpression::FunctionReference { arguments, .. } => call_variables(arguments, out),
        ast::InlineExpression::TermReference { arguments: Some(arguments), .. } => {
            call_variables(arguments, out)
        }
        ast::InlineExpression::Placeable { expression } => expression_variables(expression, out),
        _ => {}
    }
}

fn call_variables(arguments: &ast::CallArguments<&str>, out: &mut BTreeSet<String>) {
    for argument in &arguments.positional {
        inline_variables(argument, out);
    }
    for argument in &arguments.named {
        inline_variables(&argument.value, out);
    }
}

/// A host file (or a shipped one) holds only known messages, each with the
/// variables it is given and none it must show left out.
pub(super) fn check_source(
    source: &Source,
    reference: &HashMap<String, BTreeSet<String>>,
) -> Result<(), CatalogueError> {
    let messages = variables_by_message(&source.file, &source.text)?;
    let mut ids: Vec<&String> = messages.keys().collect();
    ids.sort_by_key(|id| line_of_message(&source.text, id));
    for id in ids {
        let line = line_of_message(&source.text, id);
        let Some(allowed) = reference.get(id) else {
            return Err(CatalogueError::new(&source.file, line, Some(id), "no such message (a typo?)"));
        };
        let used = &messages[id];
        for variable in used {
            if variable != PRODUCT && !allowed.contains(variable) {
                return Err(CatalogueError::new(
                    &source.file,
                    line,
                    Some(id),
                    format!("unknown variable ${variable}; it is given {}", listed(allowed)),
                ));
            }
        }
        let essential =
            ESSENTIAL.iter().find(|(message, _)| *message == id.as_str()).map_or(&[][..], |(_, v)| *v);
        for variable in essential {
            if !used.contains(*variable) {
                return Err(CatalogueError::new(
                    &source.file,
                    line,
                    Some(id),
                    format!("it must show ${variable}"),
                ));
            }
        }
    }
    Ok(())
}

fn listed(variables: &BTreeSet<String>) -> String {
    let names: Vec<String> =
        variables.iter().chain(std::iter::once(&PRODUCT.to_owned())).map(|v| format!("${v}")).collect();
    names.join(", ")
}

/// A language the host adds holds every message.
pub(super) fn check_complete(
    tag: &str,
    sources: &[Source],
    reference: &HashMap<String, BTreeSet<String>>,
) -> Result<(), CatalogueError> {
    let mut present = BTreeSet::new();
    for source in sources {
        present.extend(variables_by_message(&source.file, &source.text)?.into_keys());
    }
    let mut missing: Vec<&String> = reference.keys().filter(|id| !present.contains(*id)).collect();
    missing.sort();
    if let Some(first) = missing.first() {
        let file = sources.last().map_or(tag, |source| source.file.as_str());
        return Err(CatalogueError::new(
            file,
            None,
            Some(first),
            format!("missing from language {tag} ({} messages missing in all)", missing.len()),
        ));
    }
    Ok(())
}

/// Every message of `language` formats without an error, whatever it is given.
pub(super) fn check_formats(
    language: &Language,
    reference: &HashMap<String, BTreeSet<String>>,
    by_language: &[(String, Vec<Source>)],
) -> Result<(), CatalogueError> {
    let sources =
        by_language.iter().find(|(tag, _)| *tag == language.tag).map(|(_, sources)| sources.as_slice());
    for (id, variables) in reference {
        let Some(message) = language.bundle.get_message(id) else {
            let file = sources.and_then(|s| s.last()).map_or(language.tag.as_str(), |s| s.file.as_str());
            return Err(CatalogueError::new(
                file,
                None,
                Some(id),
                format!("missing from language {}", language.tag),
            ));
        };
        let Some(pattern) = message.value() else {
            continue;
        };
        for sample in [1, 5] {
            let mut args = FluentArgs::new();
            args.set(PRODUCT, "Product");
            for variable in variables {
                if NUMERIC.contains(&variable.as_str()) {
                    args.set(variable.as_str(), FluentValue::from(sample));
                } else {
                    args.set(variable.as_str(), "x");
                }
            }
            let mut errors = Vec::new();
            let _ = language.bundle.format_pattern(pattern, Some(&args), &mut errors);
            if let Some(error) = errors.first() {
                // Find the file that holds the message, for the error.
                let holder = sources
                    .into_iter()
                    .flatten()
                    .rev()
                    .find(|source| line_of_message(&source.text, id).is_some());
                let (file, line) = match holder {
                    Some(source) => (source.file.as_str(), line_of_message(&source.text, id)),
                    None => (language.tag.as_str(), None),
                };
                return Err(CatalogueError::new(
                    file,
                    line,
                    Some(id),
                    format!("cannot be formatted: {error}"),
                ));
            }
        }
    }
    Ok(())
}
