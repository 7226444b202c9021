//! Property tests: the header parser and the decryptor take any bytes
//! without panicking, and a mutated store never opens.

use appctl::crypto::kdf::FLOOR;
use appctl::crypto::random_key;
use appctl::store::envelope::{self, Header, Slot, SlotKind};
use proptest::prelude::*;

/// A store file whose image spans three chunks, the last one short.
fn sample_file() -> (Vec<u8>, appctl::crypto::Key) {
    let slot_key = random_key();
    let data_key = random_key();
    let slot = Slot::wrap(
        SlotKind::Passphrase,
        FLOOR,
        Slot::new_salt(),
        &slot_key,
        &data_key,
    );
    let mut h = Header::new(vec![slot]);
    let image: Vec<u8> = (0..2 * envelope::CHUNK_LEN + 1000)
        .map(|i| i as u8)
        .collect();
    (envelope::seal(&mut h, &data_key, &image), data_key)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_bytes_parse_or_fail_cleanly(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        if let Ok((h, len)) = Header::decode(&bytes) {
            prop_assert!(len <= bytes.len());
            prop_assert!(envelope::open(&bytes, &h, len, &random_key()).is_err());
        }
    }

    #[test]
    fn bytes_behind_a_valid_magic_fail_cleanly(version in 1u16..=2, tail in proptest::collection::vec(any::<u8>(), 0..1024)) {
        let mut bytes = envelope::MAGIC.to_vec();
        bytes.extend_from_slice(&version.to_le_bytes());
        bytes.extend_from_slice(&tail);
        if let Ok((h, len)) = Header::decode(&bytes) {
            prop_assert!(envelope::open(&bytes, &h, len, &random_key()).is_err());
        }
    }

}

proptest! {
    // Each case seals and opens a three-chunk file: fewer cases, same reach.
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn a_mutated_store_never_opens(pos in any::<prop::sample::Index>(), mask in 1u8..=255, cut in any::<prop::sample::Index>(), truncate in any::<bool>()) {
        let (good, data_key) = sample_file();
        let mut bad = good.clone();
        if truncate {
            bad.truncate(cut.index(good.len()));
        } else {
            let i = pos.index(good.len());
            bad[i] ^= mask;
        }
        let opened = match Header::decode(&bad) {
            Ok((h, len)) => envelope::open(&bad, &h, len, &data_key).is_ok(),
            Err(_) => false,
        };
        prop_assert!(!opened);
    }
}
