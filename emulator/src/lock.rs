use std::sync::{Mutex, MutexGuard};

/// A poisoned lock only means an earlier handler panicked mid-update; the
/// emulator keeps serving rather than failing every later request.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
