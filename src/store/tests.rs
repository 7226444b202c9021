//! Tests of opening, saving and unlocking the store, and the helpers the
//! other modules' tests make stores with.

use super::*;
use crate::crypto::kdf::FLOOR;

pub(crate) const TIMEOUT: Duration = Duration::from_secs(5);

pub(crate) fn owner() -> Owner {
    Owner {
        handle: "alice".into(),
        user_id: 1234,
    }
}

pub(crate) fn new_store(dir: &Path) -> Store {
    Store::init(&dir.join("s.appctl"), b"pw", FLOOR, &owner(), TIMEOUT)
        .unwrap()
        .0
}

const PW: Unlock<'static> = Unlock::Passphrase(b"pw");

fn write() -> Access {
    Access::Write {
        lock_timeout: TIMEOUT,
    }
}

#[test]
fn init_then_open_round_trips_and_refuses_overwrite() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("s.appctl");
    drop(new_store(d.path()));
    let s = Store::open(&path, PW, Access::Read).unwrap();
    assert_eq!(s.owner().unwrap(), owner());
    let e = Store::init(&path, b"pw", FLOOR, &owner(), TIMEOUT)
        .map(|_| ())
        .unwrap_err();
    assert_eq!(e.exit_code(), 4);
}

#[test]
fn wrong_passphrase_is_auth_and_leaves_the_file_alone() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("s.appctl");
    drop(new_store(d.path()));
    let before = std::fs::read(&path).unwrap();
    let e = Store::open(&path, Unlock::Passphrase(b"nope"), write()).unwrap_err();
    assert_eq!(e.exit_code(), 5);
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn every_save_uses_a_fresh_nonce() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("s.appctl");
    drop(new_store(d.path()));
    let a = std::fs::read(&path).unwrap();
    let mut s = Store::open(&path, PW, write()).unwrap();
    s.save().unwrap();
    let b = std::fs::read(&path).unwrap();
    assert_eq!(a.len(), b.len());
    assert_ne!(a, b);
}

#[test]
fn unlock_debug_shows_no_secret() {
    let shown = format!("{:?}", Unlock::Passphrase(b"hunter2"));
    assert!(
        !shown.contains("hunter2") && !shown.contains("104"),
        "{shown}"
    );
}

#[test]
fn read_only_store_cannot_be_saved() {
    let d = tempfile::tempdir().unwrap();
    drop(new_store(d.path()));
    let mut s = Store::open(&d.path().join("s.appctl"), PW, Access::Read).unwrap();
    assert!(s.save().is_err());
}

#[test]
fn missing_store_is_not_found() {
    let d = tempfile::tempdir().unwrap();
    let e = Store::open(&d.path().join("none"), PW, Access::Read).unwrap_err();
    assert_eq!(e.exit_code(), 3);
    assert!(e.hint().unwrap().contains("appctl init"));
}

#[test]
fn passphrase_change_keeps_data_and_refuses_the_old_one() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("s.appctl");
    let s = new_store(d.path());
    s.create_project("kept", None, None, crate::model::Environment::Staging)
        .unwrap();
    let mut s = s;
    s.save().unwrap();
    drop(s);
    let mut s = Store::open(&path, PW, write()).unwrap();
    s.set_passphrase_slot(b"new", FLOOR).unwrap();
    s.save().unwrap();
    drop(s);
    assert_eq!(
        Store::open(&path, PW, Access::Read)
            .unwrap_err()
            .exit_code(),
        5
    );
    let s = Store::open(&path, Unlock::Passphrase(b"new"), Access::Read).unwrap();
    assert_eq!(s.find_project("kept").unwrap().name, "kept");
}

