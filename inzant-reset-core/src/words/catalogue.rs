//! The message catalogues: Project Fluent files, one set per language,
//! loaded and checked once at start-up.
//!
//! The shipped languages (English, German, French, Spanish) are compiled
//! in. A host adds languages or rewords ours with `.ftl` files of its own
//! ([`CataloguesBuilder::file`], [`CataloguesBuilder::directory`]); every
//! file is checked when the catalogues are built, so a typo stops start-up
//! with the file, the line and the message rather than showing up in a
//! person's email.

use std::fmt;
use std::path::{Path, PathBuf};

use fluent_bundle::FluentResource;
use fluent_bundle::concurrent::FluentBundle;
use icu_datetime::DateTimeFormatter;
use icu_datetime::fieldsets::YMDET;
use icu_datetime::options::TimePrecision;
use icu_list::ListFormatter;
use icu_list::options::{ListFormatterOptions, ListLength};
use intl_pluralrules::{PluralRuleType, PluralRules};
use unic_langid::LanguageIdentifier;

use super::check::{check_complete, check_formats, check_source, line_of, variables_by_message};

/// The shipped catalogues: language tag, file name, source.
const SHIPPED: [(&str, &str, &str); 4] = [
    ("en", "en.ftl", include_str!("../../locales/en.ftl")),
    ("de", "de.ftl", include_str!("../../locales/de.ftl")),
    ("fr", "fr.ftl", include_str!("../../locales/fr.ftl")),
    ("es", "es.ftl", include_str!("../../locales/es.ftl")),
];

/// A catalogue file, or a line in one, that stopped start-up.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}{}: {problem}", .line.map(|line| format!(":{line}")).unwrap_or_default())]
pub struct CatalogueError {
    /// The file (or, for sources given as text, the name given with them).
    pub file: String,
    /// The line the problem is on, when it is on one.
    pub line: Option<usize>,
    /// The message the problem is in, if any.
    pub message: Option<String>,
    /// What is wrong.
    pub problem: String,
}

impl CatalogueError {
    pub(super) fn new(
        file: &str,
        line: Option<usize>,
        message: Option<&str>,
        problem: impl Into<String>,
    ) -> Self {
        let problem = problem.into();
        let problem = match message {
            Some(id) => format!("message `{id}`: {problem}"),
            None => problem,
        };
        Self { file: file.to_owned(), line, message: message.map(str::to_owned), problem }
    }
}

/// How a pseudo-language transforms the English words, for testing that
/// nothing escapes the catalogues and that layouts survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Pseudo {
    /// Accented, bracketed and about 40 % longer: `[Ŝàààvéé Ñéééŵ …]`.
    Accented,
    /// Mirrored letters written right to left, for right-to-left layouts.
    Mirrored,
}

/// One language's messages and formatters.
pub(crate) struct Language {
    pub(crate) tag: String,
    pub(crate) id: LanguageIdentifier,
    pub(crate) bundle: FluentBundle<FluentResource>,
    pub(crate) right_to_left: bool,
    pub(crate) dates: DateTimeFormatter<YMDET>,
    pub(crate) lists: ListFormatter,
}

impl fmt::Debug for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Language").field("tag", &self.tag).finish_non_exhaustive()
    }
}

/// Every word people read, in every language the service speaks, and which
/// of them is the default. Built once at start-up; see [`Catalogues::builder`].
///
/// ```
/// use inzant_reset_core::words::Catalogues;
///
/// let catalogues = Catalogues::shipped();
/// assert_eq!(catalogues.choose(Some("de_AT")), "de");
/// assert_eq!(catalogues.choose(Some("pt-BR")), "en");
/// assert_eq!(catalogues.choose_from_header("fr-CH, fr;q=0.9, en;q=0.8"), "fr");
/// ```
#[derive(Debug)]
pub struct Catalogues {
    /// The default language first.
    pub(crate) languages: Vec<Language>,
}

/// A catalogue source waiting to be loaded.
#[derive(Clone, Debug)]
pub(super) struct Source {
    pub(super) language: String,
    pub(super) file: String,
    pub(super) text: String,
}

