//! The byte-level parts of records: sequences written from iterators, the
//! digest that tells whether a record changed, the CRC-32 in every record,
//! and the reader of a record's body.

use postcard::ser_flavors::Flavor;
use serde::{Deserialize, Serialize};

use super::Dropped;

/// A sequence serialized from an iterator made anew for each pass (postcard
/// writes the length first), so a record needs no buffer of its own.
pub(crate) struct Seq<F>(pub(crate) F);

impl<F, I> Serialize for Seq<F>
where
    F: Fn() -> I,
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        // A pass only to count, unless the iterator knows its length (the
        // queue's and the samples' do: their items are made twice less).
        let items = (self.0)();
        let len = match items.size_hint() {
            (lower, Some(upper)) if lower == upper => lower,
            _ => (self.0)().count(),
        };
        let mut seq = s.serialize_seq(Some(len))?;
        let mut written = 0;
        for item in items {
            seq.serialize_element(&item)?;
            written += 1;
        }
        if written != len {
            return Err(S::Error::custom("a sequence's length changed"));
        }
        seq.end()
    }
}

/// Counts and digests the bytes postcard writes.
pub(super) struct Measure {
    pub(super) digest: Digest,
    pub(super) len: usize,
}

impl Flavor for Measure {
    type Output = (u64, usize);

    fn try_push(&mut self, data: u8) -> postcard::Result<()> {
        self.digest.byte(data);
        self.len += 1;
        Ok(())
    }

    fn try_extend(&mut self, data: &[u8]) -> postcard::Result<()> {
        self.digest.update(data);
        self.len += data.len();
        Ok(())
    }

    fn finalize(self) -> postcard::Result<Self::Output> {
        Ok((self.digest.finish(), self.len))
    }
}

/// The digest that tells whether a record changed since it was written: a
/// 64-bit multiply-rotate hash (FxHash's step) over each byte, so the same
/// bytes give the same digest however postcard hands them over. Not the
/// record's checksum: that is the CRC-32 in the record, computed only when
/// a record is written or read.
#[derive(Clone, Copy)]
pub(crate) struct Digest(u64);

impl Digest {
    pub(crate) const fn new() -> Self {
        Digest(0x243f_6a88_85a3_08d3)
    }

    pub(crate) fn byte(&mut self, b: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x517c_c1b7_2722_0a95);
    }

    pub(crate) fn update(&mut self, data: &[u8]) {
        for &b in data {
            self.byte(b);
        }
    }

    pub(crate) const fn finish(self) -> u64 {
        self.0
    }
}

/// CRC-32 (IEEE 802.3, the one of zip and Ethernet), a nibble at a time:
/// a 64-byte table, a quarter of the work of the bitwise form.
#[derive(Clone, Copy)]
struct Crc32(u32);

/// The CRC of each 4-bit value (reflected polynomial 0xEDB88320).
const NIBBLE: [u32; 16] = {
    let mut t = [0u32; 16];
    let mut i = 0;
    while i < 16 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 4 {
            c = if c & 1 != 0 {
                (c >> 1) ^ 0xEDB8_8320
            } else {
                c >> 1
            };
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
};

impl Crc32 {
    const fn new() -> Self {
        Crc32(!0)
    }

    fn update(&mut self, data: &[u8]) {
        for &b in data {
            let mut c = self.0 ^ u32::from(b);
            c = (c >> 4) ^ NIBBLE[(c & 15) as usize];
            c = (c >> 4) ^ NIBBLE[(c & 15) as usize];
            self.0 = c;
        }
    }

    const fn finish(self) -> u32 {
        !self.0
    }
}

/// The CRC-32 of `data`.
pub fn crc32(data: &[u8]) -> u32 {
    let mut c = Crc32::new();
    c.update(data);
    c.finish()
}

/// Reads postcard values one after another from a record's body.
#[derive(Clone)]
pub(crate) struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    pub(crate) fn new(body: &'a [u8]) -> Self {
        Reader(body)
    }

    pub(crate) fn take<T: Deserialize<'a>>(&mut self) -> Result<T, Dropped> {
        let (v, rest) = postcard::take_from_bytes(self.0).map_err(|_| Dropped::Invalid)?;
        self.0 = rest;
        Ok(v)
    }

    /// The length of a sequence that follows (postcard's varint).
    pub(crate) fn len(&mut self) -> Result<usize, Dropped> {
        let n: u32 = self.take()?;
        usize::try_from(n).map_err(|_| Dropped::Invalid)
    }

    /// The whole body was read.
    pub(crate) fn finish(self) -> Result<(), Dropped> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Dropped::Invalid)
        }
    }
}
