//! Persistence: a small trait of whole records, and how the charge point
//! keeps them (DESIGN.md, "Persistence").
//!
//! # The choice: the engine calls a storage handle it owns
//! The integrator hands a [`Storage`] to
//! [`ChargePoint::restore`](crate::ChargePoint::restore); the
//! engine writes through it, synchronously, before anything that depends
//! on a record leaves: [`poll_transmit`](crate::ChargePoint::poll_transmit)
//! and [`poll_event`](crate::ChargePoint::poll_event) first make every
//! changed record durable, and send nothing (and report
//! [`Event::StorageFailed`](crate::Event::StorageFailed)) while a write
//! fails. So a StartTransaction is stored before it goes out, a stop is
//! stored before its StopTransaction can, a ChangeConfiguration is stored
//! before its `Accepted`, and energy is offered only once the transaction
//! that bills it is stored.
//!
//! The other design, the engine handing out writes for the integrator to
//! perform and acknowledge, keeps the engine free of even this one call, but
//! every send would then wait on an acknowledgement the integrator must
//! route back, for the same guarantee: every medium we target (a file, NOR
//! flash behind `embedded-storage`, RAM) writes a record of a few hundred
//! bytes synchronously in microseconds to milliseconds, so the simpler
//! contract wins. The engine still never touches a file or a flash itself.
//!
//! # What is stored
//! Four records (see [`RecordKey`]): the configuration keys that differ from
//! their defaults, the availability of each connector, the authorization
//! cache, and the transactions (the running ones, the message queue, the
//! transaction numbers). A record is written only when its content changed
//! (the engine keeps each record's checksum), and removed when its content
//! is the default: a heartbeat, a status or a meter reading writes nothing.
//!
//! # Record format
//! `[version: u8][postcard body][CRC-32 of the previous bytes, LE]`. The
//! checksum makes a torn or corrupt record (a medium that broke the
//! atomicity contract) a dropped record, reported, never a panic or a
//! wrong state.

use core::fmt;

use postcard::ser_flavors::Flavor;
use serde::{Deserialize, Serialize};

mod codec;

pub use codec::crc32;
use codec::{Digest, Measure};
pub(crate) use codec::{Reader, Seq};

/// The version of every record this build writes. A record of another
/// version is dropped at [`restore`](crate::ChargePoint::restore) and the
/// drop reported ([`Restored::dropped`]), but for the older versions this
/// build migrates (from [`OLDEST_RECORD_VERSION`]): version 2 added the
/// phase and location of each reading (a version 1 record is read as
/// readings of no phase), version 3 the StopTxnAlignedData samples of the
/// transactions (a version 2 record is read as none kept); either is
/// written again as this version.
pub const RECORD_VERSION: u8 = 3;

/// The largest record this build writes for a charge point built with
/// `config`, for a storage adapter that sizes a buffer: the transactions
/// record with [`Config::max_queued_messages`](crate::Config::max_queued_messages)
/// messages of at most [`MAX_MESSAGE_RECORD`] bytes,
/// [`Config::max_stop_aligned_samples`](crate::Config::max_stop_aligned_samples)
/// samples of at most [`MAX_ALIGNED_RECORD`], and the running
/// transactions. [`Record::len`] gives the exact length of each write.
pub const fn max_record_len(config: &crate::Config<'_>) -> usize {
    18 + config.connectors as usize * MAX_RUNNING_RECORD
        + config.max_queued_messages as usize * MAX_MESSAGE_RECORD
        + config.max_stop_aligned_samples as usize * MAX_ALIGNED_RECORD
}

/// The most one queued transaction message takes in a record.
pub const MAX_MESSAGE_RECORD: usize = 280;
/// The most one StopTxnAlignedData sample takes in a record.
pub const MAX_ALIGNED_RECORD: usize = 120;
/// The most one running transaction takes in a record.
pub const MAX_RUNNING_RECORD: usize = 190;

/// Where the charge point keeps its records: a key-value store of whole
/// records.
///
/// Contract: [`write`](Self::write) replaces the record atomically (after a
/// power cut during it, a read finds the old record or the new one, never a
/// mix); [`remove`](Self::remove) is atomic too. Reads happen only at
/// [`restore`](crate::ChargePoint::restore).
pub trait Storage {
    /// Why a read or write failed (an I/O error, a full medium, ...).
    type Error: fmt::Debug;

