//! Real mail delivery (feature `smtp`): [`SmtpMailer`] hands each email to an
//! SMTP server through lettre, and [`FileMailer`] writes it as an `.eml` file
//! for development.
//!
//! Both build the same message: `multipart/alternative` with the plain-text
//! part first and the HTML part second; `From`, `Reply-To` and `To` from the
//! [`Email`] (the envelope recipient is `email.to` and nothing else: the
//! user's username); a `Message-ID` under the sender's domain; `Date`; display
//! names and subjects encoded as RFC 2047 words when they are not ASCII.
//!
//! Errors never quote the message: the body holds the link and the code, so
//! a refusal is reported by its SMTP reply code and not by the server's
//! words (a server may echo what it was sent).
//!
//! Both mailers use Tokio: build and use them inside a Tokio runtime with
//! I/O and time enabled (as `#[tokio::main]` gives).

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use lettre::address::Envelope;
use lettre::message::{Mailbox as Addressee, MultiPart};
use lettre::transport::smtp::{AsyncSmtpTransportBuilder, Error as SmtpError};
use lettre::{Address, AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;
use tokio::runtime::Handle;

use crate::email::{Email, Mailbox};
use crate::error::MailError;
use crate::ports::Mailer;
use crate::secret::OsRandom;

/// How long [`SmtpMailer`] waits for a TCP (and TLS) connection by default.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long [`SmtpMailer`] waits by default for the whole hand-over of one
/// email: connecting, the greeting, every SMTP command and the data.
pub const DEFAULT_SEND_TIMEOUT: Duration = Duration::from_secs(30);

/// A [`Mailer`] that sends through an SMTP server, over a pool of reused
/// connections, with TLS by rustls.
///
/// The server is given as a URL, as lettre reads it:
///
/// | URL | Connection |
/// |-----|------------|
/// | `smtp://host:port` | plain TCP (a local relay or a test server) |
/// | `smtp://host:587?tls=required` | STARTTLS, refused if the server does not offer it |
/// | `smtp://host:587?tls=opportunistic` | STARTTLS when offered |
/// | `smtps://host:465` | TLS from the first byte |
///
/// Any of them may carry credentials, `smtps://user:password@host`, with
/// reserved characters percent-encoded (`@` as `%40`). Credentials are never
/// shown in errors or `Debug`.
///
/// A send that runs past the send timeout fails, and the mailer starts a
/// fresh pool: the abandoned connection may still be mid-transaction, so it
/// must never carry the next email. (lettre then closes it with a `QUIT`,
/// which waits until the stalled server answers or drops the connection.)
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), inzant_reset_core::error::MailError> {
/// use std::time::Duration;
/// use inzant_reset_core::smtp::SmtpMailer;
///
/// // Defaults: 10 s to connect, 30 s for the whole hand-over.
/// let relay = SmtpMailer::from_url("smtp://127.0.0.1:2525")?;
///
/// let provider = SmtpMailer::builder("smtps://reset%40inzant.example:s3cret@smtp.inzant.example")?
///     .connect_timeout(Duration::from_secs(5))
///     .send_timeout(Duration::from_secs(15))
///     .build()?;
/// assert!(!format!("{provider:?}").contains("s3cret"));
/// # Ok(()) }
/// ```
pub struct SmtpMailer {
    /// Kept to start a fresh pool after a timed-out send.
    builder: AsyncSmtpTransportBuilder,
    /// `None` only while the mailer is being dropped.
    transport: Mutex<Option<AsyncSmtpTransport<Tokio1Executor>>>,
    /// The runtime the pool's tasks live on, entered to drop the pool.
    runtime: Handle,
    server: String,
    send_timeout: Duration,
    random: OsRandom,
}

/// Configures an [`SmtpMailer`]; see [`SmtpMailer::builder`].
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), inzant_reset_core::error::MailError> {
/// use std::time::Duration;
/// use inzant_reset_core::smtp::SmtpMailer;
///
/// let mailer = SmtpMailer::builder("smtp://mail.inzant.example:587?tls=required")?
///     .send_timeout(Duration::from_secs(20))
///     .build()?;
/// # let _ = mailer;
/// # Ok(()) }
/// ```
pub struct SmtpMailerBuilder {
    transport: AsyncSmtpTransportBuilder,
    server: String,
    connect_timeout: Duration,
    send_timeout: Duration,
}

impl SmtpMailer {
    /// A mailer for the server at `url`, with the default timeouts.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), inzant_reset_core::error::MailError> {
    /// let mailer = inzant_reset_core::smtp::SmtpMailer::from_url("smtp://127.0.0.1:2525")?;
    /// # let _ = mailer;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`SmtpMailer::builder`] and [`SmtpMailerBuilder::build`].
    pub fn from_url(url: &str) -> Result<Self, MailError> {
        Self::builder(url)?.build()
    }

    /// Starts configuring a mailer for the server at `url` (see the table
    /// above). Nothing is connected until the first email is sent.
    ///
    /// # Examples
    ///
    /// ```
    /// use inzant_reset_core::smtp::SmtpMailer;
    ///
    /// assert!(SmtpMailer::builder("smtp://127.0.0.1:2525").is_ok());
    /// assert!(SmtpMailer::builder("http://127.0.0.1").is_err());
    /// ```
    ///
    /// # Errors
    /// A URL lettre cannot use: not a URL, no host, a scheme other than
    /// `smtp`/`smtps`, or an unknown `tls` parameter.
    pub fn builder(url: &str) -> Result<SmtpMailerBuilder, MailError> {
        let server = without_credentials(url);
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url).map_err(|error| {
            MailError::with_source(
                format!(
                    "the SMTP URL {server} is not usable; expected smtp://host:port, \
                     smtp://host:port?tls=required or smtps://host:port, optionally with user:password@"
                ),
                error,
            )
        })?;
        Ok(SmtpMailerBuilder {
            transport,
            server,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            send_timeout: DEFAULT_SEND_TIMEOUT,
        })
    }

    /// The server, as configured but without credentials (for logs and pages).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), inzant_reset_core::error::MailError> {
    /// use inzant_reset_core::smtp::SmtpMailer;
    ///
    /// let mailer = SmtpMailer::from_url("smtp://reset:s3cret@127.0.0.1:2525")?;
    /// assert_eq!(mailer.server(), "smtp://127.0.0.1:2525");
    /// # Ok(()) }
    /// ```
    pub fn server(&self) -> &str {
        &self.server
    }

    fn transport(&self) -> Result<AsyncSmtpTransport<Tokio1Executor>, MailError> {
        lock(&self.transport).clone().ok_or_else(|| MailError::new("the SMTP mailer has been shut down"))
    }

    /// Replaces the pool, so that a connection abandoned mid-transaction is
    /// never handed to the next email.
    fn restart_pool(&self) {
        let fresh = self.builder.clone().build::<Tokio1Executor>();
        let old = lock(&self.transport).replace(fresh);
        drop(old);
    }
}

