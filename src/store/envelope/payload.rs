//! The payload: the SQLite image in chunks of [`CHUNK_LEN`] bytes, each
//! sealed with XChaCha20-Poly1305 under the data key, with the header as
//! associated data (see the layout in the parent module).

use super::{CHUNK_LEN, EnvelopeError, FORMAT_VERSION, Header, MAX_IMAGE_LEN};
use crate::crypto::{Key, aead};
use zeroize::Zeroizing;

/// Bytes per sealed chunk: the plaintext and its tag.
pub(super) const SEALED_CHUNK_LEN: usize = CHUNK_LEN + aead::TAG_LEN;

/// Seals `plaintext` (a non-empty image) under `data_key` with a fresh
/// payload nonce, in format 2, and hands the file to `write_at(offset,
/// bytes)` piece by piece, front to back: the header at 0, then each sealed
/// chunk at its place. Each chunk is sealed in a buffer of one chunk, so no
/// copy of the whole image is made. Returns the file's length.
pub fn seal_to<E>(
    header: &mut Header,
    data_key: &Key,
    plaintext: &[u8],
    mut write_at: impl FnMut(u64, &[u8]) -> Result<(), E>,
) -> Result<u64, E> {
    debug_assert!(!plaintext.is_empty(), "a SQLite image is never empty");
    header.version = FORMAT_VERSION;
    header.payload_nonce = aead::random_nonce();
    let aad = header.encode();
    write_at(0, &aad)?;
    let chunks = plaintext.len().div_ceil(CHUNK_LEN);
    // Encrypted in place, so the buffer holds ciphertext between chunks.
    let mut sealed = Vec::with_capacity(SEALED_CHUNK_LEN);
    for (i, chunk) in plaintext.chunks(CHUNK_LEN).enumerate() {
        sealed.clear();
        sealed.extend_from_slice(chunk);
        let nonce = chunk_nonce(&header.payload_nonce, i, i + 1 == chunks);
        let tag = aead::seal_in_place(data_key, &nonce, &mut sealed, &aad);
        sealed.extend_from_slice(&tag);
        write_at((aad.len() + i * SEALED_CHUNK_LEN) as u64, &sealed)?;
    }
    Ok(sealed_len(header, plaintext.len()))
}

/// The length of the file [`seal_to`] writes for an image of `plain_len`
/// bytes under `header`.
pub fn sealed_len(header: &Header, plain_len: usize) -> u64 {
    (header.encoded_len() + plain_len + plain_len.div_ceil(CHUNK_LEN) * aead::TAG_LEN) as u64
}

/// [`seal_to`] into memory: returns the whole file.
pub fn seal(header: &mut Header, data_key: &Key, plaintext: &[u8]) -> Vec<u8> {
    let mut file = Vec::new();
    let sealed: Result<u64, std::convert::Infallible> =
        seal_to(header, data_key, plaintext, |at, bytes| {
            debug_assert_eq!(at as usize, file.len(), "written front to back");
            file.extend_from_slice(bytes);
            Ok(())
        });
    let Ok(_) = sealed;
    file
}

/// The nonce of chunk `index`: the payload nonce with the index and the
/// last-chunk flag XORed into its final five bytes. (Chunk 0 of a longer
/// image uses the payload nonce itself, as format 1 used it for the whole
/// image; that is safe because every save draws a new random payload
/// nonce, and the format version is in the associated data.)
fn chunk_nonce(base: &[u8; aead::NONCE_LEN], index: usize, last: bool) -> [u8; aead::NONCE_LEN] {
    let mut nonce = *base;
    // plain_len refuses payloads of 2^32 chunks or more, and seal never
    // meets one (that would be a 256 TiB image).
    let index = u32::try_from(index).expect("fewer than 2^32 chunks");
    for (b, x) in nonce[19..23].iter_mut().zip(index.to_be_bytes()) {
        *b ^= x;
    }
    nonce[23] ^= u8::from(last);
    nonce
}

/// The length of the image in a payload of `sealed_len` bytes (everything
/// after the header) of format `version`, or why no writer makes that
/// payload. Images over [`MAX_IMAGE_LEN`] are refused.
pub fn plain_len(version: u16, sealed_len: u64) -> Result<usize, EnvelopeError> {
    let sealed = usize::try_from(sealed_len).map_err(|_| EnvelopeError::TooLarge)?;
    let image = if version == 1 {
        sealed
            .checked_sub(aead::TAG_LEN)
            .ok_or(EnvelopeError::Truncated)?
    } else {
        let chunks = sealed.div_ceil(SEALED_CHUNK_LEN);
        // Every chunk holds at least one byte, so the last one is longer
        // than a tag: a shorter tail was cut short (in a first chunk) or
        // cut or added (after whole chunks).
        let last = sealed - chunks.saturating_sub(1) * SEALED_CHUNK_LEN;
        match chunks {
            0 => return Err(EnvelopeError::Truncated),
            1 if last <= aead::TAG_LEN => return Err(EnvelopeError::Truncated),
            _ if last <= aead::TAG_LEN => return Err(EnvelopeError::Length),
            _ => sealed - chunks * aead::TAG_LEN,
        }
    };
    if image > MAX_IMAGE_LEN {
        return Err(EnvelopeError::TooLarge);
    }
    Ok(image)
}