    /// `false` for a storage that keeps nothing ([`NoStorage`]): the engine
    /// then skips all record work.
    const PERSISTS: bool = true;

    /// Calls `read` once with the bytes of record `key` and returns `true`,
    /// or returns `false` when there is no such record.
    fn read(&mut self, key: RecordKey, read: &mut dyn FnMut(&[u8])) -> Result<bool, Self::Error>;

    /// Replaces record `key` by `record` ([`Record::len`] bytes, written by
    /// [`Record::write_to`]), atomically.
    fn write(&mut self, key: RecordKey, record: &Record<'_>) -> Result<(), Self::Error>;

    /// Removes record `key`; removing a record that is not there is `Ok`.
    fn remove(&mut self, key: RecordKey) -> Result<(), Self::Error>;
}

impl<S: Storage + ?Sized> Storage for &mut S {
    type Error = S::Error;
    const PERSISTS: bool = S::PERSISTS;

    fn read(&mut self, key: RecordKey, read: &mut dyn FnMut(&[u8])) -> Result<bool, Self::Error> {
        (**self).read(key, read)
    }

    fn write(&mut self, key: RecordKey, record: &Record<'_>) -> Result<(), Self::Error> {
        (**self).write(key, record)
    }

    fn remove(&mut self, key: RecordKey) -> Result<(), Self::Error> {
        (**self).remove(key)
    }
}

/// The storage of a charge point built with [`ChargePoint::new`](crate::ChargePoint::new):
/// it keeps nothing, and a reboot starts afresh.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NoStorage;

impl Storage for NoStorage {
    type Error = core::convert::Infallible;
    const PERSISTS: bool = false;

    fn read(&mut self, _: RecordKey, _: &mut dyn FnMut(&[u8])) -> Result<bool, Self::Error> {
        Ok(false)
    }

    fn write(&mut self, _: RecordKey, _: &Record<'_>) -> Result<(), Self::Error> {
        Ok(())
    }

    fn remove(&mut self, _: RecordKey) -> Result<(), Self::Error> {
        Ok(())
    }
}

/// The records of a charge point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum RecordKey {
    /// The configuration keys whose values differ from the defaults.
    Configuration,
    /// Connectors made Inoperative (or scheduled to change) by ChangeAvailability.
    Availability,
    /// The authorization cache.
    Cache,
    /// Running transactions, the transaction message queue and the
    /// transaction numbers.
    Transactions,
}

impl RecordKey {
    /// Every record, in the order they are written and restored.
    pub const ALL: [RecordKey; 4] = [
        RecordKey::Configuration,
        RecordKey::Availability,
        RecordKey::Cache,
        RecordKey::Transactions,
    ];

    /// A small number for the key, stable across versions (a flash map key).
    pub const fn id(self) -> u8 {
        match self {
            RecordKey::Configuration => 1,
            RecordKey::Availability => 2,
            RecordKey::Cache => 3,
            RecordKey::Transactions => 4,
        }
    }

    /// A name for the key, stable across versions (a file name).
    pub const fn name(self) -> &'static str {
        match self {
            RecordKey::Configuration => "configuration",
            RecordKey::Availability => "availability",
            RecordKey::Cache => "cache",
            RecordKey::Transactions => "transactions",
        }
    }

    /// The key with this [`id`](Self::id).
    pub fn from_id(id: u8) -> Option<RecordKey> {
        Self::ALL.into_iter().find(|k| k.id() == id)
    }

    pub(crate) const fn index(self) -> usize {
        self.id() as usize - 1
    }
}

impl fmt::Display for RecordKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A record to write: its length, and the bytes on demand (so that the
/// adapter encodes straight into its own buffer and the engine needs none).
pub struct Record<'a> {
    len: usize,
    write: &'a dyn Fn(&mut [u8]) -> Option<usize>,
}

impl fmt::Debug for Record<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Record").field("len", &self.len).finish()
    }
}

/// The buffer given to [`Record::write_to`] is shorter than [`Record::len`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BufferTooSmall;

