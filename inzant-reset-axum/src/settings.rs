//! The adapter's settings, and the ones [`ResetWeb::try_new`] refuses.

use std::sync::Arc;

use inzant_reset_core::ResetService;

use crate::layout::{PageLayout, StandaloneLayout};
#[cfg(doc)]
use crate::{Credentials, ResetWeb};

/// How the adapter behaves; [`WebSettings::new`] gives the defaults.
#[derive(Clone)]
#[non_exhaustive]
pub struct WebSettings {
    /// Where users who sign in on the website are sent after saving their
    /// new password (a `303 See Other`): by default the login page given to
    /// [`WebSettings::new`] with `?reset=done` appended, so it can say so.
    pub after_reset_url: String,
    /// The admin routes' path under the mount path (default `/admin/users`):
    /// the trigger is `{admin_path}/{id}/reset-password`.
    pub admin_path: String,
    /// The largest request body accepted, in bytes (default 16 KiB).
    pub max_body_bytes: usize,
    /// Strength checks allowed per link per minute (default 120).
    pub strength_checks_per_minute: u32,
    /// The page the reset pages' content sits in (default [`StandaloneLayout`]).
    pub layout: Arc<dyn PageLayout>,
    /// Other origins whose pages may send the admin POSTs with the browser's
    /// cookies (default none: only the public URL's origin). See
    /// [`WebSettings::allow_admin_origins`].
    pub admin_origins: Vec<String>,
    /// The path the routes are served at when it differs from the public
    /// URL's (behind a proxy that strips a prefix); `None` (the default)
    /// serves them at the public URL's path. See [`WebSettings::serve_path`].
    pub serve_path: Option<String>,
}

impl WebSettings {
    /// Defaults, sending users who sign in on the website to `login_url`
    /// (with `?reset=done`) after a reset.
    pub fn new(login_url: impl Into<String>) -> Self {
        let login_url = login_url.into();
        let joiner = if login_url.contains('?') { '&' } else { '?' };
        Self {
            after_reset_url: format!("{login_url}{joiner}reset=done"),
            admin_path: "/admin/users".to_owned(),
            max_body_bytes: 16 * 1024,
            strength_checks_per_minute: 120,
            layout: Arc::new(StandaloneLayout),
            admin_origins: Vec::new(),
            serve_path: None,
        }
    }

    /// Wraps the reset pages in `layout` (the host's own page).
    pub fn layout(mut self, layout: impl PageLayout) -> Self {
        self.layout = Arc::new(layout);
        self
    }

    /// Sends users who sign in on the website to exactly `url` after a reset.
    pub fn after_reset(mut self, url: impl Into<String>) -> Self {
        self.after_reset_url = url.into();
        self
    }

    /// Serves the admin routes under `path` (say `/accounts`) instead of `/admin/users`.
    pub fn admin_path(mut self, path: impl Into<String>) -> Self {
        self.admin_path = path.into().trim_end_matches('/').to_owned();
        self
    }

    /// Also accepts the admin POSTs, with the browser's cookies, from pages
    /// of these origins (`scheme://host[:port]`, as browsers send them in
    /// `Origin`): an admin UI on another origin. Every other origin stays
    /// refused. Requests with [`Credentials::Explicit`] need no entry here.
    /// The host still answers CORS itself (see the crate docs).
    /// [`ResetWeb::try_new`] refuses an entry that is not an origin.
    ///
    /// ```
    /// # use inzant_reset_axum::WebSettings;
    /// let settings = WebSettings::new("/login").allow_admin_origins(["https://admin.example.com"]);
    /// assert_eq!(settings.admin_origins, ["https://admin.example.com"]);
    /// ```
    pub fn allow_admin_origins<I>(mut self, origins: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.admin_origins.extend(origins.into_iter().map(Into::into));
        self
    }

    /// Serves the routes at `path` (say `""` or `/`) instead of the public
    /// URL's path (say `/crm`), for a proxy that strips that prefix before
    /// the app sees the request. Links in emails still carry the public URL.
    /// `path` must be the end of the public URL's path, whole segments
    /// (for `/apps/crm`: `/apps/crm`, `/crm` or `""`); [`ResetWeb::try_new`]
    /// refuses anything else with [`SettingsError::ServePath`].
    pub fn serve_path(mut self, path: impl Into<String>) -> Self {
        let path = path.into();
        let path = path.trim().trim_end_matches('/');
        self.serve_path = Some(match path {
            "" => String::new(),
            path if path.starts_with('/') => path.to_owned(),
            path => format!("/{path}"),
        });
        self
    }
}

impl std::fmt::Debug for WebSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebSettings")
            .field("after_reset_url", &self.after_reset_url)
            .field("admin_path", &self.admin_path)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("strength_checks_per_minute", &self.strength_checks_per_minute)
            .field("admin_origins", &self.admin_origins)
            .field("serve_path", &self.serve_path)
            .finish_non_exhaustive()
    }
}

/// Settings [`ResetWeb::try_new`] refuses, with a sentence saying why.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SettingsError {
    /// [`WebSettings::serve_path`] is not the end of the public URL's path,
    /// so no prefix-stripping proxy can bring the emailed links there.
    ServePath {
        /// The public URL's path (`/crm`).
        public_path: String,
        /// The serve path given (`/other`).
        serve_path: String,
    },
    /// An entry of [`WebSettings::allow_admin_origins`] is not an origin
    /// (`https://admin.example.com`, no path, no `*`).
    AdminOrigin {
        /// The entry as given.
        origin: String,
    },
}

impl std::fmt::Display for SettingsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::ServePath { public_path, serve_path } => write!(
                f,
                "the reset routes cannot be served at {serve_path:?}: emailed links use the public \
                 URL's path {public_path:?}, and a proxy that strips a prefix from it leaves one of \
                 its ends (the whole path, its last segments, or \"\")"
            ),
            Self::AdminOrigin { origin } => write!(
                f,
                "{origin:?} cannot be an allowed admin origin: give scheme://host[:port], \
                 as browsers send it in Origin (no path, no wildcard)"
            ),
        }
    }
}

impl std::error::Error for SettingsError {}

/// The path the routes are served at: the serve path when it is the end of
/// the public URL's path (whole segments), else the public URL's path.
pub(crate) fn serve_base(service: &ResetService, settings: &WebSettings) -> Result<String, SettingsError> {
    let public_path = service.public_url().path();
    let Some(serve_path) = &settings.serve_path else {
        return Ok(public_path.to_owned());
    };
    // The public path is empty or `/segment…`; a serve path starting with
    // `/` that ends it starts at a segment boundary.
    let fits =
        serve_path.is_empty() || (serve_path.starts_with('/') && public_path.ends_with(serve_path.as_str()));
    if fits {
        Ok(serve_path.clone())
    } else {
        Err(SettingsError::ServePath { public_path: public_path.to_owned(), serve_path: serve_path.clone() })
    }
}

/// An allowed admin origin as browsers send it, lower-case.
pub(crate) fn admin_origin(origin: &str) -> Result<String, SettingsError> {
    let refused = || SettingsError::AdminOrigin { origin: origin.to_owned() };
    let url = inzant_reset_core::url::PublicUrl::parse(origin).map_err(|_| refused())?;
    let trimmed = origin.strip_suffix('/').unwrap_or(origin);
    if url.path().is_empty() && url.origin().eq_ignore_ascii_case(trimmed) {
        Ok(url.origin().to_owned())
    } else {
        Err(refused())
    }
}
