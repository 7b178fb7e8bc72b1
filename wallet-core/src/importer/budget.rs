//! The importer's byte budget: how much file content (and what verification kept of it) the workers, the channel
//! and the writer's open group hold at once, so a folder of large or hostile files cannot pile up in memory.
//!
//! A worker takes a [`Share`] for a file before reading it, waiting while other shares are out and the file would
//! not fit; the share then travels with the file's result and is given back when the writer is done with it (after
//! its group commit). Only taking waits: resizing a share to what verification kept never does, so nothing that
//! holds a share ever waits for another one, and the first share always fits (a file larger than the whole budget
//! still goes through, alone).

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

/// Bytes shared out at most, unless one share alone is larger (see the module documentation).
pub(crate) struct Budget {
    max: usize,
    state: Mutex<State>,
    freed: Condvar,
}

#[derive(Default)]
struct State {
    held: usize,
    peak: usize,
    waiting: usize,
}

/// Part of the budget, given back when dropped.
pub(crate) struct Share<'a> {
    budget: &'a Budget,
    bytes: usize,
}

impl Budget {
    pub(crate) fn new(max: usize) -> Self {
        Self {
            max,
            state: Mutex::new(State::default()),
            freed: Condvar::new(),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // The state is two counters updated in one step each: a panic elsewhere cannot leave them half-written.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes `bytes`, waiting while other shares are out and `bytes` would not fit. `before_waiting` runs once,
    /// before the first wait (the importer uses it to ask the writer to commit what it holds).
    pub(crate) fn take(&self, bytes: usize, before_waiting: impl FnOnce()) -> Share<'_> {
        let mut state = self.state();
        if state.held > 0 && state.held.saturating_add(bytes) > self.max {
            state.waiting += 1;
            drop(state);
            before_waiting();
            state = self.state();
            while state.held > 0 && state.held.saturating_add(bytes) > self.max {
                state = self.freed.wait(state).unwrap_or_else(PoisonError::into_inner);
            }
            state.waiting -= 1;
        }
        state.held += bytes;
        state.peak = state.peak.max(state.held);
        Share { budget: self, bytes }
    }

    /// Whether a worker is waiting for bytes to be given back.
    pub(crate) fn has_waiters(&self) -> bool {
        self.state().waiting > 0
    }

    /// The most bytes shared out at once so far.
    pub(crate) fn peak(&self) -> usize {
        self.state().peak
    }
}

impl Share<'_> {
    /// Makes this share `bytes` large, without waiting (growing may go past the budget).
    pub(crate) fn resize(&mut self, bytes: usize) {
        let mut state = self.budget.state();
        state.held = state.held - self.bytes + bytes;
        state.peak = state.peak.max(state.held);
        drop(state);
        if bytes < self.bytes {
            self.budget.freed.notify_all();
        }
        self.bytes = bytes;
    }
}

impl Drop for Share<'_> {
    fn drop(&mut self) {
        self.budget.state().held -= self.bytes;
        self.budget.freed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};

    #[test]
    fn a_share_that_does_not_fit_waits_until_bytes_come_back() {
        let budget = Budget::new(100);
        let first = budget.take(60, || unreachable!("the first share never waits"));
        let taken = AtomicBool::new(false);
        std::thread::scope(|s| {
            let (tx, rx) = std::sync::mpsc::channel();
            s.spawn(|| {
                let _second = budget.take(60, move || tx.send(()).unwrap());
                taken.store(true, Ordering::SeqCst);
            });
            // The second worker said it is about to wait; until the first share is dropped it cannot get through.
            rx.recv().unwrap();
            assert!(!taken.load(Ordering::SeqCst));
            drop(first);
        });
        assert!(taken.load(Ordering::SeqCst));
        assert_eq!(budget.peak(), 60);
        assert!(!budget.has_waiters());
    }

    #[test]
    fn a_file_larger_than_the_budget_goes_through_alone_and_resizing_never_waits() {
        let budget = Budget::new(100);
        let mut big = budget.take(250, || unreachable!("nothing else is out"));
        big.resize(10);
        let small = budget.take(90, || unreachable!("10 + 90 fits"));
        big.resize(500);
        assert_eq!(budget.peak(), 590);
        drop((big, small));
        assert_eq!(budget.state().held, 0);
    }
}