impl<'a> Record<'a> {
    /// A record of `len` bytes that `write` writes into the start of the
    /// buffer it is given (returning the length, or `None` when the buffer
    /// is too short): for an adapter's own tests.
    pub fn from_fn(len: usize, write: &'a dyn Fn(&mut [u8]) -> Option<usize>) -> Record<'a> {
        Record { len, write }
    }

    /// The record's length in bytes.
    #[allow(clippy::len_without_is_empty)] // a record is never empty
    pub fn len(&self) -> usize {
        self.len
    }

    /// Writes the record into the start of `buf` and returns its length.
    pub fn write_to(&self, buf: &mut [u8]) -> Result<usize, BufferTooSmall> {
        let buf = buf.get_mut(..self.len).ok_or(BufferTooSmall)?;
        (self.write)(buf).ok_or(BufferTooSmall)
    }
}

/// Why a stored record was not restored. The charge point goes on without
/// it and writes its own state over it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dropped {
    /// The checksum does not match: the record is torn or corrupt.
    Corrupt,
    /// Written by a build with another record version (carried).
    Version(u8),
    /// It does not decode, or says something no build writes (connector
    /// 0 running a transaction, a connector twice, an unknown measurand,
    /// ...). A record of a build with more connectors is not invalid: see
    /// [`ChargePoint::restore`](crate::ChargePoint::restore).
    Invalid,
}

/// What [`ChargePoint::restore`](crate::ChargePoint::restore) found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Restored {
    /// The records read and applied.
    pub records: u8,
    /// Records that were there but could not be used, by [`RecordKey::index`]:
    /// the firmware should log them; a dropped transactions record means
    /// transactions were lost.
    dropped: [Option<Dropped>; 4],
    /// Running transactions resumed (the firmware said it could).
    pub resumed: u8,
    /// Running transactions stopped with reason PowerLoss.
    pub stopped: u8,
    /// Transaction messages queued for delivery.
    pub queued: usize,
}

impl Restored {
    /// Why the record `key` was dropped, if it was.
    pub fn dropped(&self, key: RecordKey) -> Option<Dropped> {
        self.dropped[key.index()]
    }

    pub(crate) fn drop_record(&mut self, key: RecordKey, why: Dropped) {
        self.dropped[key.index()] = Some(why);
    }
}

/// Why [`ChargePoint::restore`](crate::ChargePoint::restore) failed. Nothing
/// was allocated, nothing was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RestoreError<E> {
    /// The pool refused an allocation.
    OutOfMemory,
    /// A configuration value is out of range; the reason names it.
    InvalidConfig(&'static str),
    /// The storage failed to read a record.
    Storage(E),
}

impl<E> From<crate::NewError> for RestoreError<E> {
    fn from(e: crate::NewError) -> Self {
        match e {
            crate::NewError::OutOfMemory => RestoreError::OutOfMemory,
            crate::NewError::InvalidConfig(why) => RestoreError::InvalidConfig(why),
        }
    }
}

/// What the engine knows of each record it wrote (outside the snapshot:
/// it is about the medium, not the charge point).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Written {
    /// Not known: write at the next chance.
    Unknown,
    /// No record (the content is the default).
    Absent,
    /// A record whose bytes have this digest.
    Digest(u64),
    /// The restored configuration record, with this digest: it may hold the
    /// firmware's keys, which come back only when the firmware adds them,
    /// so it is not compared with the state until the configuration changes.
    Restored(u64),
}

/// A record's body: `None` when the content is the default (no record).
pub(crate) trait Body {
    fn encode<F: Flavor>(&self, key: RecordKey, f: F) -> Option<postcard::Result<F::Output>>;
}

/// The digest and length of a record (version, body), without a buffer.
pub(crate) fn measure(body: &impl Body, key: RecordKey) -> Option<(u64, usize)> {
    let mut f = Measure {
        digest: Digest::new(),
        len: 0,
    };
    f.try_push(RECORD_VERSION).ok()?;
    body.encode(key, f).map(|r| r.unwrap_or((0, usize::MAX)))
}

/// Whether record `key` is still what was written (debug checks).
#[cfg(debug_assertions)]
pub(crate) fn unchanged(body: &impl Body, key: RecordKey, written: Written) -> bool {
    match (measure(body, key), written) {
        (None, Written::Absent) => true,
        (Some((d, _)), Written::Digest(w)) => d == w,
        // Not comparable until the firmware added its keys back.
        (_, Written::Restored(_)) => true,
        _ => false,
    }
}

