//! Core costs side by side: the strength meter on easy and adversarial
//! inputs, what its answer's words cost in each language, Argon2id at the
//! default parameters, and code generation. Compare the figures as ratios
//! within one run; the machine is shared.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use inzant_reset_benches::strength_corpus;
use inzant_reset_core::PasswordPolicy;
use inzant_reset_core::hash::{Argon2id, HashParams};
use inzant_reset_core::secret::{Code, OsRandom};
use inzant_reset_core::words::{Catalogues, Product};
use secrecy::SecretString;

fn strength(c: &mut Criterion) {
    let policy = PasswordPolicy::default();
    let inputs = ["sam.web@inzant.example", "sam.web", "Sam Web"];
    let mut group = c.benchmark_group("strength");
    group.sample_size(20);
    for (name, password) in strength_corpus() {
        group.bench_function(name, |b| b.iter(|| policy.evaluate(black_box(&password), &inputs)));
    }
    group.finish();
}

/// A strength answer's words (the label and the feedback) next to the
/// rating itself: localizing the meter must cost nothing that shows.
fn strength_words(c: &mut Criterion) {
    let policy = PasswordPolicy::default();
    let inputs = ["sam.web@inzant.example", "sam.web", "Sam Web"];
    let catalogues = Catalogues::shipped();
    let product = Product::inzant();
    let password = "Velvet-Harbour-Lantern-42";
    let report = policy.evaluate(password, &inputs);
    let weak = policy.evaluate("password1", &inputs);
    let mut group = c.benchmark_group("strength-words");
    group.sample_size(20);
    group.bench_function("rate-typical", |b| b.iter(|| policy.evaluate(black_box(password), &inputs)));
    for language in ["en", "de", "fr", "es"] {
        let words = catalogues.words(language, &product);
        group.bench_function(format!("label-and-feedback-{language}"), |b| {
            b.iter(|| {
                let label = words.strength_label(black_box(&report).level());
                let feedback: Vec<String> = weak.suggestions().iter().map(|s| words.feedback(s)).collect();
                (label, feedback)
            })
        });
    }
    group.finish();
}

fn hashing(c: &mut Criterion) {
    let Ok(hasher) = Argon2id::new(HashParams::default()) else { return };
    let password = SecretString::from("Velvet-Harbour-Lantern-42");
    let mut group = c.benchmark_group("argon2id");
    group.sample_size(10);
    group.bench_function("hash-default-params", |b| b.iter(|| hasher.hash_password(black_box(&password))));
    group.finish();
}

fn codes(c: &mut Criterion) {
    c.bench_function("code-generate", |b| b.iter(|| Code::generate(black_box(&OsRandom))));
}

criterion_group!(benches, strength, strength_words, hashing, codes);
criterion_main!(benches);
