//! The adapter itself: [`ResetWeb`] and its routes.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use inzant_reset_core::ResetService;

use crate::gate::AdminGate;
use crate::settings::{SettingsError, WebSettings, admin_origin, serve_base};
use crate::{admin, assets, headers, limit, reset};

/// The adapter: a core service, the host's admin gate and the settings.
#[derive(Clone)]
pub struct ResetWeb {
    pub(crate) inner: Arc<Inner>,
}

/// What every handler shares.
pub(crate) struct Inner {
    pub(crate) service: Arc<ResetService>,
    pub(crate) gate: Arc<dyn AdminGate>,
    pub(crate) settings: WebSettings,
    pub(crate) limiter: limit::PerLink,
    pub(crate) opened: limit::OpenedCache,
    /// Where the routes are mounted: [`ResetWeb::base_path`].
    pub(crate) base: String,
    /// The allowed admin origins, checked and lower-case.
    pub(crate) admin_origins: Vec<String>,
}

impl ResetWeb {
    /// An adapter over `service`, trusting `gate` for admin identity.
    ///
    /// Settings [`ResetWeb::try_new`] would refuse are logged as errors and
    /// left out: a wrong [`WebSettings::serve_path`] serves the routes at
    /// the public URL's path, a wrong admin origin allows nothing. With
    /// either setting, prefer [`ResetWeb::try_new`].
    pub fn new(service: Arc<ResetService>, gate: Arc<dyn AdminGate>, settings: WebSettings) -> Self {
        let base = match serve_base(&service, &settings) {
            Ok(base) => base,
            Err(error) => {
                tracing::error!(%error, "the serve path is ignored");
                service.public_url().path().to_owned()
            }
        };
        let mut admin_origins = Vec::new();
        for origin in &settings.admin_origins {
            match admin_origin(origin) {
                Ok(origin) => admin_origins.push(origin),
                Err(error) => tracing::error!(%error, "an allowed admin origin is ignored"),
            }
        }
        Self::build(service, gate, settings, base, admin_origins)
    }

    /// An adapter over `service`, trusting `gate` for admin identity, after
    /// checking `settings` against the service's public URL.
    ///
    /// # Errors
    /// [`SettingsError::ServePath`] when [`WebSettings::serve_path`] is not
    /// the end of the public URL's path; [`SettingsError::AdminOrigin`] when
    /// an entry of [`WebSettings::allow_admin_origins`] is not an origin.
    pub fn try_new(
        service: Arc<ResetService>,
        gate: Arc<dyn AdminGate>,
        settings: WebSettings,
    ) -> Result<Self, SettingsError> {
        let base = serve_base(&service, &settings)?;
        let admin_origins =
            settings.admin_origins.iter().map(|o| admin_origin(o)).collect::<Result<_, _>>()?;
        Ok(Self::build(service, gate, settings, base, admin_origins))
    }

    fn build(
        service: Arc<ResetService>,
        gate: Arc<dyn AdminGate>,
        settings: WebSettings,
        base: String,
        admin_origins: Vec<String>,
    ) -> Self {
        let inner = Inner {
            limiter: limit::PerLink::new(settings.strength_checks_per_minute),
            opened: limit::OpenedCache::default(),
            service,
            gate,
            settings,
            base,
            admin_origins,
        };
        Self { inner: Arc::new(inner) }
    }

    /// The path every route is mounted under: [`WebSettings::serve_path`]
    /// when set, else the public URL's path (empty, or `/segment…`).
    pub fn base_path(&self) -> &str {
        &self.inner.base
    }

    /// The service behind the pages.
    pub fn service(&self) -> &Arc<ResetService> {
        &self.inner.service
    }

    /// Every route of the module docs under the public URL's mount path:
    /// [`ResetWeb::pages`] and [`ResetWeb::admin`] together. Merge it into
    /// the host's router.
    pub fn router(&self) -> Router {
        self.pages().merge(self.admin())
    }

    /// The user's routes only (the reset page, submit, strength, assets):
    /// public, so they need none of the host's session or sign-in layers.
    pub fn pages(&self) -> Router {
        let base = self.base_path().to_owned();
        Router::new()
            .route(&format!("{base}/password-reset/complete"), get(reset::complete_page))
            .route(&format!("{base}/password-reset/assets/reset.js"), get(assets::script))
            .route(&format!("{base}/password-reset/assets/reset.css"), get(assets::style))
            .route(&format!("{base}/password-reset/{{token}}"), get(reset::show).post(reset::submit))
            .route(&format!("{base}/password-reset/{{token}}/strength"), post(reset::strength))
            .layer(axum::middleware::map_response(headers::reset_page))
            .layer(DefaultBodyLimit::max(self.inner.settings.max_body_bytes))
            .with_state(self.clone())
    }

    /// The admin's routes only (trigger, status, cancel), under
    /// [`WebSettings::admin_path`]: give them the host's session and
    /// sign-in layers.
    pub fn admin(&self) -> Router {
        let base = format!("{}{}", self.base_path(), self.inner.settings.admin_path);
        Router::new()
            .route(&format!("{base}/{{id}}/reset-password"), post(admin::trigger))
            .route(&format!("{base}/{{id}}/reset-status"), get(admin::status))
            .route(&format!("{base}/{{id}}/cancel-reset"), post(admin::cancel))
            .layer(axum::middleware::map_response(headers::admin_answer))
            .layer(DefaultBodyLimit::max(self.inner.settings.max_body_bytes))
            .with_state(self.clone())
    }

    /// Every `every`, purges requests that ended or expired more than
    /// `retention` ago (at least a day), on the current Tokio runtime. Keep
    /// the handle to stop it.
    pub fn spawn_purge(&self, every: Duration, retention: Duration) -> tokio::task::JoinHandle<()> {
        let service = Arc::clone(&self.inner.service);
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every.max(Duration::from_secs(1)));
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                // The service logs what it purged, or why it could not.
                let _ = service.purge(retention).await;
            }
        })
    }
}

impl std::fmt::Debug for ResetWeb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResetWeb")
            .field("base_path", &self.inner.base)
            .field("settings", &self.inner.settings)
            .finish_non_exhaustive()
    }
}