#[test]
fn the_recovery_key_opens_the_store_and_a_new_one_replaces_it() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("s.appctl");
    let (s, rk) = Store::init(&path, b"pw", FLOOR, &owner(), TIMEOUT).unwrap();
    drop(s);
    let normal = crate::crypto::token::normalize_recovery_key(rk.expose());
    let mut s = Store::open(&path, Unlock::RecoveryKey(&normal), write()).unwrap();
    let e = Store::open(&path, Unlock::RecoveryKey(b"wrong"), Access::Read).unwrap_err();
    assert_eq!(e.exit_code(), 9, "not a recovery key at all");
    let other = crate::crypto::token::recovery_key();
    let e = Store::open(
        &path,
        Unlock::RecoveryKey(other.expose().as_bytes()),
        Access::Read,
    )
    .unwrap_err();
    assert_eq!(e.exit_code(), 5, "a well-formed key of no slot here");
    let rk2 = s.set_recovery_slot().unwrap();
    s.save().unwrap();
    drop(s);
    let old = Store::open(&path, Unlock::RecoveryKey(&normal), Access::Read).unwrap_err();
    assert_eq!(old.exit_code(), 5);
    let n2 = crate::crypto::token::normalize_recovery_key(rk2.expose());
    Store::open(&path, Unlock::RecoveryKey(&n2), Access::Read).unwrap();
}

#[test]
fn a_session_opens_without_derivation_and_only_its_store() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("s.appctl");
    let s = new_store(d.path());
    let dir = d.path().join("sessions");
    let token = s.start_session(&dir, now() + 60).unwrap();
    drop(s);
    let unlock = Unlock::Session {
        dir: &dir,
        token: &token,
    };
    let mut s = Store::open(&path, unlock, write()).unwrap();
    s.save().unwrap();
    let other = d.path().join("other");
    std::fs::create_dir(&other).unwrap();
    drop(new_store(&other));
    let e = Store::open(&other.join("s.appctl"), unlock, Access::Read).unwrap_err();
    assert_eq!(e.exit_code(), 5);
}

#[test]
fn a_recovery_slot_of_format_2_works_until_the_first_new_data_key_replaces_it() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("s.appctl");
    let mut s = new_store(d.path());
    // A recovery slot as formats 1 and 2 made it: the data key under
    // the key derived from the recovery key.
    let legacy = crate::crypto::token::normalize_recovery_key(
        "AbCde-12345-fGhIj-KlMno-PqRsT-uVwXy-Z0a1B-c2D3e",
    );
    let salt = Slot::new_salt();
    let slot_key = kdf::derive(&legacy, &salt, FLOOR).unwrap();
    s.header.set_slot(Slot::wrap(
        SlotKind::Recovery,
        FLOOR,
        salt,
        &slot_key,
        &s.data_key,
    ));
    assert!(!s.header.slot(SlotKind::Recovery).unwrap().can_reseal());
    s.save().unwrap();
    drop(s);
    // It opens, and a write that keeps the data key keeps it.
    let mut s = Store::open(&path, Unlock::RecoveryKey(&legacy), write()).unwrap();
    s.save().unwrap();
    drop(s);
    let mut s = Store::open(&path, PW, write()).unwrap();
    let sealed = s.rotate(Some((b"new", FLOOR)), false).unwrap();
    assert!(sealed.replaced_old_recovery_slot);
    let fresh = sealed.recovery_key.expect("a new recovery key");
    s.save().unwrap();
    drop(s);
    let e = Store::open(&path, Unlock::RecoveryKey(&legacy), Access::Read).unwrap_err();
    assert_eq!(e.exit_code(), 5);
    let n = crate::crypto::token::normalize_recovery_key(fresh.expose());
    let s = Store::open(&path, Unlock::RecoveryKey(&n), Access::Read).unwrap();
    assert!(s.header.slot(SlotKind::Recovery).unwrap().can_reseal());
    // The next new data key follows without a new recovery key.
    drop(s);
    let mut s = Store::open(&path, Unlock::Passphrase(b"new"), write()).unwrap();
    let sealed = s.rotate(Some((b"newer", FLOOR)), false).unwrap();
    assert!(sealed.recovery_key.is_none() && !sealed.replaced_old_recovery_slot);
    s.save().unwrap();
    drop(s);
    Store::open(&path, Unlock::RecoveryKey(&n), Access::Read).unwrap();
}

