//! The byte tape: a fuzzer's input, or a property test's random bytes, read as a stream of
//! small choices. proptest shrinks a failing case by shrinking its tape, and a fuzzer
//! mutates it; either way the generator that reads it stays a plain function.

/// A stream of small choices read from bytes.
#[derive(Debug, Clone)]
pub struct Tape<'a> {
    bytes: &'a [u8],
    at: usize,
    tail: Tail,
}

/// What a tape gives once its bytes are used up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tail {
    /// A fixed cycle (0, 1, … 250, 0, …): choices stay varied but reproducible, so a
    /// property test's fixed-length tape can feed a generator of any size.
    Cycle,
    /// Zeros: a short fuzz input stays a small case (libFuzzer's convention).
    Zeros,
}

impl<'a> Tape<'a> {
    /// A tape that goes on past its bytes with a fixed cycle (for property tests).
    pub fn new(bytes: &'a [u8]) -> Tape<'a> {
        Tape {
            bytes,
            at: 0,
            tail: Tail::Cycle,
        }
    }

    /// A tape that gives zeros past its bytes (for fuzz targets).
    pub fn zero_padded(bytes: &'a [u8]) -> Tape<'a> {
        Tape {
            bytes,
            at: 0,
            tail: Tail::Zeros,
        }
    }

    /// The next byte.
    pub fn byte(&mut self) -> u8 {
        let b = match (self.bytes.get(self.at), self.tail) {
            (Some(&b), _) => b,
            (None, Tail::Cycle) => (self.at % 251) as u8,
            (None, Tail::Zeros) => 0,
        };
        self.at += 1;
        b
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        usize::from(self.byte()) % n.max(1)
    }

    /// True about `percent` times in a hundred.
    pub fn chance(&mut self, percent: u8) -> bool {
        self.byte() % 100 < percent
    }

    /// One of `items` (which must not be empty).
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// `len` bytes from a xorshift generator, advancing `state`: tapes for the tests that
/// check what a generator produces over a fixed set of seeds.
pub fn xorshift_bytes(state: &mut u64, len: usize) -> Vec<u8> {
    (0..len)
        .map(|_| {
            *state ^= *state << 13;
            *state ^= *state >> 7;
            *state ^= *state << 17;
            (*state >> 32) as u8
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_its_bytes_then_its_tail() {
        let mut t = Tape::new(&[7, 200]);
        assert_eq!((t.byte(), t.byte(), t.byte(), t.byte()), (7, 200, 2, 3));
        let mut z = Tape::zero_padded(&[7]);
        assert_eq!((z.byte(), z.byte(), z.byte()), (7, 0, 0));
    }

    #[test]
    fn choices_stay_in_range() {
        let mut t = Tape::new(&[255, 99, 100, 3]);
        assert_eq!(t.below(10), 5);
        assert!(!t.chance(99));
        assert!(t.chance(1));
        assert_eq!(t.pick(&["a", "b"]), "b");
        assert_eq!(t.below(0), 0);
    }

    #[test]
    fn xorshift_is_reproducible() {
        let (mut a, mut b) = (1u64, 1u64);
        assert_eq!(xorshift_bytes(&mut a, 16), xorshift_bytes(&mut b, 16));
        assert_ne!(xorshift_bytes(&mut a, 16), xorshift_bytes(&mut 2u64, 16));
    }
}
