//! A local mirror of Pwned Passwords, for deployments that do not call out.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use inzant_reset_core::breach::{
    BreachError, LineProblem, PasswordSha1, RANGES, RangeError, RangeSuffix, parse_hash_line, parse_prefix,
    parse_range, prefix_hex, range_entries,
};
use inzant_reset_core::ports::BreachedPasswords;

/// The longest line of a sorted file: 40 digits, a colon, 20 digits, CR.
const MAX_LINE: usize = 62;
/// Below this many bytes the binary search reads the rest at once.
const SCAN_WINDOW: u64 = 4096;

/// How much of a mirror [`LocalMirror::open_with`] reads to check it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MirrorCheck {
    /// Every line: every range file parses, the sorted file's every line
    /// has the right shape and the hashes increase. The default; for the
    /// whole official data set (about 40 GB) that reads all of it.
    #[default]
    Full,
    /// About this many range files or lines, spread evenly, always with
    /// the first and the last; plus, for a directory, that no range file
    /// is empty, and for a sorted file, that it ends with a whole line and
    /// the sampled hashes increase. For very large mirrors.
    Sample(usize),
}

/// Why a mirror could not be opened or read. Names the file (and line)
/// at fault.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MirrorError {
    /// The file or directory could not be read.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// A directory without any file named as a range (`ABCDE` or `ABCDE.txt`).
    #[error("{}: no range files (named ABCDE.txt or ABCDE, five hexadecimal digits) in this directory", .path.display())]
    NoRanges {
        /// The directory.
        path: PathBuf,
    },
    /// Range files named in more than one way (`ABCDE.txt` and `ABCDE`,
    /// upper and lower case), or two files for one range.
    #[error("{}: {problem}", .path.display())]
    Naming {
        /// The file at fault.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// An empty range file or sorted file: probably cut short.
    #[error("{}: the file is empty (truncated?)", .path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// A range file that does not parse.
    #[error("{}: not a range (truncated or corrupt?): {error}", .path.display())]
    BadRange {
        /// The file.
        path: PathBuf,
        /// What is wrong, on which line.
        #[source]
        error: RangeError,
    },
    /// A line of the sorted file is not `SHA1:COUNT`.
    #[error("{}: the line at byte {offset} is not SHA1:COUNT (truncated or corrupt?): {problem}", .path.display())]
    BadLine {
        /// The file.
        path: PathBuf,
        /// Where the line starts.
        offset: u64,
        /// What is wrong.
        #[source]
        problem: LineProblem,
    },
    /// The sorted file's hashes do not increase.
    #[error("{}: not sorted by hash (or a hash repeats) at byte {offset}", .path.display())]
    Unsorted {
        /// The file.
        path: PathBuf,
        /// Where the line out of order starts.
        offset: u64,
    },
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> MirrorError + '_ {
    move |source| MirrorError::Io { path: path.to_owned(), source }
}

/// A local copy of Pwned Passwords: a directory of range files as the
/// official downloader writes them, or one file of `SHA1:COUNT` lines
/// sorted by hash. Nothing of it is loaded into memory: a lookup reads one
/// small range file, or searches the sorted file by seeking.
///
/// Opening checks it ([`MirrorCheck`]): a truncated or corrupt file is a
/// [`MirrorError`] at start-up naming the file, not a wrong answer later.
/// A lookup still reads and checks what it uses, and answers an error
/// (never "not found") if that changed.
#[derive(Clone, Debug)]
pub struct LocalMirror {
    source: Arc<Source>,
}

#[derive(Debug)]
enum Source {
    Ranges(RangeDirectory),
    Sorted(SortedFile),
}

