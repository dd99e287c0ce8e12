//! Every collection the emulator keeps is bounded, so it can be left running: a
//! `Bounded` list holds at most `max_items` entries and `max_bytes` of their
//! variable-size text, dropping the oldest entries first.

use std::collections::VecDeque;

use serde::{Serialize, Serializer};

/// The variable-size part of an entry (strings a client chose), for the byte bound.
pub trait Weigh {
    fn weight(&self) -> usize;
}

#[derive(Debug)]
pub struct Bounded<T> {
    items: VecDeque<T>,
    bytes: usize,
    max_items: usize,
    max_bytes: usize,
}

impl<T: Weigh> Bounded<T> {
    pub const fn new(max_items: usize, max_bytes: usize) -> Self {
        Bounded { items: VecDeque::new(), bytes: 0, max_items, max_bytes }
    }

    /// Appends, then drops the oldest entries until both bounds hold again (an entry
    /// heavier than `max_bytes` on its own is still kept, alone).
    pub fn push(&mut self, item: T) {
        self.bytes += item.weight();
        self.items.push_back(item);
        while self.items.len() > self.max_items || (self.bytes > self.max_bytes && self.items.len() > 1) {
            self.pop_front();
        }
    }

    /// Whether `new` can be appended with nothing dropped (for a queue, where dropping
    /// the oldest would silently change what a test asked for).
    pub fn has_room_for(&self, new: &[T]) -> bool {
        let bytes: usize = new.iter().map(Weigh::weight).sum();
        self.items.len() + new.len() <= self.max_items && self.bytes + bytes <= self.max_bytes
    }

    pub fn pop_front(&mut self) -> Option<T> {
        let item = self.items.pop_front()?;
        self.bytes -= item.weight();
        Some(item)
    }

    /// Removes the first entry matching `f`.
    pub fn remove_where(&mut self, f: impl Fn(&T) -> bool) -> Option<T> {
        let i = self.items.iter().position(f)?;
        let item = self.items.remove(i)?;
        self.bytes -= item.weight();
        Some(item)
    }

    /// Changes one entry in place; `f` must not change its weight.
    pub fn find_mut(&mut self, f: impl Fn(&T) -> bool) -> Option<&mut T> {
        self.items.iter_mut().find(|t| f(t))
    }

    pub fn find(&self, f: impl Fn(&T) -> bool) -> Option<&T> {
        self.items.iter().find(|t| f(t))
    }

    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.items.iter()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn clear(&mut self) {
        self.items.clear();
        self.bytes = 0;
    }
}

impl<T: Serialize> Serialize for Bounded<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(&self.items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Weigh for String {
        fn weight(&self) -> usize {
            self.len()
        }
    }

    #[test]
    fn drops_the_oldest_past_either_bound() {
        let mut b = Bounded::new(3, 10);
        for s in ["a", "b", "c", "d"] {
            b.push(s.to_string());
        }
        assert_eq!(b.iter().cloned().collect::<Vec<_>>(), ["b", "c", "d"]);
        b.push("0123456789".into());
        assert_eq!(b.iter().cloned().collect::<Vec<_>>(), ["0123456789"]);
        b.push("x".into());
        assert_eq!(b.iter().cloned().collect::<Vec<_>>(), ["x"], "10 + 1 bytes is over");
        assert_eq!(b.remove_where(|s| s == "x").as_deref(), Some("x"));
        assert_eq!(b.len(), 0);
    }

    #[test]
    fn room_for_a_queue() {
        let mut b = Bounded::new(2, 10);
        assert!(!b.has_room_for(&["01234567890".to_string()]), "heavier than the bound");
        assert!(b.has_room_for(&["a".to_string(), "b".to_string()]));
        b.push("a".to_string());
        assert!(!b.has_room_for(&["b".to_string(), "c".to_string()]));
        assert_eq!(b.pop_front().as_deref(), Some("a"));
        assert!(b.has_room_for(&["b".to_string(), "c".to_string()]));
    }
}