/// Writes the record (version, body, checksum) into `buf`, which is exactly
/// its length.
pub(crate) fn write_record(body: &impl Body, key: RecordKey, buf: &mut [u8]) -> Option<usize> {
    let (first, rest) = buf.split_first_mut()?;
    *first = RECORD_VERSION;
    let body_len = rest.len().checked_sub(4)?;
    let n = match body.encode(
        key,
        postcard::ser_flavors::Slice::new(&mut rest[..body_len]),
    )? {
        Ok(used) => used.len(),
        Err(_) => return None,
    };
    let end = 1 + n;
    let crc = crc32(&buf[..end]);
    buf.get_mut(end..end + 4)?
        .copy_from_slice(&crc.to_le_bytes());
    Some(end + 4)
}

/// Writes `key` through `storage` when its content changed since the last
/// write: a write (`Some(its length)`), a removal (`Some(0)`), or nothing.
pub(crate) fn sync<S: Storage>(
    storage: &mut S,
    body: &impl Body,
    key: RecordKey,
    written: &mut Written,
) -> Result<Option<usize>, S::Error> {
    match measure(body, key) {
        None if *written == Written::Absent => Ok(None),
        None => {
            storage.remove(key)?;
            *written = Written::Absent;
            Ok(Some(0))
        }
        Some((digest, _))
            if *written == Written::Digest(digest) || *written == Written::Restored(digest) =>
        {
            Ok(None)
        }
        Some((digest, len)) => {
            let fill = |buf: &mut [u8]| write_record(body, key, buf);
            storage.write(
                key,
                &Record {
                    len: len + 4,
                    write: &fill,
                },
            )?;
            *written = Written::Digest(digest);
            Ok(Some(len + 4))
        }
    }
}

/// The oldest record version this build reads (and migrates).
pub const OLDEST_RECORD_VERSION: u8 = 1;