impl LocalMirror {
    /// Opens the mirror at `path` — a directory of range files, or a sorted
    /// file — and checks every line of it ([`MirrorCheck::Full`]).
    ///
    /// # Errors
    /// What is missing, truncated or corrupt, naming the file.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, MirrorError> {
        Self::open_with(path, MirrorCheck::Full)
    }

    /// Opens the mirror at `path`, checking as much of it as `check` says.
    ///
    /// # Errors
    /// What is missing, truncated or corrupt, naming the file.
    pub fn open_with(path: impl AsRef<Path>, check: MirrorCheck) -> Result<Self, MirrorError> {
        let path = path.as_ref();
        let metadata = fs::metadata(path).map_err(io_error(path))?;
        let source = if metadata.is_dir() {
            Source::Ranges(RangeDirectory::open(path, check)?)
        } else {
            Source::Sorted(SortedFile::open(path, metadata.len(), check)?)
        };
        Ok(Self { source: Arc::new(source) })
    }

    /// How many range files a directory mirror has (`None` for a sorted file).
    pub fn range_files(&self) -> Option<usize> {
        match &*self.source {
            Source::Ranges(ranges) => Some(ranges.files),
            Source::Sorted(_) => None,
        }
    }

    /// How often the password with this SHA-1 was seen (0: never), read
    /// on the calling thread: blocking file I/O. The port's
    /// [`BreachedPasswords::occurrences`] runs this on Tokio's blocking
    /// threads.
    ///
    /// # Errors
    /// A file that can no longer be read, or whose part read is corrupt.
    pub fn lookup(&self, sha1: &PasswordSha1) -> Result<u64, MirrorError> {
        match &*self.source {
            Source::Ranges(ranges) => ranges.lookup(sha1),
            Source::Sorted(sorted) => sorted.lookup(sha1),
        }
    }

    /// Bytes the mirror keeps in memory between lookups (the directory's
    /// index of which ranges exist; a path).
    pub fn resident_bytes(&self) -> usize {
        std::mem::size_of::<Source>()
            + match &*self.source {
                Source::Ranges(ranges) => {
                    ranges.present.len() * std::mem::size_of::<u64>() + ranges.dir.as_os_str().len()
                }
                Source::Sorted(sorted) => sorted.path.as_os_str().len(),
            }
    }
}

#[async_trait]
impl BreachedPasswords for LocalMirror {
    async fn occurrences(&self, sha1: &PasswordSha1) -> Result<u64, BreachError> {
        let failed = |error: MirrorError| BreachError::with_source("the breached-password mirror", error);
        if tokio::runtime::Handle::try_current().is_err() {
            return self.lookup(sha1).map_err(failed);
        }
        let mirror = self.clone();
        let sha1 = sha1.clone();
        match tokio::task::spawn_blocking(move || mirror.lookup(&sha1)).await {
            Ok(result) => result.map_err(failed),
            Err(error) => {
                Err(BreachError::with_source("the breached-password mirror's lookup failed", error))
            }
        }
    }
}

/// How a directory's range files are named.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Naming {
    txt: bool,
    /// `None` until a name with a letter was seen.
    lower: Option<bool>,
}

impl Naming {
    fn file_name(&self, index: u32) -> String {
        let hex = prefix_hex(index);
        let hex = if self.lower == Some(true) { hex.to_ascii_lowercase() } else { hex };
        if self.txt { format!("{hex}.txt") } else { hex }
    }
}

#[derive(Debug)]
struct RangeDirectory {
    dir: PathBuf,
    /// One bit per range: whether its file exists.
    present: Box<[u64]>,
    naming: Naming,
    files: usize,
}

