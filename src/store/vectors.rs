//! Generates the labelled store files in `tests/vectors/` (the integration
//! test `tests/cli/vectors.rs` checks each against its label). Run with
//! `APPCTL_REGENERATE=1 cargo test --lib vectors` only when the format
//! changes on purpose: the committed files pin today's format.

use super::{Access, Store, Unlock, envelope};
use crate::crypto::{checksum, kdf::FLOOR};
use crate::model::{AppPatch, Owner};
use std::path::{Path, PathBuf};
use std::time::Duration;

const PASSPHRASE: &[u8] = b"vector passphrase";

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

/// Where the key slots begin in a format-3 header, and the slot count's byte.
const SLOTS_AT: usize = 59;
const COUNT_AT: usize = 34;

/// Recomputes the header checksum of a format-3 file whose slots are a
/// passphrase slot and an X25519 recovery slot, so that a deliberate
/// header change reaches the checks after it.
fn fix_checksum(bytes: &mut [u8]) {
    let len = SLOTS_AT + 101 + 165 + 32;
    let sum = checksum(&bytes[..len - 32]);
    bytes[len - 32..len].copy_from_slice(&sum);
}

#[test]
fn generate() {
    if std::env::var_os("APPCTL_REGENERATE").is_none() {
        return;
    }
    let out = dir();
    std::fs::create_dir_all(&out).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("s.appctl");
    let owner = Owner {
        handle: "vectors".into(),
        user_id: 100_000_000_000_000_001,
    };
    let timeout = Duration::from_secs(5);
    let (mut store, _) = Store::init(&path, PASSPHRASE, FLOOR, &owner, timeout).unwrap();
    store
        .create_project(
            "vector-project",
            None,
            None,
            crate::model::Environment::Staging,
        )
        .unwrap();
    store
        .create_app("vector-app", Some(1), &AppPatch::default())
        .unwrap();
    store.save().unwrap();
    drop(store);
    let sound = std::fs::read(&path).unwrap();
    let (_, hlen) = envelope::Header::decode(&sound).unwrap();
    let write = |name: &str, bytes: &[u8]| std::fs::write(out.join(name), bytes).unwrap();
    write("sound.appctl", &sound);

    let mut b = sound.clone();
    b[SLOTS_AT + 13 + 2] ^= 0x04; // a salt bit of the passphrase slot
    write("header-bit-flip.appctl", &b);
    let mut b = sound.clone();
    b[hlen + (sound.len() - hlen) / 2] ^= 0x80;
    write("payload-bit-flip.appctl", &b);
    let mut b = sound.clone();
    *b.last_mut().unwrap() ^= 0x01; // the tag
    write("tag-bit-flip.appctl", &b);
    for (name, len) in [
        ("truncated-in-magic.appctl", 4),
        ("truncated-in-header.appctl", 120),
        ("truncated-after-header.appctl", hlen),
        ("truncated-in-payload.appctl", hlen + 1000),
        ("truncated-last-byte.appctl", sound.len() - 1),
    ] {
        write(name, &sound[..len]);
    }
    let mut b = sound.clone();
    b.extend_from_slice(b"appended bytes");
    write("extra-bytes.appctl", &b);
    let mut b = sound.clone();
    b[8] = 4;
    fix_checksum(&mut b);
    write("unknown-format-version.appctl", &b);
    let mut b = sound.clone();
    b[SLOTS_AT + 1..SLOTS_AT + 5].copy_from_slice(&(4u32 * 1024 * 1024).to_le_bytes());
    fix_checksum(&mut b);
    write("kdf-memory-4gib.appctl", &b);
    let mut b = sound.clone();
    b[SLOTS_AT + 5..SLOTS_AT + 9].copy_from_slice(&1_000_000u32.to_le_bytes());
    fix_checksum(&mut b);
    write("kdf-iterations-million.appctl", &b);
    let mut b = sound.clone();
    b[COUNT_AT] = 0;
    fix_checksum(&mut b);
    write("no-key-slots.appctl", &b);
    write("zero-length.appctl", b"");
    write(
        "not-a-store.appctl",
        b"SQLite format 3\0 this is an ordinary file, not a store\n",
    );

    // A store written by a newer appctl: schema version above ours.
    std::fs::write(&path, &sound).unwrap();
    let lock_timeout = timeout;
    let mut store = Store::open(
        &path,
        Unlock::Passphrase(PASSPHRASE),
        Access::Write { lock_timeout },
    )
    .unwrap();
    store
        .conn()
        .pragma_update(None, "user_version", 9999)
        .unwrap();
    store.save().unwrap();
    drop(store);
    write("newer-schema.appctl", &std::fs::read(&path).unwrap());

    // An image of two chunks, and the same file cut where its second chunk
    // begins: the first chunk then lacks the last-chunk flag.
    std::fs::write(&path, &sound).unwrap();
    let mut store = Store::open(
        &path,
        Unlock::Passphrase(PASSPHRASE),
        Access::Write { lock_timeout },
    )
    .unwrap();
    for i in 0..140 {
        let patch = AppPatch {
            description: Some(Some(format!("An app that fills the second chunk, {i}"))),
            ..AppPatch::default()
        };
        store
            .create_app(&format!("filler-{i}"), None, &patch)
            .unwrap();
    }
    store.save().unwrap();
    drop(store);
    let two = std::fs::read(&path).unwrap();
    let chunks = (two.len() - hlen).div_ceil(envelope::CHUNK_LEN + 16);
    assert_eq!(chunks, 2, "the two-chunk vector has {chunks} chunks");
    write("sound-two-chunks.appctl", &two);
    write(
        "cut-at-chunk-boundary.appctl",
        &two[..hlen + envelope::CHUNK_LEN + 16],
    );
}

#[test]
fn the_committed_sound_vectors_open_with_this_code() {
    // sound-schema-1.appctl was written before migration 2; it must open,
    // migrate in memory and check sound.
    for name in [
        "sound.appctl",
        "sound-format-2.appctl",
        "sound-schema-1.appctl",
        "sound-format-1.appctl",
        "sound-schema-2.appctl",
        "sound-schema-3.appctl",
        "sound-two-chunks.appctl",
    ] {
        let bytes = std::fs::read(dir().join(name)).unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("s.appctl");
        std::fs::write(&path, bytes).unwrap();
        let s = Store::open(&path, Unlock::Passphrase(PASSPHRASE), Access::Read).unwrap();
        assert_eq!(
            s.find_app("vector-app").unwrap().project_id,
            Some(1),
            "{name}"
        );
        let report = s.check().unwrap();
        assert!(report.problems.is_empty(), "{name}: {:?}", report.problems);
        let (format, schema) = match name {
            "sound-schema-1.appctl" => (1, 1),
            // Written with schema 2; opened read-only, so not migrated.
            "sound-format-1.appctl" => (1, 2),
            // Generated at schema 4; schema 5 (users) changed no format.
            "sound-format-2.appctl" => (2, 4),
            "sound-schema-2.appctl" => (2, 2),
            "sound-schema-3.appctl" => (2, 3),
            "sound.appctl" | "sound-two-chunks.appctl" => (envelope::FORMAT_VERSION, 4),
            _ => (envelope::FORMAT_VERSION, super::schema::CURRENT),
        };
        assert_eq!(report.format_version, format, "{name}");
        assert_eq!(report.schema_version, schema, "{name}");
    }
}
