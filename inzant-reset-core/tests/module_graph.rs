//! The core's layers, checked from its sources: no cycle among its
//! top-level modules, and a `ports` module that names no implementation.
//!
//! A module `a` depends on `b` when a file under `src/a` (or `src/a.rs`)
//! names `crate::b` in code (comments and doc comments are left out: an
//! intra-doc link is not a dependency).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without its comments (line and block) and without
/// the contents of string literals.
fn code_only(text: &str) -> String {
    let bytes: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let next = bytes.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < bytes.len() && bytes[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < bytes.len() {
                if bytes[i] == '/' && bytes.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if bytes[i] == '*' && bytes.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if c == '"' {
            out.push('"');
            i += 1;
            while i < bytes.len() && bytes[i] != '"' {
                if bytes[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            out.push('"');
            i += 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The first identifier of each item of a `{ a::b, c, d::{e, f} }` group.
fn group_heads(group: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut item = String::new();
    for c in group.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                heads.push(std::mem::take(&mut item));
                continue;
            }
            _ => {}
        }
        item.push(c);
    }
    heads.push(item);
    heads
        .iter()
        .map(|item| item.trim().chars().take_while(|c| is_ident(*c)).collect::<String>())
        .filter(|head| !head.is_empty() && head != "self")
        .collect()
}

/// The top-level modules named after `crate::` in `code`.
fn crate_references(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(is_ident) {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let end = group
                .char_indices()
                .find(|&(_, c)| {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        _ => {}
                    }
                    depth == 0
                })
                .map_or(group.len(), |(i, _)| i);
            found.extend(group_heads(&group[..end]));
        } else {
            let name: String = rest.chars().take_while(|c| is_ident(*c)).collect();
            if !name.is_empty() {
                found.insert(name);
            }
        }
    }
    found
}

/// The top-level module a file belongs to (`None` for the crate root).
fn top_module(src: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(src).ok()?;
    let first = relative.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (name != "lib").then(|| name.to_owned())
}

fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = src();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        if let Some(module) = top_module(&src, file) {
            graph.entry(module).or_default();
        }
    }
    for file in &files {
        let Some(module) = top_module(&src, file) else { continue };
        let text = fs::read_to_string(file).unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
        let targets: BTreeSet<String> = crate_references(&code_only(&text))
            .into_iter()
            .filter(|target| *target != module && graph.contains_key(target))
            .collect();
        graph.entry(module).or_default().extend(targets);
    }
    graph
}

/// A cycle through `start`, if there is one: a shortest path back to it.
fn cycle_through(graph: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    let mut parent: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(module) = queue.pop_front() {
        for next in graph.get(module).into_iter().flatten() {
            if next == start {
                let mut back = vec![module];
                while let Some(&up) = parent.get(back[back.len() - 1]) {
                    back.push(up);
                }
                let mut cycle: Vec<String> = back.iter().rev().map(|m| (*m).to_owned()).collect();
                cycle.push(start.to_owned());
                return Some(cycle);
            }
            if !parent.contains_key(next.as_str()) && next != start {
                parent.insert(next, module);
                queue.push_back(next);
            }
        }
    }
    None
}

#[test]
fn the_references_are_read_from_code() {
    let code = code_only(
        "use crate::a::X;\n/// [`crate::doc`]\nuse crate::{b::{Y, Z}, c, self};\nlet s = \"crate::s\"; crate::d::f(); mycrate::e();",
    );
    let found: Vec<String> = crate_references(&code).into_iter().collect();
    assert_eq!(found, ["a", "b", "c", "d"]);
}

#[test]
fn the_core_has_no_module_cycles() {
    let graph = module_graph();
    assert!(graph.contains_key("ports") && graph.contains_key("service"), "modules not found: {graph:?}");
    let cycles: Vec<String> = graph
        .keys()
        .filter_map(|module| cycle_through(&graph, module))
        .map(|cycle| cycle.join(" → "))
        .collect();
    assert!(cycles.is_empty(), "module cycles in inzant-reset-core:\n{}", cycles.join("\n"));
}

#[test]
fn ports_name_no_implementation() {
    let path = src().join("ports.rs");
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let code = code_only(&text);
    let roots: BTreeSet<String> = code
        .split(|c: char| !is_ident(c) && c != ':')
        .filter_map(|token| token.split_once("::").map(|(root, _)| root.to_owned()))
        .collect();
    let forbidden = ["argon2", "maud", "lettre", "zxcvbn", "tokio", "fluent", "icu"];
    let named: Vec<&String> = roots
        .iter()
        .filter(|root| forbidden.iter().any(|f| *root == f || root.starts_with(&format!("{f}_"))))
        .collect();
    assert!(named.is_empty(), "ports.rs names implementations: {named:?}");
}
