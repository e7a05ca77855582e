#![no_main]
//! The state machine and the memory store driven by arbitrary events:
//! terminal states stay terminal, a request completes at most once, and
//! counted attempts never exceed the maximum.

use std::time::Duration;

use futures::executor::block_on;
use inzant_reset_core::conformance::{T0, new_request};
use inzant_reset_core::memory::MemoryStore;
use inzant_reset_core::ports::{Finish, IssueLimits, ResetStore};
use inzant_reset_core::state::{Event, RequestState, transition};
use inzant_reset_core::user::UserId;
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
enum Step {
    Attempt { max: u8 },
    Complete,
    Lock,
    Revoke,
    Wait { minutes: u16 },
    Transition { event: u8, left: u8 },
}

fuzz_target!(|steps: Vec<Step>| {
    let store = MemoryStore::new();
    let request = new_request(&UserId::new("u"), T0);
    let limits = IssueLimits { cooldown: Duration::ZERO, max_per_day: u32::MAX };
    if block_on(store.issue(&request, limits)).is_err() {
        return;
    }
    let mut now = T0;
    let mut completions = 0;
    let mut state = RequestState::Issued;
    let mut highest_max = 0u32;
    for step in steps.into_iter().take(200) {
        let before = store.snapshot()[0].clone();
        match step {
            Step::Attempt { max } => {
                let max = u32::from(max % 8);
                highest_max = highest_max.max(max);
                if let Ok(Some(counted)) = block_on(store.count_attempt(request.id, max, now)) {
                    assert!(counted <= max);
                    assert_eq!(before.state, RequestState::Issued);
                    assert!(before.expires_at > now);
                }
            }
            Step::Complete => {
                if let Ok(true) = block_on(store.finish(request.id, Finish::Complete, now)) {
                    completions += 1;
                }
            }
            Step::Lock => {
                let _ = block_on(store.finish(request.id, Finish::Lock, now));
            }
            Step::Revoke => {
                let _ = block_on(store.finish(request.id, Finish::Revoke, now));
            }
            Step::Wait { minutes } => now += Duration::from_secs(u64::from(minutes) * 60),
            Step::Transition { event, left } => {
                let event = match event % 5 {
                    0 => Event::WrongCode { attempts_left: u32::from(left % 3) },
                    1 => Event::RightCode,
                    2 => Event::TimeRanOut,
                    3 => Event::NewerIssued,
                    _ => Event::Withdrawn,
                };
                match transition(state, event) {
                    Some(next) => {
                        assert!(!state.is_terminal());
                        state = next;
                    }
                    None => assert!(state.is_terminal()),
                }
            }
        }
        let after = store.snapshot()[0].clone();
        if before.state.is_terminal() {
            assert_eq!(after.state, before.state, "terminal states stay terminal");
            assert_eq!(after.attempts, before.attempts);
        }
        assert!(after.attempts <= highest_max.max(before.attempts));
        assert!(completions <= 1);
    }
});
