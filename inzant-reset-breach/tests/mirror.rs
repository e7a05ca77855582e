//! The local mirror, on directories and sorted files generated from a few
//! thousand known passwords.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};

use inzant_reset_breach::{LocalMirror, MirrorCheck, MirrorError, write_range_directory, write_sorted_file};
use inzant_reset_core::breach::{PasswordSha1, parse_prefix, prefix_hex};
use inzant_reset_core::ports::BreachedPasswords;

/// Known passwords and how often each was seen.
fn known() -> Vec<(String, u64)> {
    (0..3000).map(|i| (format!("Breached-{i}-password!"), i as u64 * 7 + 1)).collect()
}

/// A few crowded ranges (hundreds of hashes each, like the real ones) so
/// files have a first and a last line far apart.
fn crowded() -> Vec<(PasswordSha1, u64)> {
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut hashes = Vec::new();
    for prefix in [0x00000u32, 0x5BAA6, 0xABCDE, 0xFFFFF] {
        for _ in 0..500 {
            let mut bytes = [0u8; 20];
            for byte in &mut bytes {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                *byte = state as u8;
            }
            bytes[0] = (prefix >> 12) as u8;
            bytes[1] = (prefix >> 4) as u8;
            bytes[2] = ((prefix & 0xf) as u8) << 4 | (bytes[2] & 0x0f);
            hashes.push((PasswordSha1::from_bytes(bytes), u64::from(bytes[19]) + 1));
        }
    }
    hashes
}

fn all_hashes() -> Vec<(PasswordSha1, u64)> {
    known()
        .into_iter()
        .map(|(password, count)| (PasswordSha1::of(&password), count))
        .chain(crowded())
        .collect()
}

/// Every line of every range file of `dir`, as whole hashes with counts,
/// file by file.
fn lines_of(dir: &Path) -> Vec<Vec<(PasswordSha1, u64)>> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    files
        .iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_str().unwrap();
            let prefix = &name[..5];
            fs::read_to_string(path)
                .unwrap()
                .lines()
                .map(|line| {
                    let (suffix, count) = line.trim_end().split_once(':').unwrap();
                    let hex = format!("{prefix}{suffix}");
                    (PasswordSha1::from_hex(hex.as_bytes()).unwrap(), count.parse().unwrap())
                })
                .collect()
        })
        .collect()
}

/// A password whose range has no file, and one whose range has a file but
/// not it.
fn absent(mirror_has: impl Fn(u32) -> bool) -> (PasswordSha1, PasswordSha1) {
    let mut missing_file = None;
    let mut missing_line = None;
    for i in 0.. {
        let sha1 = PasswordSha1::of(&format!("never-breached-{i}"));
        if mirror_has(sha1.prefix_index()) {
            missing_line.get_or_insert(sha1);
        } else {
            missing_file.get_or_insert(sha1);
        }
        if missing_file.is_some() && missing_line.is_some() {
            break;
        }
    }
    (missing_file.unwrap(), missing_line.unwrap_or_else(|| PasswordSha1::from_bytes([0; 20])))
}

#[tokio::test]
async fn a_directory_of_range_files_answers_at_the_first_and_last_lines_and_for_missing_files() {
    let dir = tempfile::tempdir().unwrap();
    let files = write_range_directory(dir.path(), all_hashes()).unwrap();
    let mirror = LocalMirror::open(dir.path()).unwrap();
    assert_eq!(mirror.range_files(), Some(files));

    for (password, count) in known() {
        assert_eq!(mirror.occurrences(&PasswordSha1::of(&password)).await.unwrap(), count, "{password}");
    }
    let ranges = lines_of(dir.path());
    assert!(ranges.iter().any(|lines| lines.len() >= 500));
    for lines in &ranges {
        for (sha1, count) in [lines.first().unwrap(), lines.last().unwrap()] {
            assert_eq!(mirror.lookup(sha1).unwrap(), *count);
        }
    }
    let present: Vec<u32> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| parse_prefix(&e.unwrap().file_name().as_encoded_bytes()[..5]).unwrap())
        .collect();
    let (no_file, no_line) = absent(|prefix| present.contains(&prefix));
    assert_eq!(mirror.occurrences(&no_file).await.unwrap(), 0);
    assert_eq!(mirror.occurrences(&no_line).await.unwrap(), 0);
    // Its memory is the index of which ranges exist: 128 KiB, whatever the size.
    assert!(mirror.resident_bytes() < 140 * 1024, "{}", mirror.resident_bytes());
}