impl SmtpMailerBuilder {
    /// How long to wait for the connection to be established (default
    /// [`DEFAULT_CONNECT_TIMEOUT`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use inzant_reset_core::smtp::SmtpMailer;
    ///
    /// let builder = SmtpMailer::builder("smtp://127.0.0.1:2525").unwrap().connect_timeout(Duration::from_secs(3));
    /// # let _ = builder;
    /// ```
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one email may take from connecting to the server's last
    /// reply (default [`DEFAULT_SEND_TIMEOUT`]). A server that accepts the
    /// connection and then stalls fails the send after this long.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use inzant_reset_core::smtp::SmtpMailer;
    ///
    /// let builder = SmtpMailer::builder("smtp://127.0.0.1:2525").unwrap().send_timeout(Duration::from_secs(15));
    /// # let _ = builder;
    /// ```
    pub fn send_timeout(mut self, timeout: Duration) -> Self {
        self.send_timeout = timeout;
        self
    }

    /// The mailer. Its pool keeps a maintenance task on the current Tokio
    /// runtime, so this must be called inside one.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), inzant_reset_core::error::MailError> {
    /// let mailer = inzant_reset_core::smtp::SmtpMailer::builder("smtp://127.0.0.1:2525")?.build()?;
    /// # let _ = mailer;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// Called outside a Tokio runtime.
    pub fn build(self) -> Result<SmtpMailer, MailError> {
        let runtime = current_runtime()?;
        let builder = self.transport.timeout(Some(self.connect_timeout));
        let transport = builder.clone().build::<Tokio1Executor>();
        Ok(SmtpMailer {
            builder,
            transport: Mutex::new(Some(transport)),
            runtime,
            server: self.server,
            send_timeout: self.send_timeout,
            random: OsRandom,
        })
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, email: &Email) -> Result<(), MailError> {
        current_runtime()?;
        let message = compose(email, &self.random)?;
        let transport = self.transport()?;
        match tokio::time::timeout(self.send_timeout, transport.send(message)).await {
            Ok(Ok(_)) => {
                tracing::debug!(server = %self.server, kind = ?email.kind(), "email accepted by the SMTP server");
                Ok(())
            }
            Ok(Err(error)) => Err(smtp_failure(&self.server, error)),
            Err(_elapsed) => {
                self.restart_pool();
                Err(MailError::new(format!(
                    "the SMTP server {} did not accept the email within {} s",
                    self.server,
                    self.send_timeout.as_secs_f64()
                )))
            }
        }
    }
}

