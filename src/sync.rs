//! Locks that outlive a panic: the data behind them stays consistent at every await point
//! and statement boundary, so a thread that panicked while holding one poisons nothing we
//! need to refuse (a panic is a bug reported elsewhere; refusing every later call would turn
//! it into an outage).

use std::sync::{Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// `m.lock()`, poisoned or not.
pub(crate) fn lock<T: ?Sized>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// `l.read()`, poisoned or not.
#[cfg_attr(not(feature = "security"), allow(dead_code))]
pub(crate) fn read<T: ?Sized>(l: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(|p| p.into_inner())
}

/// `l.write()`, poisoned or not.
#[cfg_attr(not(feature = "security"), allow(dead_code))]
pub(crate) fn write<T: ?Sized>(l: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(|p| p.into_inner())
}