impl RangeDirectory {
    fn open(dir: &Path, check: MirrorCheck) -> Result<Self, MirrorError> {
        let mut present = vec![0u64; (RANGES / 64) as usize].into_boxed_slice();
        let mut naming: Option<Naming> = None;
        let mut files: Vec<(u32, PathBuf)> = Vec::new();
        let mut ignored = 0usize;
        for entry in fs::read_dir(dir).map_err(io_error(dir))? {
            let entry = entry.map_err(io_error(dir))?;
            let path = entry.path();
            let name = entry.file_name();
            let Some(name) = name.to_str() else {
                ignored += 1;
                continue;
            };
            let (stem, txt) = match name.strip_suffix(".txt") {
                Some(stem) => (stem, true),
                None => (name, false),
            };
            let Some(index) = parse_prefix(stem.as_bytes()) else {
                if !name.starts_with('.') {
                    ignored += 1;
                }
                continue;
            };
            let letters: Vec<char> = stem.chars().filter(char::is_ascii_alphabetic).collect();
            let lower = if letters.is_empty() {
                None
            } else if letters.iter().all(char::is_ascii_lowercase) {
                Some(true)
            } else if letters.iter().all(char::is_ascii_uppercase) {
                Some(false)
            } else {
                return Err(MirrorError::Naming { path, problem: "a range file named in mixed case".into() });
            };
            let mut this = Naming { txt, lower };
            if let Some(seen) = naming {
                let lower = match (seen.lower, lower) {
                    (Some(a), Some(b)) if a != b => None,
                    (a, b) => Some(a.or(b)),
                };
                match lower {
                    Some(lower) if seen.txt == txt => this.lower = lower,
                    _ => {
                        return Err(MirrorError::Naming {
                            path,
                            problem: format!(
                                "range files are named in more than one way (this one and {})",
                                seen.file_name(0xABCDE)
                            ),
                        });
                    }
                }
            }
            naming = Some(this);
            let (word, bit) = ((index / 64) as usize, index % 64);
            if present[word] & (1 << bit) != 0 {
                return Err(MirrorError::Naming { path, problem: "a second file for the same range".into() });
            }
            present[word] |= 1 << bit;
            let metadata = entry.metadata().map_err(io_error(&path))?;
            if !metadata.is_file() {
                return Err(MirrorError::Naming { path, problem: "named as a range but not a file".into() });
            }
            if metadata.len() == 0 {
                return Err(MirrorError::Empty { path });
            }
            files.push((index, path));
        }
        let Some(naming) = naming else {
            return Err(MirrorError::NoRanges { path: dir.to_owned() });
        };
        if ignored > 0 {
            tracing::warn!(dir = %dir.display(), ignored, "files not named as ranges in the breached-password mirror are ignored");
        }
        files.sort_unstable_by_key(|(index, _)| *index);
        let checked: Vec<&(u32, PathBuf)> = match check {
            MirrorCheck::Full => files.iter().collect(),
            MirrorCheck::Sample(n) => spread(files.len(), n).map(|i| &files[i]).collect(),
        };
        for (_, path) in checked {
            let body = fs::read(path).map_err(io_error(path))?;
            if let Some(Err(error)) = range_entries(&body).find(Result::is_err) {
                return Err(MirrorError::BadRange { path: path.clone(), error });
            }
        }
        tracing::info!(
            dir = %dir.display(),
            ranges = files.len(),
            of = RANGES,
            "breached-password mirror opened (ranges without a file count as not breached)"
        );
        Ok(Self { dir: dir.to_owned(), present, naming, files: files.len() })
    }

    fn lookup(&self, sha1: &PasswordSha1) -> Result<u64, MirrorError> {
        let index = sha1.prefix_index();
        if self.present[(index / 64) as usize] & (1 << (index % 64)) == 0 {
            return Ok(0);
        }
        let path = self.dir.join(self.naming.file_name(index));
        let body = fs::read(&path).map_err(io_error(&path))?;
        parse_range(&body, &sha1.suffix())
            .map(Option::unwrap_or_default)
            .map_err(|error| MirrorError::BadRange { path, error })
    }
}

/// Up to `n` indices of `0..len`, evenly spread, with the first and the last.
fn spread(len: usize, n: usize) -> impl Iterator<Item = usize> {
    let n = n.max(2).min(len);
    let mut picks: Vec<usize> =
        (0..n).map(|i| if n <= 1 { 0 } else { i * (len.saturating_sub(1)) / (n - 1) }).collect();
    picks.dedup();
    picks.into_iter()
}

#[derive(Debug)]
struct SortedFile {
    path: PathBuf,
    file: File,
    size: u64,
}

/// A line of the sorted file: where it starts, where the next one does.
struct Line {
    start: u64,
    next: u64,
    sha1: PasswordSha1,
    count: u64,
}

impl SortedFile {
    fn open(path: &Path, size: u64, check: MirrorCheck) -> Result<Self, MirrorError> {
        if size == 0 {
            return Err(MirrorError::Empty { path: path.to_owned() });
        }
        let file = File::open(path).map_err(io_error(path))?;
        let sorted = Self { path: path.to_owned(), file, size };
        match check {
            MirrorCheck::Full => sorted.check_every_line()?,
            MirrorCheck::Sample(n) => sorted.check_sample(n)?,
        }
        tracing::info!(file = %path.display(), bytes = size, "breached-password mirror opened (sorted file)");
        Ok(sorted)
    }

    fn bad_line(&self, offset: u64, problem: LineProblem) -> MirrorError {
        MirrorError::BadLine { path: self.path.clone(), offset, problem }
    }