impl Drop for SmtpMailer {
    fn drop(&mut self) {
        // lettre's pool spawns its clean-up when dropped, which needs a
        // runtime context even if the mailer is dropped outside one.
        let _entered = self.runtime.enter();
        let transport = self.transport.get_mut().unwrap_or_else(PoisonError::into_inner).take();
        drop(transport);
    }
}

impl fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpMailer")
            .field("server", &self.server)
            .field("send_timeout", &self.send_timeout)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for SmtpMailerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpMailerBuilder")
            .field("server", &self.server)
            .field("connect_timeout", &self.connect_timeout)
            .field("send_timeout", &self.send_timeout)
            .finish_non_exhaustive()
    }
}

/// A [`Mailer`] that writes each email as an `.eml` file into a directory
/// (created when missing) and logs the file's path: the demo's default, so
/// a developer can open the message in a mail client.
///
/// The files hold live links and codes. Use it for development only.
///
/// # Examples
///
/// ```
/// use inzant_reset_core::smtp::FileMailer;
///
/// let mailer = FileMailer::new("target/outbox");
/// assert_eq!(mailer.dir(), std::path::Path::new("target/outbox"));
/// ```
pub struct FileMailer {
    dir: PathBuf,
    transport: AsyncFileTransport<Tokio1Executor>,
    random: OsRandom,
}

impl FileMailer {
    /// A mailer writing into `dir`.
    ///
    /// # Examples
    ///
    /// ```
    /// let mailer = inzant_reset_core::smtp::FileMailer::new(std::env::temp_dir().join("inzant-outbox"));
    /// # let _ = mailer;
    /// ```
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        let dir = dir.into();
        let transport = AsyncFileTransport::new(&dir);
        Self { dir, transport, random: OsRandom }
    }

    /// The directory the `.eml` files go to.
    ///
    /// # Examples
    ///
    /// ```
    /// use inzant_reset_core::smtp::FileMailer;
    ///
    /// assert_eq!(FileMailer::new("outbox").dir(), std::path::Path::new("outbox"));
    /// ```
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

#[async_trait]
impl Mailer for FileMailer {
    async fn send(&self, email: &Email) -> Result<(), MailError> {
        current_runtime()?;
        let message = compose(email, &self.random)?;
        let shown = self.dir.display();
        tokio::fs::create_dir_all(&self.dir).await.map_err(|error| {
            MailError::with_source(format!("could not create the mail directory {shown}"), error)
        })?;
        let id = self.transport.send(message).await.map_err(|error| {
            MailError::with_source(format!("could not write the email into {shown}"), error)
        })?;
        let path = self.dir.join(format!("{id}.eml"));
        tracing::info!(path = %path.display(), kind = ?email.kind(), "email written");
        Ok(())
    }
}

impl fmt::Debug for FileMailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileMailer").field("dir", &self.dir).finish_non_exhaustive()
    }
}

