//! Logs written to memory, for tests that read what was logged.

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use tracing::Level;
use tracing::subscriber::DefaultGuard;

/// What a fmt subscriber wrote (no colours, no times), shared between the
/// subscriber and the test. Clones share the buffer.
#[derive(Clone, Default)]
pub struct CapturedLogs(Arc<Mutex<Vec<u8>>>);

impl CapturedLogs {
    /// An empty capture.
    pub fn new() -> Self {
        Self::default()
    }

    /// A subscriber logging everything up to `level` into this capture, for
    /// `tracing::subscriber::set_default` or `set_global_default`.
    pub fn subscriber(&self, level: Level) -> impl tracing::Subscriber + Send + Sync + 'static {
        let writer = self.clone();
        tracing_subscriber::fmt()
            .with_max_level(level)
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .without_time()
            .finish()
    }

    /// Captures this thread's logs up to `level` until the guard is dropped.
    pub fn start(&self, level: Level) -> DefaultGuard {
        tracing::subscriber::set_default(self.subscriber(level))
    }

    /// Everything captured so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.buffer()).into_owned()
    }

    /// Everything captured since the last `take`, emptying the capture.
    pub fn take(&self) -> String {
        String::from_utf8_lossy(&std::mem::take(&mut *self.buffer())).into_owned()
    }

    fn buffer(&self) -> std::sync::MutexGuard<'_, Vec<u8>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Write for CapturedLogs {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buffer().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
