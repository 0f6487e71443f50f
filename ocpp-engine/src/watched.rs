//! A block whose state goes into a record, and whether it may have changed
//! since its record was last compared with it: every mutable access
//! (`DerefMut`) raises the flag, so no code path can change a record
//! unseen; [`ChargePoint::persist`](crate::ChargePoint::persist) encodes
//! only the records of the blocks that were touched.

use core::fmt;
use core::ops::{Deref, DerefMut};

use serde::{Serialize, Serializer};

pub(crate) struct Watched<T> {
    inner: T,
    touched: bool,
}

impl<T> Watched<T> {
    /// Touched: a new charge point's records are compared once.
    pub(crate) const fn new(inner: T) -> Self {
        Watched {
            inner,
            touched: true,
        }
    }

    /// Whether a mutable access happened since the flag was last reset.
    pub(crate) fn touched(&self) -> bool {
        self.touched
    }

    /// Sets the flag: `false` once the record was compared with the block
    /// (or written); back to what it was after an output call, which
    /// changes nothing that is recorded (a debug build checks it at every
    /// persist).
    pub(crate) fn reset(&mut self, touched: bool) {
        self.touched = touched;
    }
}

impl<T> Deref for Watched<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T> DerefMut for Watched<T> {
    fn deref_mut(&mut self) -> &mut T {
        self.touched = true;
        &mut self.inner
    }
}

impl<T: fmt::Debug> fmt::Debug for Watched<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

/// The snapshot is of the state, not of the flag.
impl<T: Serialize> Serialize for Watched<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.inner.serialize(s)
    }
}
