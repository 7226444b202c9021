//! Tests of the header, the key slots and the payload.

use super::payload::{SEALED_CHUNK_LEN, reader};
use super::*;
use crate::crypto::kdf::FLOOR;
use crate::crypto::random_key;

fn header() -> (Header, Key, Key) {
    let slot_key = random_key();
    let data_key = random_key();
    let slot = Slot::wrap(
        SlotKind::Passphrase,
        FLOOR,
        Slot::new_salt(),
        &slot_key,
        &data_key,
    );
    (Header::new(vec![slot]), slot_key, data_key)
}

fn sample() -> (Vec<u8>, Key, Key) {
    let (mut h, slot_key, data_key) = header();
    (seal(&mut h, &data_key, b"sqlite image"), slot_key, data_key)
}

/// An image of `len` bytes that differ from chunk to chunk.
fn image(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i / 7 % 251) as u8).collect()
}

/// Opens `file` after decoding its header.
fn open_file(file: &[u8], data_key: &Key) -> Result<Zeroizing<Vec<u8>>, EnvelopeError> {
    let (h, len) = Header::decode(file)?;
    open(file, &h, len, data_key)
}

#[test]
fn round_trip() {
    let (file, slot_key, data_key) = sample();
    let (h, len) = Header::decode(&file).unwrap();
    assert_eq!(len, FIXED_LEN + SLOT_LEN + CHECKSUM_LEN);
    assert_eq!(h.version, FORMAT_VERSION);
    let dk = h
        .slot(SlotKind::Passphrase)
        .unwrap()
        .unwrap_key(&slot_key)
        .unwrap();
    assert_eq!(*dk, *data_key);
    assert_eq!(&open(&file, &h, len, &dk).unwrap()[..], b"sqlite image");
}

#[test]
fn images_of_every_chunk_count_round_trip() {
    let (mut h, _, data_key) = header();
    for len in [
        1,
        CHUNK_LEN - 1,
        CHUNK_LEN,
        CHUNK_LEN + 1,
        5 * CHUNK_LEN + 3,
    ] {
        let plain = image(len);
        let file = seal(&mut h, &data_key, &plain);
        let chunks = len.div_ceil(CHUNK_LEN);
        let (_, hlen) = Header::decode(&file).unwrap();
        assert_eq!(file.len(), hlen + len + chunks * aead::TAG_LEN, "{len}");
        assert_eq!(sealed_len(&h, len), file.len() as u64, "{len}");
        assert_eq!(plain_len(2, (file.len() - hlen) as u64), Ok(len));
        assert_eq!(
            &open_file(&file, &data_key).unwrap()[..],
            &plain[..],
            "{len}"
        );
    }
}

#[test]
fn reordered_repeated_or_dropped_chunks_fail() {
    let (mut h, _, data_key) = header();
    let file = seal(&mut h, &data_key, &image(3 * CHUNK_LEN + 100));
    let (_, hlen) = Header::decode(&file).unwrap();
    let chunk = |i: usize| {
        let at = hlen + i * SEALED_CHUNK_LEN;
        file[at..(at + SEALED_CHUNK_LEN).min(file.len())].to_vec()
    };
    let with = |order: &[usize]| {
        let mut f = file[..hlen].to_vec();
        for &i in order {
            f.extend_from_slice(&chunk(i));
        }
        f
    };
    assert!(open_file(&with(&[0, 1, 2, 3]), &data_key).is_ok());
    for order in [
        &[1, 0, 2, 3][..],
        &[0, 0, 2, 3],
        &[0, 2, 3],
        &[0, 1, 2],
        &[0, 1, 2, 2, 3],
    ] {
        let err = open_file(&with(order), &data_key).unwrap_err();
        assert_eq!(err, EnvelopeError::Payload, "{order:?}");
    }
    // A chunk of another file with the same key does not fit either.
    let other = seal(&mut h, &data_key, &image(3 * CHUNK_LEN + 100));
    let mut mixed = file.clone();
    let at = hlen + SEALED_CHUNK_LEN;
    mixed[at..at + SEALED_CHUNK_LEN].copy_from_slice(&other[at..at + SEALED_CHUNK_LEN]);
    assert_eq!(
        open_file(&mixed, &data_key).unwrap_err(),
        EnvelopeError::Payload
    );
}

#[test]
fn a_failed_open_into_leaves_no_plaintext() {
    let (mut h, _, data_key) = header();
    let plain = image(4 * CHUNK_LEN);
    let mut file = seal(&mut h, &data_key, &plain);
    let (h, hlen) = Header::decode(&file).unwrap();
    *file.last_mut().unwrap() ^= 1; // the last chunk's tag
    let (aad, payload) = file.split_at(hlen);
    let mut out = vec![0u8; plain.len()];
    let err = open_into(&mut out, &h, aad, &data_key, reader(payload)).unwrap_err();
    assert!(matches!(err, OpenError::Envelope(EnvelopeError::Payload)));
    assert!(
        out.iter().all(|&b| b == 0),
        "the chunks that did open were wiped"
    );
    let err = open_into(&mut out, &h, aad, &data_key, |_, _| Err("disk")).unwrap_err();
    assert!(matches!(err, OpenError::Read("disk")));
}