/// Builds [`Catalogues`]: the shipped languages, the host's files on top,
/// and the default language.
#[derive(Clone, Debug)]
pub struct CataloguesBuilder {
    default: String,
    sources: Vec<Source>,
    pseudo: Vec<(String, Pseudo)>,
    io_error: Option<CatalogueError>,
}

impl Default for Catalogues {
    fn default() -> Self {
        Self::shipped()
    }
}

impl Catalogues {
    /// English, German, French and Spanish, English the default.
    pub fn shipped() -> Self {
        match Self::builder().build() {
            Ok(catalogues) => catalogues,
            // The shipped files are checked by this crate's tests; should
            // one ever fail here, English alone still speaks.
            Err(error) => {
                tracing::error!(%error, "a shipped catalogue failed its check");
                Self::english_only()
            }
        }
    }

    fn english_only() -> Self {
        let (tag, file, text) = SHIPPED[0];
        let source = Source { language: tag.to_owned(), file: file.to_owned(), text: text.to_owned() };
        match load_language(tag, &[source], None) {
            Ok(language) => Self { languages: vec![language] },
            Err(_) => Self { languages: Vec::new() },
        }
    }

    /// Starts from the shipped languages, English the default.
    pub fn builder() -> CataloguesBuilder {
        CataloguesBuilder {
            default: "en".to_owned(),
            sources: Vec::new(),
            pseudo: Vec::new(),
            io_error: None,
        }
    }

    /// The tags of every language, the default first.
    pub fn languages(&self) -> impl Iterator<Item = &str> {
        self.languages.iter().map(|language| language.tag.as_str())
    }

    /// The default language's tag.
    pub fn default_language(&self) -> &str {
        self.languages.first().map_or("en", |language| language.tag.as_str())
    }

    /// The language to speak to a person whose own is `locale` (as a host
    /// stores it: `de`, `de-AT`, `de_AT`, `pt-BR`): the closest one there
    /// is, or the default.
    pub fn choose(&self, locale: Option<&str>) -> &str {
        let Some(requested) = locale.and_then(parse_tag) else {
            return self.default_language();
        };
        self.best_of(&[requested]).unwrap_or_else(|| self.default_language())
    }

    /// The language for a page that has no reset behind it, from the
    /// browser's `Accept-Language` header; the default when nothing fits.
    pub fn choose_from_header(&self, accept_language: &str) -> &str {
        let mut weighted: Vec<(u16, LanguageIdentifier)> = accept_language
            .split(',')
            .filter_map(|item| {
                let mut parts = item.split(';');
                let tag = parse_tag(parts.next()?)?;
                let quality =
                    parts.find_map(|part| part.trim().strip_prefix("q=")).map_or(Some(1000), |q| {
                        q.trim().parse::<f32>().ok().map(|q| (q.clamp(0.0, 1.0) * 1000.0) as u16)
                    })?;
                (quality > 0).then_some((quality, tag))
            })
            .collect();
        // Stable: equal weights keep the browser's order.
        weighted.sort_by_key(|(quality, _)| std::cmp::Reverse(*quality));
        let requested: Vec<LanguageIdentifier> = weighted.into_iter().map(|(_, tag)| tag).collect();
        self.best_of(&requested).unwrap_or_else(|| self.default_language())
    }

    /// Whether `tag` is exactly one of the languages (as [`Catalogues::languages`] lists it).
    pub fn has(&self, tag: &str) -> bool {
        self.languages.iter().any(|language| language.tag == tag)
    }

    /// The first requested language that one of ours matches: exactly,
    /// else a language of ours without a region for a regional request
    /// (`de` for `de-AT`), else any of ours with the same language.
    fn best_of(&self, requested: &[LanguageIdentifier]) -> Option<&str> {
        for wanted in requested {
            let same_language = |language: &&Language| language.id.language == wanted.language;
            let found = self
                .languages
                .iter()
                .find(|language| language.id == *wanted)
                .or_else(|| {
                    self.languages
                        .iter()
                        .filter(same_language)
                        .find(|language| language.id.region.is_none() && language.id.script.is_none())
                })
                .or_else(|| self.languages.iter().find(same_language));
            if let Some(language) = found {
                return Some(language.tag.as_str());
            }
        }
        None
    }

