//! The reset request's life: `Issued → Completed | Expired | Locked | Superseded | Revoked | Cancelled`.
//!
//! [`transition`] is the whole state machine. Stores apply it (in memory or as
//! SQL with the same conditions), and the service uses it to decide what a
//! person is told. Every state but [`RequestState::Issued`] is terminal.

use std::fmt;
use std::str::FromStr;

/// Where a reset request is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RequestState {
    /// Sent and usable: the link opens the form and the code can be tried.
    Issued,
    /// A password was set with it.
    Completed,
    /// Its time to live ran out.
    Expired,
    /// Too many wrong codes were tried.
    Locked,
    /// A newer request was sent to the same user.
    Superseded,
    /// Withdrawn, for instance because its email could not be sent.
    Revoked,
    /// An admin cancelled it.
    Cancelled,
}

/// Something that happens to a reset request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// A wrong code was counted; `attempts_left` is what remains after counting it.
    WrongCode {
        /// Attempts remaining after this one.
        attempts_left: u32,
    },
    /// The right code was given and the new password accepted.
    RightCode,
    /// The time to live ran out.
    TimeRanOut,
    /// A newer request was sent to the same user.
    NewerIssued,
    /// The request was withdrawn.
    Withdrawn,
    /// An admin cancelled the request.
    CancelledByAdmin,
}

impl RequestState {
    /// Every state, for exhaustive tests and SQL checks.
    pub const ALL: [RequestState; 7] = [
        Self::Issued,
        Self::Completed,
        Self::Expired,
        Self::Locked,
        Self::Superseded,
        Self::Revoked,
        Self::Cancelled,
    ];

    /// True for every state but `Issued`.
    pub fn is_terminal(self) -> bool {
        self != Self::Issued
    }

    /// The lower-case name used in storage (`"issued"`, `"completed"`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Issued => "issued",
            Self::Completed => "completed",
            Self::Expired => "expired",
            Self::Locked => "locked",
            Self::Superseded => "superseded",
            Self::Revoked => "revoked",
            Self::Cancelled => "cancelled",
        }
    }
}

impl fmt::Display for RequestState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text was not one of the state names of [`RequestState::as_str`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown reset request state {0:?}")]
pub struct UnknownState(pub String);

impl FromStr for RequestState {
    type Err = UnknownState;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|state| state.as_str() == s).ok_or_else(|| UnknownState(s.to_owned()))
    }
}

/// The state a request moves to when `event` happens in `state`.
///
/// `None` means the event changes nothing because the request is already
/// finished: terminal states stay terminal.
///
/// # Examples
///
/// ```
/// use inzant_reset_core::state::{transition, Event, RequestState};
///
/// assert_eq!(
///     transition(RequestState::Issued, Event::WrongCode { attempts_left: 0 }),
///     Some(RequestState::Locked),
/// );
/// assert_eq!(transition(RequestState::Completed, Event::RightCode), None);
/// ```
pub fn transition(state: RequestState, event: Event) -> Option<RequestState> {
    if state.is_terminal() {
        return None;
    }
    Some(match event {
        Event::WrongCode { attempts_left: 0 } => RequestState::Locked,
        Event::WrongCode { .. } => RequestState::Issued,
        Event::RightCode => RequestState::Completed,
        Event::TimeRanOut => RequestState::Expired,
        Event::NewerIssued => RequestState::Superseded,
        Event::Withdrawn => RequestState::Revoked,
        Event::CancelledByAdmin => RequestState::Cancelled,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use RequestState::*;

    /// SPEC §2, written out: from `Issued`, each event and where it leads
    /// ("The code is incorrect. N attempts left." until the last attempt,
    /// which locks; a revoked request is one whose email could not be sent).
    const FROM_ISSUED: [(Event, RequestState); 8] = [
        (Event::WrongCode { attempts_left: 4 }, Issued),
        (Event::WrongCode { attempts_left: 1 }, Issued),
        (Event::WrongCode { attempts_left: 0 }, Locked),
        (Event::RightCode, Completed),
        (Event::TimeRanOut, Expired),
        (Event::NewerIssued, Superseded),
        (Event::Withdrawn, Revoked),
        (Event::CancelledByAdmin, Cancelled),
    ];

    /// SPEC §2: "Every state but Issued is terminal."
    const TERMINAL: [RequestState; 6] = [Completed, Expired, Locked, Superseded, Revoked, Cancelled];

    #[test]
    fn every_event_on_an_issued_request_leads_where_the_spec_says() {
        for (event, next) in FROM_ISSUED {
            assert_eq!(transition(Issued, event), Some(next), "Issued on {event:?}");
        }
    }

    #[test]
    fn no_event_moves_a_terminal_state() {
        for state in TERMINAL {
            for (event, _) in FROM_ISSUED {
                assert_eq!(transition(state, event), None, "{state} on {event:?}");
            }
        }
    }

    #[test]
    fn the_states_are_issued_and_the_spec_terminal_ones() {
        let mut spec: Vec<RequestState> = TERMINAL.to_vec();
        spec.push(Issued);
        assert_eq!(RequestState::ALL.len(), spec.len());
        for state in spec {
            assert!(RequestState::ALL.contains(&state), "{state} is missing from ALL");
        }
    }

    #[test]
    fn the_spec_terminal_states_are_terminal_and_issued_is_not() {
        assert!(!Issued.is_terminal());
        for state in TERMINAL {
            assert!(state.is_terminal(), "{state}");
        }
    }

    #[test]
    fn state_names_round_trip() {
        for state in RequestState::ALL {
            assert_eq!(state.as_str().parse::<RequestState>(), Ok(state));
            assert_eq!(state.to_string(), state.as_str());
        }
        assert!("ISSUED".parse::<RequestState>().is_err());
    }

    proptest::proptest! {
        // A fixed seed and no regressions file: CI runs the same cases every time.
        #![proptest_config(proptest::test_runner::Config {
            cases: 256,
            rng_seed: proptest::test_runner::RngSeed::Fixed(0x5747_e0c4_19d2_8b31),
            failure_persistence: None,
            ..proptest::test_runner::Config::default()
        })]

        #[test]
        fn terminal_states_stay_terminal_under_any_events(
            start in 0usize..7,
            events in proptest::collection::vec((0usize..8, 0u32..6), 0..40),
        ) {
            let mut state = RequestState::ALL[start];
            let mut completions = 0;
            for (index, left) in events {
                let event = match FROM_ISSUED[index].0 {
                    Event::WrongCode { .. } => Event::WrongCode { attempts_left: left },
                    other => other,
                };
                let before = state;
                if let Some(next) = transition(state, event) {
                    proptest::prop_assert!(!before.is_terminal());
                    if next == Completed { completions += 1; }
                    state = next;
                }
                proptest::prop_assert!(!before.is_terminal() || state == before);
            }
            proptest::prop_assert!(completions <= 1);
        }
    }
}
