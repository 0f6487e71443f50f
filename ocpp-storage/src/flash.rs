//! NOR flash: the records as items of `sequential-storage`'s map, keyed by
//! [`RecordKey::id`].
//!
//! Why it keeps the storage contract: sequential-storage appends a new item
//! and the old one stays valid until the new one is written whole (each item
//! has a CRC; a half-written item is skipped as corrupt), and a page is
//! erased only once its live items were copied on. A cut at any byte of a
//! write or an erase leaves the old record or the new one: the tests cut the
//! power at every byte of a long run on sequential-storage's simulated
//! flash. Writes are spread over the pages (wear levelling); a removal is
//! written as an empty item, so flash without multiple writes per word (the
//! RP2040's QSPI flash) works too.
//!
//! The engine's storage calls are synchronous; sequential-storage's are
//! `async`. On flash that completes at once (every blocking driver, through
//! [`Blocking`]), each call is polled to its end in place, without an
//! executor.

use core::future::Future;
use core::ops::Range;
use core::pin::pin;
use core::task::{Context, Poll, Waker};

use embedded_storage_async::nor_flash as asynch;
use ocpp_engine::{Record, RecordKey, Storage};
use sequential_storage::cache::CacheImpl;
use sequential_storage::map::{MapConfig, MapConfigError, MapStorage, SerializationError, Value};

/// The records on NOR flash `F` in `range` (at least two erase pages, and
/// a page must hold the largest record: see
/// [`ocpp_engine::storage::max_record_len`]), with `BUF` bytes of buffer
/// for one record and its key (the largest record plus 8).
pub struct FlashStorage<F: asynch::NorFlash, C: CacheImpl<u8>, const BUF: usize> {
    map: MapStorage<u8, F, C>,
    buf: [u8; BUF],
}

impl<F: asynch::NorFlash, C: CacheImpl<u8>, const BUF: usize> core::fmt::Debug
    for FlashStorage<F, C, BUF>
{
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("FlashStorage")
            .field("buffer", &BUF)
            .finish_non_exhaustive()
    }
}

impl<F: asynch::NorFlash, C: CacheImpl<u8>, const BUF: usize> FlashStorage<F, C, BUF> {
    /// The records in `range` of `flash`. `cache` is sequential-storage's
    /// (`sequential_storage::cache::Cache::new_uncached()` needs no RAM; a cache
    /// makes reads faster); it must be new, or the one
    /// [`into_parts`](Self::into_parts) gave back for the same flash.
    pub fn new(flash: F, range: Range<u32>, cache: C) -> Result<Self, MapConfigError> {
        let config = MapConfig::try_new(range)?;
        Ok(Self {
            map: MapStorage::new(flash, config, cache),
            buf: [0; BUF],
        })
    }

    /// The flash and the cache back.
    pub fn into_parts(self) -> (F, C) {
        self.map.destroy()
    }
}

/// A record as a map value: written straight into sequential-storage's buffer.
struct RecordValue<'r, 'a>(&'r Record<'a>);

impl<'d> Value<'d> for RecordValue<'_, '_> {
    fn serialize_into(&self, buffer: &mut [u8]) -> Result<usize, SerializationError> {
        self.0
            .write_to(buffer)
            .map_err(|_| SerializationError::BufferTooSmall)
    }

    fn deserialize_from(_: &'d [u8]) -> Result<(Self, usize), SerializationError> {
        // Records are read back as bytes (`&[u8]`), never as this type.
        Err(SerializationError::InvalidFormat)
    }
}

impl<F: asynch::NorFlash, C: CacheImpl<u8>, const BUF: usize> Storage for FlashStorage<F, C, BUF> {
    type Error = sequential_storage::Error<F::Error>;

    fn read(&mut self, key: RecordKey, read: &mut dyn FnMut(&[u8])) -> Result<bool, Self::Error> {
        let found: Option<&[u8]> = block_on(self.map.fetch_item(&mut self.buf, &key.id()))?;
        match found {
            // An empty item is a removed record.
            Some(bytes) if !bytes.is_empty() => {
                read(bytes);
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    fn write(&mut self, key: RecordKey, record: &Record<'_>) -> Result<(), Self::Error> {
        let value = RecordValue(record);
        block_on(self.map.store_item(&mut self.buf, &key.id(), &value))
    }

    fn remove(&mut self, key: RecordKey) -> Result<(), Self::Error> {
        let empty: &[u8] = &[];
        block_on(self.map.store_item(&mut self.buf, &key.id(), &empty))
    }
}

/// Polls `future` until it is ready, spinning: for flash operations that
/// complete at once (a blocking driver behind [`Blocking`]) it is one poll.
fn block_on<T>(future: impl Future<Output = T>) -> T {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = future.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

/// A blocking `embedded-storage` flash driver (such as rp2040's) as the
/// `async` flash sequential-storage takes: each operation completes at once.
#[derive(Debug)]
pub struct Blocking<F>(pub F);

impl<F: embedded_storage::nor_flash::ErrorType> asynch::ErrorType for Blocking<F> {
    type Error = F::Error;
}

impl<F: embedded_storage::nor_flash::ReadNorFlash> asynch::ReadNorFlash for Blocking<F> {
    const READ_SIZE: usize = F::READ_SIZE;

    async fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), Self::Error> {
        self.0.read(offset, bytes)
    }

    fn capacity(&self) -> usize {
        self.0.capacity()
    }
}

impl<F: embedded_storage::nor_flash::NorFlash> asynch::NorFlash for Blocking<F> {
    const WRITE_SIZE: usize = F::WRITE_SIZE;
    const ERASE_SIZE: usize = F::ERASE_SIZE;

    async fn erase(&mut self, from: u32, to: u32) -> Result<(), Self::Error> {
        self.0.erase(from, to)
    }

    async fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), Self::Error> {
        self.0.write(offset, bytes)
    }
}

impl<F: embedded_storage::nor_flash::MultiwriteNorFlash> asynch::MultiwriteNorFlash
    for Blocking<F>
{
}