    /// The language with `tag`, or the default one.
    pub(crate) fn language(&self, tag: &str) -> Option<&Language> {
        self.languages.iter().find(|language| language.tag == tag).or_else(|| self.languages.first())
    }
}

impl CataloguesBuilder {
    /// Speak `tag` (one of the shipped languages or a language the host's
    /// files add) when a person's own language is unknown or not spoken.
    pub fn default_language(mut self, tag: &str) -> Self {
        self.default = tag.to_owned();
        self
    }

    /// Adds the host's Fluent file at `path`. Its language is its name
    /// without `.ftl` (`de.ftl`, `pt-BR.ftl`); a file for a shipped
    /// language rewords only the messages it holds, a file for a new one
    /// must hold all of them.
    pub fn file(mut self, path: impl AsRef<Path>) -> Self {
        let path = path.as_ref();
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let language = path.file_stem().and_then(|stem| stem.to_str()).unwrap_or("").to_owned();
                self.sources.push(Source { language, file: path.display().to_string(), text });
            }
            Err(error) => {
                let file = path.display().to_string();
                self.io_error.get_or_insert(CatalogueError::new(
                    &file,
                    None,
                    None,
                    format!("cannot read it: {error}"),
                ));
            }
        }
        self
    }

    /// Adds every `*.ftl` file in `dir` (in name order), as [`CataloguesBuilder::file`].
    pub fn directory(mut self, dir: impl AsRef<Path>) -> Self {
        let dir = dir.as_ref();
        match std::fs::read_dir(dir) {
            Ok(entries) => {
                let mut paths: Vec<PathBuf> = entries
                    .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                    .filter(|path| path.extension().is_some_and(|ext| ext == "ftl"))
                    .collect();
                paths.sort();
                for path in paths {
                    self = self.file(path);
                }
            }
            Err(error) => {
                let file = dir.display().to_string();
                self.io_error.get_or_insert(CatalogueError::new(
                    &file,
                    None,
                    None,
                    format!("cannot read it: {error}"),
                ));
            }
        }
        self
    }

    /// Adds Fluent `text` for `language`, named `file` in errors.
    pub fn source(mut self, language: &str, file: &str, text: &str) -> Self {
        self.sources.push(Source {
            language: language.to_owned(),
            file: file.to_owned(),
            text: text.to_owned(),
        });
        self
    }

    /// Adds a pseudo-language `tag` made from the English words (say
    /// `en-XA` accented, `ar-XB` mirrored), for tests and translators'
    /// reviews: anything a page shows that is not transformed did not come
    /// from the catalogues.
    pub fn pseudo(mut self, tag: &str, style: Pseudo) -> Self {
        self.pseudo.push((tag.to_owned(), style));
        self
    }

    /// Loads and checks every catalogue.
    ///
    /// # Errors
    /// A file that cannot be read or parsed; a message that is unknown, or
    /// that uses a variable it is not given or leaves out one it must show;
    /// a new language that lacks a message or has no plural rules; a
    /// message that cannot be formatted; a default language that is not
    /// among them. The error names the file, the line and the message.
    pub fn build(self) -> Result<Catalogues, CatalogueError> {
        if let Some(error) = self.io_error {
            return Err(error);
        }
        let (_, reference_file, reference_text) = SHIPPED[0];
        let reference = variables_by_message(reference_file, reference_text)?;

        let mut by_language: Vec<(String, Vec<Source>)> = SHIPPED
            .iter()
            .map(|(tag, file, text)| {
                let source = Source {
                    language: (*tag).to_owned(),
                    file: (*file).to_owned(),
                    text: (*text).to_owned(),
                };
                ((*tag).to_owned(), vec![source])
            })
            .collect();
        for source in self.sources {
            let Some(tag) = parse_tag(&source.language).map(|id| id.to_string()) else {
                return Err(CatalogueError::new(
                    &source.file,
                    None,
                    None,
                    format!(
                        "{:?} is not a language tag (name the file after its language: de.ftl, pt-BR.ftl)",
                        source.language
                    ),
                ));
            };
            match by_language.iter_mut().find(|(existing, _)| *existing == tag) {
                Some((_, sources)) => sources.push(source),
                None => by_language.push((tag, vec![source])),
            }
        }

        let mut languages = Vec::new();
        for (tag, sources) in &by_language {
            for source in sources {
                check_source(source, &reference)?;
            }
            let shipped = SHIPPED.iter().any(|(shipped, _, _)| shipped == tag);
            if !shipped {
                check_complete(tag, sources, &reference)?;
            }
            languages.push(load_language(tag, sources, None)?);
        }
        for (tag, style) in &self.pseudo {
            let Some(id) = parse_tag(tag) else {
                return Err(CatalogueError::new(tag, None, None, "not a language tag"));
            };
            let english = by_language.first().map(|(_, sources)| sources.clone()).unwrap_or_default();
            languages.push(load_language(&id.to_string(), &english, Some(*style))?);
        }
        for language in &languages {
            check_formats(language, &reference, &by_language)?;
        }

        let default = parse_tag(&self.default).map(|id| id.to_string()).unwrap_or_default();
        let Some(position) = languages.iter().position(|language| language.tag == default) else {
            return Err(CatalogueError::new(
                &self.default,
                None,
                None,
                "the default language has no catalogue",
            ));
        };
        let default_language = languages.remove(position);
        languages.insert(0, default_language);
        Ok(Catalogues { languages })
    }
}