#[tokio::test]
async fn range_files_without_txt_with_lf_and_lower_case_are_read_too() {
    let dir = tempfile::tempdir().unwrap();
    write_range_directory(dir.path(), all_hashes()).unwrap();
    for entry in fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_str().unwrap().to_lowercase();
        let text = fs::read_to_string(&path).unwrap().replace("\r\n", "\n").to_lowercase();
        fs::remove_file(&path).unwrap();
        fs::write(dir.path().join(name), text).unwrap();
    }
    fs::write(dir.path().join("README"), "not a range").unwrap();
    let mirror = LocalMirror::open(dir.path()).unwrap();
    for (password, count) in known().into_iter().step_by(97) {
        assert_eq!(mirror.occurrences(&PasswordSha1::of(&password)).await.unwrap(), count);
    }
}

fn expect_error(result: Result<LocalMirror, MirrorError>, names: &str, says: &str) -> String {
    let error = result.expect_err("opening must fail");
    let text = error.to_string();
    assert!(text.contains(names) && text.contains(says), "{text}");
    text
}

#[test]
fn a_truncated_or_corrupt_range_file_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    write_range_directory(dir.path(), all_hashes()).unwrap();
    let crowded = dir.path().join("ABCDE.txt");
    let original = fs::read(&crowded).unwrap();

    // Cut in the middle of a line.
    fs::write(&crowded, &original[..original.len() / 2 + 7]).unwrap();
    expect_error(LocalMirror::open(dir.path()), "ABCDE.txt", "not a range");
    // Emptied.
    fs::write(&crowded, b"").unwrap();
    expect_error(LocalMirror::open(dir.path()), "ABCDE.txt", "empty");
    // A garbled byte in the middle.
    let mut garbled = original.clone();
    garbled[original.len() / 3] = b'#';
    fs::write(&crowded, &garbled).unwrap();
    let text = expect_error(LocalMirror::open(dir.path()), "ABCDE.txt", "line ");
    assert!(text.contains("hexadecimal") || text.contains("count") || text.contains("colon"), "{text}");
    // A sampled check still reads the first and the last file.
    fs::write(&crowded, &original).unwrap();
    let last = dir.path().join("FFFFF.txt");
    let tail = fs::read(&last).unwrap();
    fs::write(&last, &tail[..tail.len() - 20]).unwrap();
    expect_error(LocalMirror::open_with(dir.path(), MirrorCheck::Sample(8)), "FFFFF.txt", "not a range");
    fs::write(&last, &tail).unwrap();
    LocalMirror::open_with(dir.path(), MirrorCheck::Sample(8)).unwrap();

    // Two files for one range, and two ways of naming.
    fs::write(dir.path().join("ABCDE"), &original).unwrap();
    expect_error(LocalMirror::open(dir.path()), "ABCDE", "");
    fs::remove_file(dir.path().join("ABCDE")).unwrap();
    // No range at all.
    let empty = tempfile::tempdir().unwrap();
    expect_error(LocalMirror::open(empty.path()), "", "no range files");
    expect_error(LocalMirror::open(empty.path().join("absent")), "absent", "");
}

#[test]
fn a_corrupt_file_found_after_the_start_is_an_error_not_an_answer() {
    let dir = tempfile::tempdir().unwrap();
    write_range_directory(dir.path(), all_hashes()).unwrap();
    let mirror = LocalMirror::open(dir.path()).unwrap();
    let (password, _) = &known()[0];
    let sha1 = PasswordSha1::of(password);
    let file = dir.path().join(format!("{}.txt", prefix_hex(sha1.prefix_index())));
    fs::write(&file, "garbage").unwrap();
    assert!(mirror.lookup(&sha1).unwrap_err().to_string().contains("not a range"));
    fs::remove_file(&file).unwrap();
    assert!(matches!(mirror.lookup(&sha1), Err(MirrorError::Io { .. })));
}

fn sorted_file(dir: &Path) -> PathBuf {
    let path = dir.join("pwned-passwords-sha1-ordered-by-hash.txt");
    write_sorted_file(&path, all_hashes()).unwrap();
    path
}