#[test]
fn payload_lengths_no_writer_makes_are_refused() {
    use EnvelopeError::{Length, TooLarge, Truncated};
    let tag = aead::TAG_LEN as u64;
    let full = SEALED_CHUNK_LEN as u64;
    assert_eq!(plain_len(2, 0), Err(Truncated));
    assert_eq!(plain_len(2, tag), Err(Truncated));
    assert_eq!(plain_len(2, tag + 1), Ok(1));
    assert_eq!(plain_len(2, full), Ok(CHUNK_LEN));
    // After a whole chunk, 1 to 16 more bytes are a cut or an addition.
    assert_eq!(plain_len(2, full + 1), Err(Length));
    assert_eq!(plain_len(2, full + tag), Err(Length));
    assert_eq!(plain_len(2, full + tag + 1), Ok(CHUNK_LEN + 1));
    assert_eq!(plain_len(1, tag - 1), Err(Truncated));
    assert_eq!(plain_len(1, tag + 5), Ok(5));
    // Images over 1 GiB are refused from the length alone.
    let max_chunks = (MAX_IMAGE_LEN / CHUNK_LEN) as u64;
    assert_eq!(plain_len(2, max_chunks * full), Ok(MAX_IMAGE_LEN));
    assert_eq!(plain_len(2, max_chunks * full + tag + 1), Err(TooLarge));
    assert_eq!(plain_len(1, MAX_IMAGE_LEN as u64 + tag + 1), Err(TooLarge));
    assert_eq!(plain_len(2, u64::MAX), Err(TooLarge));
}

#[test]
fn the_last_chunk_is_checked_alone() {
    let (mut h, _, data_key) = header();
    let plain = image(3 * CHUNK_LEN + 7);
    let file = seal(&mut h, &data_key, &plain);
    let (h, hlen) = Header::decode(&file).unwrap();
    let (aad, payload) = file.split_at(hlen);
    assert!(check_last_chunk(plain.len(), &h, aad, &data_key, reader(payload)).is_ok());
    // Cut after the third chunk: the third is not marked last.
    let cut = &payload[..3 * SEALED_CHUNK_LEN];
    let err = check_last_chunk(3 * CHUNK_LEN, &h, aad, &data_key, reader(cut)).unwrap_err();
    assert!(matches!(err, OpenError::Envelope(EnvelopeError::Payload)));
    let err = check_last_chunk(plain.len(), &h, aad, &random_key(), reader(payload));
    assert!(matches!(
        err,
        Err(OpenError::Envelope(EnvelopeError::Payload))
    ));
}

#[test]
fn format_1_files_still_open() {
    let (mut h, _, data_key) = header();
    h.version = 1;
    h.payload_nonce = aead::random_nonce();
    let mut file = h.encode();
    let hlen = file.len();
    file.extend_from_slice(b"an image from format 1");
    let (aad, body) = file.split_at_mut(hlen);
    let tag = aead::seal_in_place(&data_key, &h.payload_nonce, body, aad);
    file.extend_from_slice(&tag);
    let (decoded, _) = Header::decode(&file).unwrap();
    assert_eq!(decoded.version, 1);
    assert_eq!(
        &open_file(&file, &data_key).unwrap()[..],
        b"an image from format 1"
    );
    let mut bad = file.clone();
    bad[hlen] ^= 1;
    assert_eq!(
        open_file(&bad, &data_key).unwrap_err(),
        EnvelopeError::Payload
    );
    // Saving writes format 2, and the old slot still opens.
    let mut h = decoded;
    let again = seal(&mut h, &data_key, b"now format 2");
    assert_eq!(Header::decode(&again).unwrap().0.version, FORMAT_VERSION);
    assert_eq!(&open_file(&again, &data_key).unwrap()[..], b"now format 2");
}

#[test]
fn wrong_key_is_told_apart_from_damage() {
    let (file, _, _) = sample();
    let (h, _) = Header::decode(&file).unwrap();
    assert!(h.slots[0].unwrap_key(&random_key()).is_none());
}

#[test]
fn every_header_bit_flip_is_caught_before_any_key_is_used() {
    let (file, slot_key, data_key) = sample();
    let (_, len) = Header::decode(&file).unwrap();
    for bit in 0..len * 8 {
        let mut f = file.clone();
        f[bit / 8] ^= 1 << (bit % 8);
        match Header::decode(&f) {
            Err(_) => {}
            Ok((h, l)) => {
                // Only reachable if the checksum collided; then the AEADs must catch it.
                let dk = h.slots[0].unwrap_key(&slot_key);
                assert!(
                    dk.is_none() || open(&f, &h, l, &data_key).is_err(),
                    "bit {bit}"
                );
            }
        }
    }
}