/// Why a format-2 payload could not be opened.
#[derive(Debug)]
pub enum OpenError<E> {
    /// Reading the sealed bytes failed.
    Read(E),
    /// The payload is damaged or does not match the key.
    Envelope(EnvelopeError),
}

/// Opens a format-2 payload straight into `image`, whose length is
/// [`plain_len`] of the payload. `read_at(offset, buf)` fills `buf` from
/// the payload (offsets count from the end of the header, whose bytes
/// `aad` are). Chunks are read, authenticated and decrypted one by one;
/// each is decrypted only once its tag checks. On any failure `image` is
/// wiped, so no part of a payload that failed is left behind.
pub fn open_into<E>(
    image: &mut [u8],
    header: &Header,
    aad: &[u8],
    data_key: &Key,
    read_at: impl Fn(u64, &mut [u8]) -> Result<(), E>,
) -> Result<(), OpenError<E>> {
    let chunks = image.len().div_ceil(CHUNK_LEN);
    let opened = image
        .chunks_mut(CHUNK_LEN)
        .enumerate()
        .try_for_each(|(i, chunk)| open_chunk(i, chunks, chunk, header, aad, data_key, &read_at));
    if opened.is_err() {
        zeroize::Zeroize::zeroize(image);
    }
    opened
}

/// Reads chunk `index` of `chunks` into `chunk` (its plaintext length) and
/// opens it there; the chunk is decrypted only once its tag checks.
fn open_chunk<E>(
    index: usize,
    chunks: usize,
    chunk: &mut [u8],
    header: &Header,
    aad: &[u8],
    data_key: &Key,
    read_at: &impl Fn(u64, &mut [u8]) -> Result<(), E>,
) -> Result<(), OpenError<E>> {
    let at = (index * SEALED_CHUNK_LEN) as u64;
    let mut tag = [0u8; aead::TAG_LEN];
    read_at(at, chunk).map_err(OpenError::Read)?;
    read_at(at + chunk.len() as u64, &mut tag).map_err(OpenError::Read)?;
    let nonce = chunk_nonce(&header.payload_nonce, index, index + 1 == chunks);
    if aead::open_in_place(data_key, &nonce, chunk, &tag, aad) {
        Ok(())
    } else {
        Err(OpenError::Envelope(EnvelopeError::Payload))
    }
}

/// Authenticates the last chunk of a format-2 payload holding an image of
/// `image_len` bytes, and wipes it: a payload that was cut, extended or
/// forged fails here, before memory for the whole image is allocated.
pub fn check_last_chunk<E>(
    image_len: usize,
    header: &Header,
    aad: &[u8],
    data_key: &Key,
    read_at: impl Fn(u64, &mut [u8]) -> Result<(), E>,
) -> Result<(), OpenError<E>> {
    let chunks = image_len.div_ceil(CHUNK_LEN);
    let last = chunks.saturating_sub(1);
    let mut chunk = Zeroizing::new(vec![0u8; image_len - last * CHUNK_LEN]);
    open_chunk(last, chunks, &mut chunk, header, aad, data_key, &read_at)
}

/// Authenticates and decrypts the payload of `file` (either format), whose
/// header `header` of length `header_len` was read by [`Header::decode`],
/// and returns the image. For tests and tools that hold a whole file in
/// memory; the store streams format 2 with [`open_into`].
pub fn open(
    file: &[u8],
    header: &Header,
    header_len: usize,
    data_key: &Key,
) -> Result<Zeroizing<Vec<u8>>, EnvelopeError> {
    let (aad, payload) = file.split_at(header_len.min(file.len()));
    if header.version == 1 {
        let mut payload = Zeroizing::new(payload.to_vec());
        let len = open_format_1(&mut payload, header, aad, data_key)?;
        payload.truncate(len);
        return Ok(payload);
    }
    let mut image = Zeroizing::new(vec![0u8; plain_len(2, payload.len() as u64)?]);
    match open_into(&mut image, header, aad, data_key, reader(payload)) {
        Ok(()) => Ok(image),
        Err(OpenError::Read(e) | OpenError::Envelope(e)) => Err(e),
    }
}

/// A `read_at` for a payload held in memory.
pub(super) fn reader(payload: &[u8]) -> impl Fn(u64, &mut [u8]) -> Result<(), EnvelopeError> + '_ {
    move |at, buf| {
        let at = usize::try_from(at).map_err(|_| EnvelopeError::Truncated)?;
        let bytes = payload
            .get(at..at + buf.len())
            .ok_or(EnvelopeError::Truncated)?;
        buf.copy_from_slice(bytes);
        Ok(())
    }
}

/// Opens a format-1 payload (the image sealed as one message, then its
/// tag) in place; returns the image's length at the start of `payload`.
/// There is only one tag, so the whole payload is in memory before it is
/// checked; on failure `payload` is unchanged.
pub fn open_format_1(
    payload: &mut [u8],
    header: &Header,
    aad: &[u8],
    data_key: &Key,
) -> Result<usize, EnvelopeError> {
    let len = plain_len(1, payload.len() as u64)?;
    let (image, tag) = payload.split_at_mut(len);
    let tag: &[u8; aead::TAG_LEN] = (&*tag).try_into().expect("TAG_LEN bytes");
    if aead::open_in_place(data_key, &header.payload_nonce, image, tag, aad) {
        Ok(len)
    } else {
        Err(EnvelopeError::Payload)
    }
}