/// Reads a host's locale the lenient way hosts store them (`de_AT`, `EN`).
pub(crate) fn parse_tag(locale: &str) -> Option<LanguageIdentifier> {
    let cleaned = locale.trim().replace('_', "-");
    if cleaned.is_empty() {
        return None;
    }
    cleaned.parse::<LanguageIdentifier>().ok()
}

/// Builds one language: its bundle (shipped words first, the host's on
/// top), its plural rules, date and list formatters.
fn load_language(tag: &str, sources: &[Source], pseudo: Option<Pseudo>) -> Result<Language, CatalogueError> {
    let file = sources.last().map_or(tag, |source| source.file.as_str());
    let Some(id) = parse_tag(tag) else {
        return Err(CatalogueError::new(file, None, None, format!("{tag:?} is not a language tag")));
    };
    // Fluent looks plural rules up by the whole tag, then by its language
    // alone; failing both it would silently use English's.
    let language_only = LanguageIdentifier::from_parts(id.language, None, None, &[]);
    if PluralRules::create(id.clone(), PluralRuleType::CARDINAL).is_err()
        && PluralRules::create(language_only, PluralRuleType::CARDINAL).is_err()
    {
        return Err(CatalogueError::new(
            file,
            None,
            None,
            format!("language {tag} has no plural rules (CLDR knows no language {:?})", id.language.as_str()),
        ));
    }
    let mut bundle = FluentBundle::new_concurrent(vec![id.clone()]);
    // Isolation marks would sit around every link and code in the emails.
    bundle.set_use_isolating(false);
    match pseudo {
        Some(Pseudo::Accented) => bundle.set_transform(Some(super::pseudo::accented)),
        Some(Pseudo::Mirrored) => bundle.set_transform(Some(super::pseudo::mirrored)),
        None => {}
    }
    for source in sources {
        let resource = match FluentResource::try_new(source.text.clone()) {
            Ok(resource) => resource,
            Err((_, errors)) => {
                let line = errors.first().map(|error| line_of(&source.text, error.pos.start));
                return Err(CatalogueError::new(&source.file, line, None, "not valid Fluent"));
            }
        };
        bundle.add_resource_overriding(resource);
    }
    let locale: icu_locale_core::Locale = id.to_string().parse().unwrap_or(icu_locale_core::Locale::UNKNOWN);
    let dates = DateTimeFormatter::try_new(
        locale.clone().into(),
        YMDET::long().with_time_precision(TimePrecision::Minute),
    )
    .map_err(|error| CatalogueError::new(file, None, None, format!("no date formats for {tag}: {error}")))?;
    let lists = ListFormatter::try_new_or(
        locale.into(),
        ListFormatterOptions::default().with_length(ListLength::Wide),
    )
    .map_err(|error| CatalogueError::new(file, None, None, format!("no list formats for {tag}: {error}")))?;
    let right_to_left = matches!(pseudo, Some(Pseudo::Mirrored))
        || id.character_direction() == unic_langid::CharacterDirection::RTL;
    Ok(Language { tag: id.to_string(), id, bundle, right_to_left, dates, lists })
}