#[test]
fn payload_damage_truncation_and_garbage() {
    let (file, _, data_key) = sample();
    let (_, len) = Header::decode(&file).unwrap();
    let mut f = file.clone();
    *f.last_mut().unwrap() ^= 0x80;
    assert_eq!(
        open_file(&f, &data_key).unwrap_err(),
        EnvelopeError::Payload
    );
    let mut longer = file.clone();
    longer.push(0);
    assert_eq!(
        open_file(&longer, &data_key).unwrap_err(),
        EnvelopeError::Payload
    );
    assert_eq!(
        open_file(&file[..len + 3], &data_key).unwrap_err(),
        EnvelopeError::Truncated
    );
    assert_eq!(
        Header::decode(&file[..len - 1]).unwrap_err(),
        EnvelopeError::Truncated
    );
    assert_eq!(Header::decode(b"").unwrap_err(), EnvelopeError::NotAStore);
    assert_eq!(
        Header::decode(b"SQLite format 3\0").unwrap_err(),
        EnvelopeError::NotAStore
    );
    let mut v4 = file.clone();
    v4[8] = 4;
    assert_eq!(
        Header::decode(&v4).unwrap_err(),
        EnvelopeError::UnknownVersion(4)
    );
}

#[test]
fn a_recovery_slot_sealed_to_x25519_round_trips_reseals_and_binds_its_keys() {
    let (mut h, _, data_key) = header();
    let rk_key = random_key();
    let slot = Slot::seal_to_recovery(FLOOR, Slot::new_salt(), &rk_key, &data_key).unwrap();
    assert!(slot.can_reseal());
    h.set_slot(slot);
    let file = seal(&mut h, &data_key, b"image");
    let (d, len) = Header::decode(&file).unwrap();
    assert_eq!(len, MAX_HEADER_LEN);
    assert_eq!(d.epoch, 0);
    let rec = d.slot(SlotKind::Recovery).unwrap();
    assert_eq!(*rec, *h.slot(SlotKind::Recovery).unwrap());
    assert_eq!(*rec.unwrap_key(&rk_key).unwrap(), *data_key);
    assert!(rec.unwrap_key(&random_key()).is_none());
    // A new data key is sealed to the same public key, without the
    // recovery key; a fresh ephemeral key each time.
    let new_key = random_key();
    let again = rec.reseal(&new_key).unwrap();
    assert_ne!(again, *rec);
    assert_eq!(*again.unwrap_key(&rk_key).unwrap(), *new_key);
    // A passphrase slot cannot be resealed.
    assert!(
        d.slot(SlotKind::Passphrase)
            .unwrap()
            .reseal(&new_key)
            .is_err()
    );
    // Every byte of the slot, changed with the checksum recomputed,
    // fails the slot or the payload (the header is its associated data).
    let at = FIXED_LEN + SLOT_LEN;
    for i in at..at + X25519_SLOT_LEN {
        let mut f = file.clone();
        f[i] ^= 0x10;
        let sum = checksum(&f[..len - CHECKSUM_LEN]);
        f[len - CHECKSUM_LEN..len].copy_from_slice(&sum);
        let Ok((h2, l2)) = Header::decode(&f) else {
            continue;
        };
        let opened = h2.slot(SlotKind::Recovery).unwrap().unwrap_key(&rk_key);
        assert!(
            opened.is_none() || open(&f, &h2, l2, &data_key).is_err(),
            "byte {i}"
        );
    }
}

#[test]
fn the_epoch_is_in_the_header_and_formats_before_3_have_none() {
    let (mut h, _, data_key) = header();
    h.epoch = 0x0102_0304_0506_0708;
    let file = seal(&mut h, &data_key, b"image");
    assert_eq!(&file[26..34], &0x0102_0304_0506_0708u64.to_le_bytes());
    assert_eq!(Header::decode(&file).unwrap().0.epoch, h.epoch);
    h.version = 2;
    let v2 = h.encode();
    assert_eq!(v2.len(), FIXED_LEN_2 + SLOT_LEN + CHECKSUM_LEN);
    let (d, _) = Header::decode(&v2).unwrap();
    assert_eq!((d.version, d.epoch), (2, 0));
    // A kind-3 slot in a format-2 header is not one a writer made.
    let mut v2 = v2;
    v2[FIXED_LEN_2] = 3;
    let sum = checksum(&v2[..v2.len() - CHECKSUM_LEN]);
    let n = v2.len();
    v2[n - CHECKSUM_LEN..].copy_from_slice(&sum);
    assert_eq!(
        Header::decode(&v2).unwrap_err(),
        EnvelopeError::BadField("key slot kind")
    );
}

#[test]
fn kdf_parameters_are_bounded_when_read() {
    let slot_key = random_key();
    let data_key = random_key();
    let huge = KdfParams {
        memory_kib: 4 * 1024 * 1024,
        ..FLOOR
    };
    let slot = Slot::wrap(
        SlotKind::Passphrase,
        huge,
        Slot::new_salt(),
        &slot_key,
        &data_key,
    );
    let file = seal(&mut Header::new(vec![slot]), &data_key, b"x");
    assert!(matches!(
        Header::decode(&file),
        Err(EnvelopeError::KdfBounds(_))
    ));
}
