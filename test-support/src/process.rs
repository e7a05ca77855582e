//! Child processes that cannot outlive the test process.

use std::fs::File;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Mutex;

/// Runs every child under `sh -c WATCHDOG sh program args…`: the program
/// runs in the background in a process group of its own (`setsid`), and the
/// shell waits for end of file on its stdin (the test process's pipe), then
/// kills that group and removes `$INZANT_CLEANUP` (the service's temporary
/// directory). So the service stops, and leaves nothing behind, when the
/// test process ends, even when it is killed.
const WATCHDOG: &str = r#"setsid "$@" &
child=$!
read _ignored
kill -s KILL -- "-$child" 2>/dev/null
wait "$child" 2>/dev/null
if [ -n "$INZANT_CLEANUP" ]; then rm -rf -- "$INZANT_CLEANUP"; fi"#;

/// A service process in a process group of its own, stopped when this
/// value is dropped or the test process ends.
pub struct Supervised {
    name: String,
    child: Mutex<Child>,
    stdin: Option<ChildStdin>,
}

impl Supervised {
    /// Starts `command` (its program and arguments; its environment) under
    /// the watchdog, its output written to `log`; `cleanup`, if given, is
    /// removed once the service has stopped.
    ///
    /// # Panics
    /// The log cannot be created or the shell not started.
    pub fn start(name: &str, command: Command, log: &Path, cleanup: Option<&Path>) -> Self {
        let out = File::create(log).unwrap_or_else(|e| panic!("cannot create {}: {e}", log.display()));
        let err = out.try_clone().unwrap_or_else(|e| panic!("cannot share {}: {e}", log.display()));
        let mut shell = Command::new("/bin/sh");
        shell.arg("-c").arg(WATCHDOG).arg("sh").arg(command.get_program()).args(command.get_args());
        for (key, value) in command.get_envs() {
            match value {
                Some(value) => shell.env(key, value),
                None => shell.env_remove(key),
            };
        }
        if let Some(dir) = cleanup {
            shell.env("INZANT_CLEANUP", dir);
        }
        shell.stdin(Stdio::piped()).stdout(Stdio::from(out)).stderr(Stdio::from(err)).process_group(0);
        let mut child = shell.spawn().unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        let stdin = child.stdin.take();
        Self { name: name.to_owned(), child: Mutex::new(child), stdin }
    }

    /// Whether the watchdog (and so the service) is still running.
    pub fn is_running(&self) -> bool {
        let mut child = self.child.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        matches!(child.try_wait(), Ok(None))
    }

    /// The name given at start.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for Supervised {
    fn drop(&mut self) {
        // Closing the pipe makes the watchdog stop the service and clean up.
        drop(self.stdin.take());
        let mut child = self.child.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let _ = child.wait();
    }
}