    fn check_every_line(&self) -> Result<(), MirrorError> {
        let mut reader = BufReader::with_capacity(1 << 16, &self.file);
        let mut line = Vec::with_capacity(64);
        let mut offset = 0u64;
        let mut previous: Option<PasswordSha1> = None;
        loop {
            line.clear();
            let read = reader.read_until(b'\n', &mut line).map_err(io_error(&self.path))?;
            if read == 0 {
                return Ok(());
            }
            let text = line.strip_suffix(b"\n").unwrap_or(&line);
            let (sha1, _) = parse_hash_line(text).map_err(|problem| self.bad_line(offset, problem))?;
            if previous.as_ref().is_some_and(|previous| *previous >= sha1) {
                return Err(MirrorError::Unsorted { path: self.path.clone(), offset });
            }
            previous = Some(sha1);
            offset += read as u64;
        }
    }

    fn check_sample(&self, n: usize) -> Result<(), MirrorError> {
        // The end: a whole last line (a cut one has a short hash or no count).
        let tail_start = self.size.saturating_sub(2 * MAX_LINE as u64);
        let tail = self.read_at(tail_start, (self.size - tail_start) as usize)?;
        let tail = tail.strip_suffix(b"\n").unwrap_or(&tail);
        let last_start = tail.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        if last_start == 0 && tail_start > 0 {
            return Err(
                self.bad_line(tail_start, LineProblem::HashLength { expected: 40, found: tail.len() })
            );
        }
        let last_offset = tail_start + last_start as u64;
        let (last, _) =
            parse_hash_line(&tail[last_start..]).map_err(|problem| self.bad_line(last_offset, problem))?;
        let mut previous: Option<(u64, PasswordSha1)> = None;
        let points = n.max(2) as u64;
        for i in 0..points {
            let Some(line) = self.line_from(self.size / points * i)? else { continue };
            if let Some((start, sha1)) = &previous {
                if *start == line.start {
                    continue;
                }
                if *sha1 >= line.sha1 {
                    return Err(MirrorError::Unsorted { path: self.path.clone(), offset: line.start });
                }
            }
            previous = Some((line.start, line.sha1));
        }
        if let Some((start, sha1)) = previous
            && start < last_offset
            && sha1 >= last
        {
            return Err(MirrorError::Unsorted { path: self.path.clone(), offset: last_offset });
        }
        Ok(())
    }

    fn read_at(&self, offset: u64, len: usize) -> Result<Vec<u8>, MirrorError> {
        let mut buf = vec![0; len];
        let mut filled = 0;
        while filled < len {
            match read_at(&self.file, &mut buf[filled..], offset + filled as u64) {
                Ok(0) => break,
                Ok(read) => filled += read,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return Err(MirrorError::Io { path: self.path.clone(), source: error }),
            }
        }
        buf.truncate(filled);
        Ok(buf)
    }

    /// The first line starting at or after `at`, if any.
    fn line_from(&self, at: u64) -> Result<Option<Line>, MirrorError> {
        if at >= self.size {
            return Ok(None);
        }
        // From the byte before `at`: a line starts after the first LF.
        let from = at.saturating_sub(1);
        let chunk = self.read_at(from, 2 * MAX_LINE + 2)?;
        let reached_end = from + chunk.len() as u64 >= self.size;
        let skip = if at == 0 {
            0
        } else {
            match chunk.iter().position(|&b| b == b'\n') {
                Some(i) => i + 1,
                None if reached_end => return Ok(None),
                None => return Err(self.bad_line(from, LineProblem::TooLong)),
            }
        };
        let start = from + skip as u64;
        if start >= self.size {
            return Ok(None);
        }
        let rest = &chunk[skip..];
        let (text, next) = match rest.iter().position(|&b| b == b'\n') {
            Some(end) => (&rest[..end], start + end as u64 + 1),
            None if reached_end => (rest, self.size),
            None => return Err(self.bad_line(start, LineProblem::TooLong)),
        };
        let (sha1, count) = parse_hash_line(text).map_err(|problem| self.bad_line(start, problem))?;
        Ok(Some(Line { start, next, sha1, count }))
    }

