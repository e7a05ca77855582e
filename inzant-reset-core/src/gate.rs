//! A turnstile for async work: at most `n` holders of a [`Pass`] at once,
//! the rest waiting their turn in arrival order, on any executor (no
//! runtime of its own: a waiter parks on a oneshot channel).
//!
//! The service lets a bounded number of submits do their checks and
//! hashing at once ([`crate::service::ResetConfig::submits_at_once`]), so a
//! burst of submits does not crowd the store's pool, the policy threads and
//! the CPU in its first second while people are typing.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use futures::channel::oneshot;

#[derive(Debug)]
struct Turns {
    /// Passes not held and not promised to a waiter.
    free: usize,
    /// Waiters, oldest first. A waiter that went away is skipped when its
    /// turn comes (its channel refuses the pass).
    waiting: VecDeque<oneshot::Sender<Pass>>,
}

/// At most `n` [`Pass`]es out at once; see the module.
#[derive(Debug, Clone)]
pub(crate) struct Gate {
    turns: Arc<Mutex<Turns>>,
}

/// A place inside the [`Gate`]; dropping it lets the next waiter in.
#[derive(Debug)]
pub(crate) struct Pass {
    /// `None` once handed on, so that dropping it does nothing more.
    turns: Option<Arc<Mutex<Turns>>>,
}

fn lock(turns: &Mutex<Turns>) -> MutexGuard<'_, Turns> {
    turns.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Gate {
    /// A gate letting `n` through at once (at least one).
    pub(crate) fn new(n: usize) -> Self {
        Self { turns: Arc::new(Mutex::new(Turns { free: n.max(1), waiting: VecDeque::new() })) }
    }

    /// A pass, at once when one is free and nobody waits, else in turn.
    pub(crate) async fn pass(&self) -> Pass {
        let turn = {
            let mut turns = lock(&self.turns);
            if turns.free > 0 && turns.waiting.is_empty() {
                turns.free -= 1;
                return Pass { turns: Some(Arc::clone(&self.turns)) };
            }
            let (promise, turn) = oneshot::channel();
            turns.waiting.push_back(promise);
            turn
        };
        // A promise is only ever dropped unsent when the gate itself is gone,
        // which cannot happen while `self` is borrowed; should it, go through
        // rather than wait for ever.
        turn.await.unwrap_or(Pass { turns: None })
    }

    /// Waiters, for tests.
    #[cfg(test)]
    fn waiting(&self) -> usize {
        lock(&self.turns).waiting.len()
    }
}

impl Drop for Pass {
    fn drop(&mut self) {
        let Some(turns) = self.turns.take() else { return };
        loop {
            // Sent with the lock released: a pass the channel drops (its
            // waiter left meanwhile) takes the lock again to hand itself on.
            let promise = {
                let mut state = lock(&turns);
                match state.waiting.pop_front() {
                    Some(promise) => promise,
                    None => {
                        // Under the same lock as the check, so a waiter
                        // arriving now either finds the place or is found.
                        state.free += 1;
                        return;
                    }
                }
            };
            match promise.send(Pass { turns: Some(Arc::clone(&turns)) }) {
                Ok(()) => return,
                // That waiter went away: take the pass back (so that its drop
                // does nothing) and offer it to the next one.
                Err(mut refused) => drop(refused.turns.take()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::FutureExt;
    use futures::executor::block_on;

    #[test]
    fn n_pass_at_once_and_the_next_waits_for_a_place() {
        let gate = Gate::new(2);
        let first = block_on(gate.pass());
        let _second = block_on(gate.pass());
        let mut third = Box::pin(gate.pass());
        assert!((&mut third).now_or_never().is_none(), "no place free");
        assert_eq!(gate.waiting(), 1);
        drop(first);
        assert!(third.now_or_never().is_some(), "the freed place went to the waiter");
        assert_eq!(gate.waiting(), 0);
    }

    #[test]
    fn waiters_go_through_in_arrival_order() {
        let gate = Gate::new(1);
        let held = block_on(gate.pass());
        let mut a = Box::pin(gate.pass());
        let mut b = Box::pin(gate.pass());
        assert!((&mut a).now_or_never().is_none());
        assert!((&mut b).now_or_never().is_none());
        drop(held);
        assert!((&mut b).now_or_never().is_none(), "b came second");
        let a = a.now_or_never().expect("a came first");
        drop(a);
        assert!(b.now_or_never().is_some());
    }

    #[test]
    fn a_waiter_that_went_away_loses_no_place() {
        let gate = Gate::new(1);
        let held = block_on(gate.pass());
        let mut gone = Box::pin(gate.pass());
        assert!((&mut gone).now_or_never().is_none());
        let mut next = Box::pin(gate.pass());
        assert!((&mut next).now_or_never().is_none());
        drop(gone);
        drop(held);
        assert!(next.now_or_never().is_some(), "skipped the waiter that left");
        // And with nobody waiting, the place is free again.
        let gate = Gate::new(1);
        let held = block_on(gate.pass());
        let mut gone = Box::pin(gate.pass());
        assert!((&mut gone).now_or_never().is_none());
        drop(gone);
        drop(held);
        assert!(gate.pass().now_or_never().is_some());
    }

    #[test]
    fn a_pass_handed_to_a_waiter_that_then_leaves_comes_back() {
        let gate = Gate::new(1);
        let held = block_on(gate.pass());
        let mut promised = Box::pin(gate.pass());
        assert!((&mut promised).now_or_never().is_none());
        // The pass is sent to the waiter, which leaves before it looks.
        drop(held);
        drop(promised);
        assert!(gate.pass().now_or_never().is_some(), "the pass left in the channel went back");
    }

    #[test]
    fn a_zero_sized_gate_still_lets_one_through() {
        let gate = Gate::new(0);
        let held = gate.pass().now_or_never();
        assert!(held.is_some());
        assert!(gate.pass().now_or_never().is_none());
    }
}