#[tokio::test]
async fn a_sorted_file_is_searched_by_seeking() {
    let dir = tempfile::tempdir().unwrap();
    let path = sorted_file(dir.path());
    for check in [MirrorCheck::Full, MirrorCheck::Sample(16)] {
        let mirror = LocalMirror::open_with(&path, check).unwrap();
        assert_eq!(mirror.range_files(), None);
        for (password, count) in known() {
            assert_eq!(mirror.occurrences(&PasswordSha1::of(&password)).await.unwrap(), count, "{password}");
        }
        let text = fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for line in
            [lines[0], lines[1], lines[lines.len() / 2], lines[lines.len() - 2], lines[lines.len() - 1]]
        {
            let (hex, count) = line.split_once(':').unwrap();
            let sha1 = PasswordSha1::from_hex(hex.as_bytes()).unwrap();
            assert_eq!(mirror.lookup(&sha1).unwrap(), count.parse::<u64>().unwrap(), "{line}");
        }
        assert_eq!(mirror.lookup(&PasswordSha1::from_bytes([0; 20])).unwrap(), 0, "before the first");
        assert_eq!(mirror.lookup(&PasswordSha1::from_bytes([0xff; 20])).unwrap(), 0, "after the last");
        for i in 0..200 {
            let sha1 = PasswordSha1::of(&format!("never-breached-{i}"));
            assert_eq!(mirror.lookup(&sha1).unwrap(), 0);
        }
        assert!(mirror.resident_bytes() < 1024);
    }
}

#[test]
fn sorted_files_with_lf_lower_case_or_few_lines_are_read_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = sorted_file(dir.path());
    let lf = dir.path().join("lf.txt");
    let text = fs::read_to_string(&path).unwrap().replace("\r\n", "\n").to_lowercase();
    fs::write(&lf, text.trim_end()).unwrap();
    let mirror = LocalMirror::open(&lf).unwrap();
    for (password, count) in known().into_iter().step_by(37) {
        assert_eq!(mirror.lookup(&PasswordSha1::of(&password)).unwrap(), count);
    }
    for n in 1..4 {
        let small = dir.path().join(format!("small-{n}.txt"));
        let hashes: Vec<_> = known().into_iter().take(n).map(|(p, c)| (PasswordSha1::of(&p), c)).collect();
        write_sorted_file(&small, hashes.clone()).unwrap();
        for check in [MirrorCheck::Full, MirrorCheck::Sample(4)] {
            let mirror = LocalMirror::open_with(&small, check).unwrap();
            for (sha1, count) in &hashes {
                assert_eq!(mirror.lookup(sha1).unwrap(), *count);
            }
            assert_eq!(mirror.lookup(&PasswordSha1::of("absent")).unwrap(), 0);
        }
    }
}

#[test]
fn a_truncated_corrupt_or_unsorted_sorted_file_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = sorted_file(dir.path());
    let original = fs::read(&path).unwrap();
    let name = "pwned-passwords-sha1-ordered-by-hash.txt";

    // Cut in the middle of the last line's hash: both checks see the end.
    let cut = original.len() - 30;
    fs::write(&path, &original[..cut]).unwrap();
    for check in [MirrorCheck::Full, MirrorCheck::Sample(16)] {
        expect_error(LocalMirror::open_with(&path, check), name, "not SHA1:COUNT");
    }
    // Empty.
    fs::write(&path, b"").unwrap();
    expect_error(LocalMirror::open(&path), name, "empty");
    // A garbled line in the middle.
    let mut garbled = original.clone();
    let middle = original.len() / 2;
    garbled[middle..middle + 3].copy_from_slice(b"xyz");
    fs::write(&path, &garbled).unwrap();
    expect_error(LocalMirror::open(&path), name, "not SHA1:COUNT");
    // Two lines swapped.
    let text = String::from_utf8(original.clone()).unwrap();
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    lines.swap(100, 101);
    fs::write(&path, lines.concat()).unwrap();
    expect_error(LocalMirror::open(&path), name, "not sorted");
    // Reversed: a sample sees it.
    lines.reverse();
    fs::write(&path, lines.concat()).unwrap();
    expect_error(LocalMirror::open_with(&path, MirrorCheck::Sample(8)), name, "not sorted");
    // Restored, it opens.
    fs::write(&path, &original).unwrap();
    LocalMirror::open(&path).unwrap();
}
