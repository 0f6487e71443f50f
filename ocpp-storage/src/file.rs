//! One file per record in a directory, replaced atomically.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use ocpp_engine::{Record, RecordKey, Storage};

/// Records as files `<dir>/<key>.rec` (see [`RecordKey::name`]).
///
/// A write goes to `<key>.tmp`, is flushed to the disk (fsync), renamed over
/// `<key>.rec` (atomic on POSIX file systems) and the directory is flushed
/// too, so that after a cut at any point the record is the old one or the
/// new one. A file torn anyway (a file system without these guarantees) or
/// corrupted fails the record's checksum and is dropped by
/// [`restore`](ocpp_engine::ChargePoint::restore), which reports it.
#[derive(Debug)]
pub struct FileStorage {
    dir: PathBuf,
    buf: Vec<u8>,
}

impl FileStorage {
    /// Keeps the records in `dir`, which is created if missing. A
    /// temporary file left by a cut is removed.
    pub fn open(dir: impl AsRef<Path>) -> io::Result<Self> {
        let dir = dir.as_ref().to_path_buf();
        fs::create_dir_all(&dir)?;
        for key in RecordKey::ALL {
            match fs::remove_file(dir.join(format!("{}.tmp", key.name()))) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        Ok(Self {
            dir,
            buf: Vec::new(),
        })
    }

    /// The directory the records are in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, key: RecordKey) -> PathBuf {
        self.dir.join(format!("{}.rec", key.name()))
    }

    fn sync_dir(&self) -> io::Result<()> {
        File::open(&self.dir)?.sync_all()
    }
}

impl Storage for FileStorage {
    type Error = io::Error;

    fn read(&mut self, key: RecordKey, read: &mut dyn FnMut(&[u8])) -> io::Result<bool> {
        match fs::read(self.path(key)) {
            Ok(bytes) => {
                read(&bytes);
                Ok(true)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }

    fn write(&mut self, key: RecordKey, record: &Record<'_>) -> io::Result<()> {
        self.buf.clear();
        self.buf.resize(record.len(), 0);
        let n = record
            .write_to(&mut self.buf)
            .map_err(|_| io::Error::other("record longer than it said"))?;
        let tmp = self.dir.join(format!("{}.tmp", key.name()));
        let mut f = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)?;
        f.write_all(&self.buf[..n])?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, self.path(key))?;
        self.sync_dir()
    }

    fn remove(&mut self, key: RecordKey) -> io::Result<()> {
        match fs::remove_file(self.path(key)) {
            Ok(()) => self.sync_dir(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e),
        }
    }
}
