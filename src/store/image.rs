//! Reading the image: the payload of the store file decrypted into
//! SQLite's own buffer.

use super::{envelope, envelope_error, file};
use crate::crypto::Key;
use crate::error::{Error, Result};
use envelope::Header;
use rusqlite::Connection;
use std::path::Path;
use zeroize::Zeroizing;

/// Decrypts the payload of `file` (header bytes `aad`, parsed as `header`)
/// into `conn`'s main database. Format 2 is decrypted straight into the
/// buffer SQLite keeps, chunk by chunk; format 1 is decrypted whole, then
/// copied.
pub(super) fn read_image(
    conn: &mut Connection,
    path: &Path,
    file: &file::StoreFile,
    header: &Header,
    aad: &[u8],
    data_key: &Key,
) -> Result<()> {
    let not_a_database = || Error::damaged(path, "the decrypted contents are not a database");
    let payload_at = aad.len() as u64;
    let read_at = |at: u64, b: &mut [u8]| file.read_at(payload_at + at, b);
    let envelope_error = |e| envelope_error(path, e);
    let len =
        envelope::plain_len(header.version, file.len() - payload_at).map_err(envelope_error)?;
    if header.version == 1 {
        // One tag for the whole image: read it all, then open it in place
        // (the length was bounded above), and wipe it once SQLite has it.
        let mut payload = Zeroizing::new(vec![0u8; len + 16]);
        read_at(0, &mut payload).map_err(|e| open_error(path, envelope::OpenError::Read(e)))?;
        let len =
            envelope::open_format_1(&mut payload, header, aad, data_key).map_err(envelope_error)?;
        return conn
            .deserialize_read_exact("main", &payload[..len], len, false)
            .map_err(|_| not_a_database());
    }
    envelope::check_last_chunk(len, header, aad, data_key, read_at)
        .map_err(|e| open_error(path, e))?;
    // SQLite's buffer is exactly as large as what it is given, and grows by
    // doubling (a copy of the whole image) when a write needs one more
    // page. Zeroed room after the image avoids that for a command's usual
    // growth: the image's header gives its true size, so SQLite ignores
    // the room until it needs it, and a write's commit cuts the "file"
    // back to the pages in use (see "in-header database size" in SQLite's
    // file format), so a save writes only those.
    let mut reader = ImageReader {
        path,
        read_at: &read_at,
        header,
        aad,
        data_key,
        len,
        done: false,
        failure: None,
    };
    let read = conn.deserialize_read_exact("main", &mut reader, len + GROWTH_ROOM, false);
    match (read, reader.failure) {
        (Ok(()), _) => Ok(()),
        (Err(_), Some(failure)) => Err(failure),
        (Err(_), None) => Err(not_a_database()),
    }
}

/// The error for a payload that could not be read or opened.
fn open_error(path: &Path, e: envelope::OpenError<std::io::Error>) -> Error {
    match e {
        envelope::OpenError::Read(e) => Error::io("read store", path, &e),
        envelope::OpenError::Envelope(e) => envelope_error(path, e),
    }
}

/// Zeroed bytes after the image in SQLite's buffer: room for a command's
/// growth without reallocating the buffer.
const GROWTH_ROOM: usize = 64 * 1024;

/// What SQLite reads a format-2 image through: it asks for the image and
/// the room after it in one read into its own buffer, which
/// [`envelope::open_into`] fills.
struct ImageReader<'a> {
    path: &'a Path,
    /// Fills a buffer from the payload, at an offset into it.
    read_at: &'a dyn Fn(u64, &mut [u8]) -> std::io::Result<()>,
    header: &'a Header,
    aad: &'a [u8],
    data_key: &'a Key,
    len: usize,
    done: bool,
    /// Why the read failed, told apart better than SQLite's error can.
    failure: Option<Error>,
}

impl std::io::Read for ImageReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.done || buf.is_empty() {
            return Ok(0);
        }
        if buf.len() != self.len + GROWTH_ROOM {
            self.failure = Some(Error::internal("SQLite read the image in parts"));
            return Err(std::io::Error::other("partial image read"));
        }
        let (image, room) = buf.split_at_mut(self.len);
        room.fill(0);
        match envelope::open_into(image, self.header, self.aad, self.data_key, self.read_at) {
            Ok(()) => {
                self.done = true;
                Ok(buf.len())
            }
            Err(e) => {
                self.failure = Some(open_error(self.path, e));
                Err(std::io::Error::other("image not read"))
            }
        }
    }
}