/// The MIME message for `email`, addressed to `email.to` alone.
fn compose(email: &Email, random: &OsRandom) -> Result<Message, MailError> {
    let from = addressee(&email.from, "From")?;
    let to = addressee(&email.to, "To")?;
    let envelope = Envelope::new(Some(from.email.clone()), vec![to.email.clone()])
        .map_err(|error| MailError::with_source("the email has no usable envelope", error))?;
    let mut builder = Message::builder()
        .message_id(Some(message_id(&from.email, random)?))
        .date_now()
        .from(from)
        .to(to)
        .subject(email.subject.as_str())
        .envelope(envelope);
    if let Some(reply_to) = &email.reply_to {
        builder = builder.reply_to(addressee(reply_to, "Reply-To")?);
    }
    let body = MultiPart::alternative_plain_html(
        email.text.expose_secret().to_owned(),
        email.html.expose_secret().to_owned(),
    );
    builder.multipart(body).map_err(|error| MailError::with_source("the email could not be composed", error))
}

fn addressee(mailbox: &Mailbox, field: &str) -> Result<Addressee, MailError> {
    let address: Address = mailbox.address.parse().map_err(|error| {
        MailError::with_source(
            format!("the {field} address {:?} is not a valid email address", mailbox.address),
            error,
        )
    })?;
    Ok(Addressee::new(mailbox.name.clone(), address))
}

/// `<32 hex digits@sender's domain>`: unique, and under a domain the sender
/// controls (RFC 5322 §3.6.4).
fn message_id(from: &Address, random: &OsRandom) -> Result<String, MailError> {
    let mut bytes = [0_u8; 16];
    random.fill(&mut bytes).map_err(|error| MailError::with_source("no Message-ID could be made", error))?;
    let unique: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    Ok(format!("<{unique}@{}>", from.domain()))
}

/// What went wrong, in words that never quote the server's reply.
fn smtp_failure(server: &str, error: SmtpError) -> MailError {
    if let Some(code) = error.status() {
        let how = if error.is_transient() { "temporarily refused" } else { "refused" };
        return MailError::new(format!("the SMTP server {server} {how} the email (reply code {code})"));
    }
    if error.is_response() {
        return MailError::new(format!("the SMTP server {server} sent a reply that is not valid SMTP"));
    }
    let what = if error.is_timeout() {
        "timed out connecting to the SMTP server"
    } else if error.is_tls() {
        "could not set up TLS with the SMTP server"
    } else {
        "could not hand the email to the SMTP server"
    };
    MailError::with_source(format!("{what} {server}"), error)
}

fn current_runtime() -> Result<Handle, MailError> {
    Handle::try_current().map_err(|_| MailError::new("mail can only be sent from inside a Tokio runtime"))
}

/// `scheme://host:port` of `url`: no credentials, path or query.
fn without_credentials(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("smtp", url));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    format!("{scheme}://{host}")
}

/// The pool slot is valid even after a panic elsewhere: it is only ever
/// replaced whole.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_names_hide_credentials_paths_and_queries() {
        assert_eq!(without_credentials("smtp://127.0.0.1:2525"), "smtp://127.0.0.1:2525");
        assert_eq!(
            without_credentials("smtps://u%40x:p@ss@mail.example:465/helo"),
            "smtps://mail.example:465"
        );
        assert_eq!(without_credentials("smtp://user:pw@mail.example?tls=required"), "smtp://mail.example");
    }

    #[test]
    fn an_unusable_url_names_the_server_but_not_the_password() {
        let error = SmtpMailer::builder("imap://user:s3cret@mail.example").unwrap_err().to_string();
        assert!(error.contains("imap://mail.example"), "{error}");
        assert!(!error.contains("s3cret"), "{error}");
    }

    #[test]
    fn building_outside_a_runtime_is_an_error_not_a_panic() {
        let error = SmtpMailer::from_url("smtp://127.0.0.1:2525").unwrap_err();
        assert!(error.to_string().contains("Tokio runtime"));
    }

    #[test]
    fn a_mailer_built_in_a_runtime_can_be_dropped_outside_it() {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let mailer = runtime.block_on(async { SmtpMailer::from_url("smtp://127.0.0.1:2525") }).unwrap();
        drop(mailer);
    }
}