/// A record's version and body, checked (the checksum, and a version from
/// [`OLDEST_RECORD_VERSION`] to [`RECORD_VERSION`]), and the digest of its
/// content.
pub(crate) fn open(bytes: &[u8]) -> Result<(u8, &[u8], u64), Dropped> {
    let split = bytes.len().checked_sub(4).ok_or(Dropped::Corrupt)?;
    let (content, tail) = bytes.split_at(split);
    if tail != crc32(content).to_le_bytes() {
        return Err(Dropped::Corrupt);
    }
    let mut digest = Digest::new();
    digest.update(content);
    match content.split_first() {
        Some((&v, body)) if (OLDEST_RECORD_VERSION..=RECORD_VERSION).contains(&v) => {
            Ok((v, body, digest.finish()))
        }
        Some((&v, _)) => Err(Dropped::Version(v)),
        None => Err(Dropped::Corrupt),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The figure the READMEs give for the default configuration.
    #[test]
    fn the_largest_record_of_the_default_configuration() {
        let config = crate::Config::new("Acme", "Wallbox-1");
        assert_eq!(max_record_len(&config), 5_168);
    }

    #[test]
    fn the_digest_does_not_depend_on_how_the_bytes_come() {
        let bytes = b"a record of some bytes";
        let mut whole = Digest::new();
        whole.update(bytes);
        let mut parts = Digest::new();
        parts.update(&bytes[..5]);
        for &b in &bytes[5..9] {
            parts.byte(b);
        }
        parts.update(&bytes[9..]);
        assert_eq!(whole.finish(), parts.finish());
        let mut other = Digest::new();
        other.update(b"a record of some byteZ");
        assert_ne!(whole.finish(), other.finish());
    }

    #[test]
    fn every_byte_value_gives_its_own_digest() {
        let mut seen = [0u64; 256];
        for (b, d) in seen.iter_mut().enumerate() {
            let mut x = Digest::new();
            x.byte(b as u8);
            *d = x.finish();
        }
        seen.sort_unstable();
        assert!(seen.windows(2).all(|w| w[0] != w[1]));
    }

    /// A record body of one byte, or none (the default content).
    struct One(Option<u8>);

    impl Body for One {
        fn encode<F: Flavor>(&self, _: RecordKey, f: F) -> Option<postcard::Result<F::Output>> {
            self.0.map(|b| postcard::serialize_with_flavor(&b, f))
        }
    }

    /// The debug check behind `persist`'s skipping of untouched records
    /// (a block changed without the mutable access that marks it touched
    /// would never be written): it holds only for the record as written.
    #[cfg(debug_assertions)]
    #[test]
    fn the_debug_check_sees_a_record_that_changed() {
        let k = RecordKey::Cache;
        let (digest, _) = measure(&One(Some(1)), k).unwrap();
        assert!(unchanged(&One(Some(1)), k, Written::Digest(digest)));
        assert!(!unchanged(&One(Some(2)), k, Written::Digest(digest)));
        assert!(!unchanged(&One(None), k, Written::Digest(digest)));
        assert!(unchanged(&One(None), k, Written::Absent));
        assert!(!unchanged(&One(Some(1)), k, Written::Absent));
        assert!(!unchanged(&One(None), k, Written::Unknown));
        // The restored configuration is compared once its keys are back.
        assert!(unchanged(&One(Some(2)), k, Written::Restored(digest)));
    }

    /// A sequence is written with its length first, whether its iterator
    /// knows its length or is counted; one whose length changes between
    /// the two is an error, never a record that reads wrong.
    #[test]
    fn a_sequence_is_written_with_its_length() {
        use codec::Seq;
        let items = [3u8, 1, 4, 1, 5];
        let mut known = [0u8; 16];
        let known = postcard::to_slice(&Seq(|| items.iter()), &mut known).unwrap();
        assert_eq!(known, [5, 3, 1, 4, 1, 5]);
        let mut counted = [0u8; 16];
        let odd = || items.iter().filter(|&&i| i % 2 == 1);
        let counted = postcard::to_slice(&Seq(odd), &mut counted).unwrap();
        assert_eq!(counted, [4, 3, 1, 1, 5]);

        /// Says it has one item more than it gives.
        struct Lying<'a>(core::slice::Iter<'a, u8>);
        impl<'a> Iterator for Lying<'a> {
            type Item = &'a u8;
            fn next(&mut self) -> Option<&'a u8> {
                self.0.next()
            }
            fn size_hint(&self) -> (usize, Option<usize>) {
                let n = self.0.len() + 1;
                (n, Some(n))
            }
        }
        let lying = Seq(|| Lying(items.iter()));
        assert!(postcard::to_slice(&lying, &mut [0u8; 16]).is_err());
    }

    #[test]
    fn crc32_is_the_ieee_one() {
        // The check value of CRC-32/ISO-HDLC.
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn a_torn_or_foreign_record_is_dropped() {
        let mut rec = [RECORD_VERSION, 7, 0, 0, 0, 0];
        let crc = crc32(&rec[..2]).to_le_bytes();
        rec[2..].copy_from_slice(&crc);
        assert_eq!(
            open(&rec).map(|(v, body, _)| (v, body)),
            Ok((RECORD_VERSION, &[7u8][..]))
        );
        assert_eq!(open(&rec[..5]), Err(Dropped::Corrupt));
        let mut flipped = rec;
        flipped[1] ^= 1;
        assert_eq!(open(&flipped), Err(Dropped::Corrupt));
        let mut newer = rec;
        newer[0] = RECORD_VERSION + 1;
        let crc = crc32(&newer[..2]).to_le_bytes();
        newer[2..].copy_from_slice(&crc);
        assert_eq!(open(&newer), Err(Dropped::Version(RECORD_VERSION + 1)));
        let mut older = rec;
        older[0] = OLDEST_RECORD_VERSION - 1;
        let crc = crc32(&older[..2]).to_le_bytes();
        older[2..].copy_from_slice(&crc);
        assert_eq!(
            open(&older),
            Err(Dropped::Version(OLDEST_RECORD_VERSION - 1))
        );
        older[0] = OLDEST_RECORD_VERSION;
        let crc = crc32(&older[..2]).to_le_bytes();
        older[2..].copy_from_slice(&crc);
        assert_eq!(open(&older).map(|(v, ..)| v), Ok(OLDEST_RECORD_VERSION));
        assert_eq!(open(&[]), Err(Dropped::Corrupt));
    }
}
