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
        group.bench_function(name, |b| b.iter(|| policy.rate(black_box(&password), &inputs)));
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
    let report = policy.rate(password, &inputs);
    let weak = policy.rate("password1", &inputs);
    let mut group = c.benchmark_group("strength-words");
    group.sample_size(20);
    group.bench_function("rate-typical", |b| b.iter(|| policy.rate(black_box(password), &inputs)));
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

/// The metrics' cost: a redeem (trigger and submit, at the default Argon2
/// parameters) and a strength check through the service, with no recorder
/// and with one recording every metric, side by side. Everything runs on
/// the benchmark's thread so the recorder sees all of it.
fn metrics_overhead(c: &mut Criterion) {
    use futures::executor::block_on;
    use inzant_reset_core::hash::Argon2id;
    use inzant_reset_core::memory::{MemoryOutbox, MemoryStore};
    use inzant_reset_core::policy::InlinePolicy;
    use inzant_reset_core::prelude::*;
    use inzant_reset_test_support::{directory_of, person};
    use std::sync::Arc;

    let directory = directory_of([
        User { display_name: "Sam Web".into(), ..person("1", "admin@inzant.example", UserType::Admin) },
        User { display_name: "Sam Web".into(), ..person("2", "sam.web@inzant.example", UserType::Web) },
    ]);
    let outbox = Arc::new(MemoryOutbox::new());
    let mut config = ResetConfig::new("https://sales.inzant.example");
    config.resend_cooldown = std::time::Duration::ZERO;
    config.max_per_user_per_day = u32::MAX;
    let Ok(keys) = CodeKeys::new(vec![4; 32], Vec::new()) else { return };
    let Ok(hasher) = Argon2id::new(HashParams::default()) else { return };
    let Ok(service) =
        ResetService::builder(Arc::new(MemoryStore::new()), directory, outbox.clone(), keys, config)
            .hasher(Arc::new(hasher))
            .policy_runner(Arc::new(InlinePolicy))
            .build()
    else {
        return;
    };
    let (admin, sam) = (UserId::new("1"), UserId::new("2"));
    let password = "Velvet-Harbour-Lantern-42";
    let redeem = || {
        block_on(async {
            let _ = service.trigger(&admin, &sam, Purpose::Reset).await;
            if let Some((token, code)) = outbox.last_link_and_code() {
                let form = SubmitForm {
                    code: code.into(),
                    new_password: password.into(),
                    confirm_password: password.into(),
                };
                let _ = service.submit(&token, &form).await;
            }
        })
    };
    let Some(opened) = block_on(async {
        let _ = service.trigger(&admin, &sam, Purpose::Reset).await;
        let (token, _) = outbox.last_link_and_code()?;
        service.open(&token).await.ok()
    }) else {
        return;
    };
    let typed = SecretString::from("Velvet-Harbour-Lantern");
    let rate = || block_on(service.rate(black_box(&opened), &typed));
    let recorder = metrics_util::debugging::DebuggingRecorder::new();

    let mut group = c.benchmark_group("metrics-overhead");
    group.sample_size(20);
    group.bench_function("strength-without-metrics", |b| b.iter(rate));
    group.bench_function("strength-with-metrics", |b| {
        b.iter(|| metrics::with_local_recorder(&recorder, rate))
    });
    group.sample_size(10);
    group.bench_function("redeem-without-metrics", |b| b.iter(redeem));
    group.bench_function("redeem-with-metrics", |b| {
        b.iter(|| metrics::with_local_recorder(&recorder, redeem))
    });
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

criterion_group!(benches, strength, strength_words, metrics_overhead, hashing, codes);
criterion_main!(benches);
