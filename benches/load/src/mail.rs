//! Reading reset emails (links and codes) from the demo's mail directory.
//!
//! The demo writes each email as an `.eml` file. A spawned demo writes into
//! a fresh temporary directory; a `--target` writes into its own
//! `INZANT_MAIL_DIR`, which this machine reads through `--mail-dir` (a
//! shared mount) and which may hold emails of earlier runs: so a
//! [`Mailbox`] remembers the files present when it was opened and reads
//! only the ones written after.

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use mail_parser::MessageParser;

use crate::Fallible;

/// A reset email's link (its path, so it can be requested from the target
/// whatever public URL the demo builds links with) and code.
#[derive(Clone, Debug)]
pub struct Link {
    pub path: String,
    pub code: String,
}

/// The emails written to a directory since a point in time.
pub struct Mailbox {
    dir: PathBuf,
    seen: HashSet<OsString>,
}

impl Mailbox {
    /// Opens `dir`, remembering the emails already there.
    pub fn open(dir: &Path) -> Fallible<Self> {
        let seen =
            eml_files(dir)?.into_iter().filter_map(|path| path.file_name().map(OsString::from)).collect();
        Ok(Self { dir: dir.to_owned(), seen })
    }

    /// The link and code emailed to each of `usernames`, in that order.
    /// Waits a little for emails still on their way (a shared mount may
    /// show new files late); fails naming the first user without one.
    pub async fn links_for(&self, usernames: &[String]) -> Fallible<Vec<Link>> {
        let started = Instant::now();
        loop {
            let emails = self.reset_emails()?;
            let missing = usernames.iter().find(|name| !emails.contains_key(&name.to_ascii_lowercase()));
            match missing {
                None => {
                    return Ok(usernames
                        .iter()
                        .filter_map(|n| emails.get(&n.to_ascii_lowercase()).cloned())
                        .collect());
                }
                Some(name) if started.elapsed() > Duration::from_secs(10) => {
                    return Err(format!(
                        "no reset email for {name} in {}: its trigger was refused",
                        self.dir.display()
                    ));
                }
                Some(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        }
    }

    /// Every reset email written since the mailbox was opened: recipient
    /// (lower case) → link and code.
    fn reset_emails(&self) -> Fallible<HashMap<String, Link>> {
        let mut links = HashMap::new();
        for path in eml_files(&self.dir)? {
            if path.file_name().is_some_and(|name| self.seen.contains(name)) {
                continue;
            }
            let bytes =
                std::fs::read(&path).map_err(|error| format!("cannot read {}: {error}", path.display()))?;
            let Some((to, link)) =
                parse_reset_email(&bytes).map_err(|error| format!("{}: {error}", path.display()))?
            else {
                continue; // a "password changed" notice
            };
            if links.insert(to.clone(), link).is_some() {
                return Err(format!("two reset emails went to {to} in {}", self.dir.display()));
            }
        }
        Ok(links)
    }
}

fn eml_files(dir: &Path) -> Fallible<Vec<PathBuf>> {
    let entries =
        std::fs::read_dir(dir).map_err(|error| format!("cannot read {}: {error}", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(|error| format!("cannot read {}: {error}", dir.display()))?.path();
        if path.extension().is_some_and(|extension| extension == "eml") {
            files.push(path);
        }
    }
    Ok(files)
}

/// The recipient, link and code of a reset email; `None` for other email.
fn parse_reset_email(bytes: &[u8]) -> Fallible<Option<(String, Link)>> {
    let message = MessageParser::default().parse(bytes).ok_or("not an email")?;
    let Some(text) = message.body_text(0) else { return Ok(None) };
    let lines = || text.lines().map(str::trim);
    let Some(link) = lines().find(|line| line.starts_with("http") && line.contains("/password-reset/"))
    else {
        return Ok(None);
    };
    let path = link_path(link).ok_or_else(|| format!("the link {link:?} has no path"))?;
    let code = lines()
        .find(|line| line.len() == 6 && line.bytes().all(|b| b.is_ascii_digit()))
        .ok_or("a link but no 6-digit code")?;
    let to = message.to().and_then(|to| to.first()).and_then(|to| to.address()).ok_or("no recipient")?;
    Ok(Some((to.to_ascii_lowercase(), Link { path: path.to_owned(), code: code.to_owned() })))
}

/// `/password-reset/…` of `https://host:port/password-reset/…`.
fn link_path(url: &str) -> Option<&str> {
    let after_scheme = url.get(url.find("://")? + 3..)?;
    after_scheme.get(after_scheme.find('/')?..)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const RESET: &str = "From: reset@inzant.example\r\nTo: load-00001@inzant.example\r\n\
        Subject: Reset\r\nContent-Type: text/plain\r\n\r\nHello,\r\n\r\n\
        https://sales.example.com/password-reset/AbC-123_x\r\n\r\nCode:\r\n042917\r\n";

    #[test]
    fn a_reset_email_gives_its_recipient_path_and_code() {
        let (to, link) = parse_reset_email(RESET.as_bytes()).unwrap().unwrap();
        assert_eq!(to, "load-00001@inzant.example");
        assert_eq!((link.path.as_str(), link.code.as_str()), ("/password-reset/AbC-123_x", "042917"));
    }

    #[test]
    fn other_emails_are_skipped() {
        let notice = "To: a@b.example\r\nSubject: Changed\r\n\r\nYour password was changed.\r\n";
        assert!(parse_reset_email(notice.as_bytes()).unwrap().is_none());
    }

    #[tokio::test]
    async fn a_mailbox_reads_only_emails_written_after_it_was_opened() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("old.eml"), RESET).unwrap();
        let mailbox = Mailbox::open(dir.path()).unwrap();
        let users = ["load-00001@inzant.example".to_owned()];
        std::fs::write(dir.path().join("new.eml"), RESET.replace("042917", "555111")).unwrap();
        let links = mailbox.links_for(&users).await.unwrap();
        assert_eq!(links.first().map(|link| link.code.as_str()), Some("555111"));
    }
}
