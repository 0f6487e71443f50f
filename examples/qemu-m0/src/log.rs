//! A fixed-capacity record of what a step saw; entries past the capacity
//! are not kept, but the log remembers that it overflowed (and then
//! compares unequal to any expectation).

#[derive(Debug)]
pub struct Log<T, const N: usize> {
    items: heapless::Vec<T, N>,
    overflowed: bool,
}

impl<T: Copy, const N: usize> Log<T, N> {
    pub const fn new() -> Self {
        Log {
            items: heapless::Vec::new(),
            overflowed: false,
        }
    }

    pub fn push(&mut self, item: T) {
        if self.items.push(item).is_err() {
            self.overflowed = true;
        }
    }

    pub fn clear(&mut self) {
        self.items.clear();
        self.overflowed = false;
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty() && !self.overflowed
    }

    /// What was kept (see [`Log::overflowed`] for what was not).
    pub fn as_slice(&self) -> &[T] {
        &self.items
    }

    pub fn overflowed(&self) -> bool {
        self.overflowed
    }
}