    /// Binary search by seeking: the target's line, if any, starts in
    /// `lo..hi`; each step reads one line near the middle.
    fn lookup(&self, sha1: &PasswordSha1) -> Result<u64, MirrorError> {
        let (mut lo, mut hi) = (0u64, self.size);
        while hi.saturating_sub(lo) > SCAN_WINDOW {
            let mid = lo + (hi - lo) / 2;
            let Some(line) = self.line_from(mid)? else {
                hi = mid;
                continue;
            };
            if line.start >= hi {
                hi = mid;
                continue;
            }
            match line.sha1.cmp(sha1) {
                Ordering::Less => lo = line.next,
                Ordering::Equal => return Ok(line.count),
                Ordering::Greater => hi = line.start,
            }
        }
        if lo >= hi {
            return Ok(0);
        }
        let window = self.read_at(lo, (hi - lo) as usize + MAX_LINE + 1)?;
        let mut offset = 0usize;
        while (lo + offset as u64) < hi && offset < window.len() {
            let rest = &window[offset..];
            let (text, advance) = match rest.iter().position(|&b| b == b'\n') {
                Some(end) => (&rest[..end], end + 1),
                None if lo + window.len() as u64 >= self.size => (rest, rest.len()),
                None => return Err(self.bad_line(lo + offset as u64, LineProblem::TooLong)),
            };
            let (line, count) =
                parse_hash_line(text).map_err(|problem| self.bad_line(lo + offset as u64, problem))?;
            match line.cmp(sha1) {
                Ordering::Less => offset += advance,
                Ordering::Equal => return Ok(count),
                Ordering::Greater => break,
            }
        }
        Ok(0)
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
}

/// Entries grouped by range, sorted, repeated hashes added up.
fn by_range(
    hashes: impl IntoIterator<Item = (PasswordSha1, u64)>,
) -> BTreeMap<u32, BTreeMap<RangeSuffix, u64>> {
    let mut ranges: BTreeMap<u32, BTreeMap<RangeSuffix, u64>> = BTreeMap::new();
    for (sha1, count) in hashes {
        let seen = ranges.entry(sha1.prefix_index()).or_default().entry(sha1.range_suffix()).or_default();
        *seen = seen.saturating_add(count);
    }
    ranges
}

/// Writes `hashes` into `dir` as range files, as the official downloader
/// does (`ABCDE.txt`, lines `SUFFIX:COUNT` ending in CRLF, sorted); a hash
/// given twice is written once with its counts added. For a host's own
/// list of breached passwords, and tests. Returns how many files it wrote.
///
/// # Errors
/// The directory or a file could not be written.
pub fn write_range_directory(
    dir: impl AsRef<Path>,
    hashes: impl IntoIterator<Item = (PasswordSha1, u64)>,
) -> io::Result<usize> {
    let dir = dir.as_ref();
    fs::create_dir_all(dir)?;
    let ranges = by_range(hashes);
    for (prefix, entries) in &ranges {
        let mut out = BufWriter::new(File::create(dir.join(format!("{}.txt", prefix_hex(*prefix))))?);
        for (suffix, count) in entries {
            write!(out, "{}:{count}\r\n", suffix.to_hex())?;
        }
        out.flush()?;
    }
    Ok(ranges.len())
}

/// Writes `hashes` to `path` as one file of `SHA1:COUNT` lines sorted by
/// hash (CRLF), a hash given twice written once with its counts added.
/// Returns how many lines it wrote.
///
/// # Errors
/// The file could not be written.
pub fn write_sorted_file(
    path: impl AsRef<Path>,
    hashes: impl IntoIterator<Item = (PasswordSha1, u64)>,
) -> io::Result<usize> {
    let mut out = BufWriter::new(File::create(path)?);
    let mut lines = 0;
    for (prefix, entries) in by_range(hashes) {
        let prefix = prefix_hex(prefix);
        for (suffix, count) in entries {
            write!(out, "{prefix}{}:{count}\r\n", suffix.to_hex())?;
            lines += 1;
        }
    }
    out.flush()?;
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_include_the_first_and_the_last() {
        assert_eq!(spread(10, 3).collect::<Vec<_>>(), [0, 4, 9]);
        assert_eq!(spread(1, 5).collect::<Vec<_>>(), [0]);
        assert_eq!(spread(3, 100).collect::<Vec<_>>(), [0, 1, 2]);
        assert_eq!(spread(0, 3).count(), 0);
    }
}