#[test]
fn a_new_data_key_advances_the_epoch_and_ends_sessions() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("s.appctl");
    let s = new_store(d.path());
    let dir = d.path().join("sessions");
    let token = s.start_session(&dir, now() + 60).unwrap();
    drop(s);
    let mut s = Store::open(&path, PW, write()).unwrap();
    let (epoch, key) = (s.header.epoch, s.data_key.clone());
    s.rotate(None, true).unwrap();
    assert_eq!(s.header.epoch, epoch + 1);
    assert_ne!(*s.data_key, *key);
    s.save().unwrap();
    drop(s);
    let unlock = Unlock::Session {
        dir: &dir,
        token: &token,
    };
    let e = Store::open(&path, unlock, Access::Read).unwrap_err();
    assert_eq!(e.exit_code(), 5);
    // The passphrase slot took the new key without a new derivation.
    Store::open(&path, PW, Access::Read).unwrap();
}

/// The length of the image in the store file at `path`.
fn file_image_len(path: &Path) -> usize {
    let bytes = std::fs::read(path).unwrap();
    let (_, hlen) = Header::decode(&bytes).unwrap();
    envelope::plain_len(2, (bytes.len() - hlen) as u64).unwrap()
}

#[test]
fn a_save_inside_a_transaction_is_refused_and_writes_nothing() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("s.appctl");
    drop(new_store(d.path()));
    let before = std::fs::read(&path).unwrap();
    let mut s = Store::open(&path, PW, write()).unwrap();
    s.conn.execute_batch("BEGIN").unwrap();
    s.create_app("uncommitted", None, &crate::model::AppPatch::default())
        .unwrap();
    assert_eq!(s.save().unwrap_err().exit_code(), 1);
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn the_room_for_growth_is_never_saved() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("s.appctl");
    drop(new_store(d.path()));
    // A write that grows the image, one that does not, and a save with
    // no write at all.
    let mut s = Store::open(&path, PW, write()).unwrap();
    s.create_app("grown", None, &crate::model::AppPatch::default())
        .unwrap();
    s.save().unwrap();
    let grown = file_image_len(&path);
    assert_eq!(grown, s.image_len().unwrap());
    drop(s);
    let mut s = Store::open(&path, PW, write()).unwrap();
    s.save().unwrap();
    assert_eq!(file_image_len(&path), grown);
    drop(s);
    let s = Store::open(&path, PW, Access::Read).unwrap();
    assert_eq!(s.image_len().unwrap(), grown);
    assert!(s.check().unwrap().problems.is_empty());
}

#[test]
fn the_store_grows_by_less_than_1_kib_per_app() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("s.appctl");
    drop(new_store(d.path()));
    let empty = std::fs::metadata(&path).unwrap().len();
    let mut s = Store::open(&path, PW, write()).unwrap();
    let n = 700;
    for i in 0..n {
        let patch = crate::model::AppPatch {
            description: Some(Some(format!("Benchmark app number {i}"))),
            website_url: Some(Some(format!("https://app{i}.example.com"))),
            add_callback_urls: vec![format!("https://app{i}.example.com/callback")],
            ..Default::default()
        };
        s.create_app(&format!("app-{i}"), None, &patch).unwrap();
    }
    s.save().unwrap();
    let full = std::fs::metadata(&path).unwrap().len();
    let per_app = (full - empty) / n;
    assert!(per_app <= 1024, "{per_app} bytes per app");
    // The image spans several chunks, read back on several threads.
    assert!(full > 4 * envelope::CHUNK_LEN as u64);
    drop(s);
    let s = Store::open(&path, PW, Access::Read).unwrap();
    assert_eq!(s.app_count(AppFilter::All).unwrap(), n as usize);
    assert_eq!(s.find_app("app-321").unwrap().name, "app-321");
    assert!(s.check().unwrap().problems.is_empty());
}
