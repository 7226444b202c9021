//! The SQLite schema, its version (`PRAGMA user_version`) and the numbered
//! migrations that bring an older store up to date.

use crate::error::{Error, Kind, Result};
use rusqlite::Connection;

/// Migrations in order; migration `i` takes the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    "
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE projects (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        name        TEXT NOT NULL UNIQUE,
        description TEXT,
        use_case    TEXT,
        environment TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL
    );
    CREATE TABLE apps (
        id                 INTEGER PRIMARY KEY AUTOINCREMENT,
        project_id         INTEGER REFERENCES projects(id),
        name               TEXT NOT NULL UNIQUE,
        description        TEXT,
        icon_format        TEXT,
        icon               BLOB,
        website_url        TEXT,
        callback_urls      TEXT NOT NULL DEFAULT '[]',
        terms_url          TEXT,
        privacy_url        TEXT,
        organization_name  TEXT,
        organization_url   TEXT,
        use_case           TEXT,
        three_legged_oauth INTEGER NOT NULL DEFAULT 0,
        permissions        TEXT NOT NULL,
        request_email      INTEGER NOT NULL DEFAULT 0,
        status             TEXT NOT NULL,
        suspended_reason   TEXT,
        suspended_at       INTEGER,
        created_at         INTEGER NOT NULL,
        updated_at         INTEGER NOT NULL
    );
    CREATE INDEX apps_by_project ON apps(project_id);
    CREATE TABLE credentials (
        app_id         INTEGER NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
        kind           TEXT NOT NULL,
        state          TEXT NOT NULL,
        key_value      TEXT,
        secret_value   TEXT,
        permissions    TEXT,
        fingerprint    TEXT NOT NULL,
        created_at     INTEGER NOT NULL,
        regenerated_at INTEGER,
        revoked_at     INTEGER,
        PRIMARY KEY (app_id, kind)
    ) WITHOUT ROWID;
    CREATE TABLE events (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        at          INTEGER NOT NULL,
        action      TEXT NOT NULL,
        target_kind TEXT NOT NULL,
        target_id   INTEGER,
        app_id      INTEGER,
        target_name TEXT,
        detail      TEXT
    );
    CREATE INDEX events_by_app ON events(app_id);
    ",
    // 2: an access token stays stale from the first change of its app's
    // permissions until it is regenerated, even if they change back.
    "
    ALTER TABLE credentials ADD COLUMN stale INTEGER NOT NULL DEFAULT 0;
    UPDATE credentials SET stale = 1
     WHERE kind = 'access' AND state = 'active'
       AND permissions IS NOT (SELECT permissions FROM apps WHERE apps.id = credentials.app_id);
    ",
    // 3: no index of events by app. The log's one query never used it (it
    // reads the events newest first and stops at its limit, with or
    // without an app), and it held 3.5 % of a large store, which every
    // command decrypts and every write encrypts and writes.
    "
    DROP INDEX events_by_app;
    ",
    // 4: smaller credential rows (each app has two): the fingerprint as its
    // 8 bytes rather than 16 hex digits, and a bearer token without the 21
    // characters every bearer token starts with (crypto::token::BEARER_PREFIX).
    "
    UPDATE credentials SET fingerprint = unhex(fingerprint)
     WHERE typeof(fingerprint) = 'text' AND unhex(fingerprint) IS NOT NULL;
    UPDATE credentials SET key_value = substr(key_value, 22)
     WHERE kind = 'bearer' AND substr(key_value, 1, 21) = 'AAAAAAAAAAAAAAAAAAAAA';
    ",
    // 5: local test users, and access tokens that belong to a user: one
    // active access token per app and user. A credential's key gains the
    // user's ID (0 for the app's own consumer pair and bearer token); the
    // access tokens made so far are the owner's.
    "
    CREATE TABLE users (
        id         INTEGER PRIMARY KEY,
        handle     TEXT NOT NULL UNIQUE COLLATE NOCASE,
        name       TEXT,
        email      TEXT,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE credentials_5 (
        app_id         INTEGER NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
        kind           TEXT NOT NULL,
        user_id        INTEGER NOT NULL DEFAULT 0,
        state          TEXT NOT NULL,
        key_value      TEXT,
        secret_value   TEXT,
        permissions    TEXT,
        fingerprint    TEXT NOT NULL,
        created_at     INTEGER NOT NULL,
        regenerated_at INTEGER,
        revoked_at     INTEGER,
        stale          INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (app_id, kind, user_id)
    ) WITHOUT ROWID;
    INSERT INTO credentials_5 (app_id, kind, user_id, state, key_value, secret_value,
                               permissions, fingerprint, created_at, regenerated_at,
                               revoked_at, stale)
    SELECT app_id, kind,
           CASE WHEN kind = 'access'
                THEN coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'owner_id'), 0)
                ELSE 0 END,
           state, key_value, secret_value, permissions, fingerprint, created_at,
           regenerated_at, revoked_at, stale
      FROM credentials;
    DROP TABLE credentials;
    ALTER TABLE credentials_5 RENAME TO credentials;
    ",
    // 6: whether an access token was granted users' email addresses: the
    // app asked for them when the token was made. The identity endpoints go
    // by the grant, not by the app's toggle now (a token must be made again
    // to gain or lose it). NULL on every other kind. Of the tokens made so
    // far only the app's toggle now is known, so they take that.
    "
    ALTER TABLE credentials ADD COLUMN grants_email INTEGER;
    UPDATE credentials
       SET grants_email = (SELECT request_email FROM apps WHERE apps.id = credentials.app_id)
     WHERE kind = 'access';
    ",
    // 7: the local CA of `serve --tls`, made on first use: at most one row.
    // Its key is a secret like the credentials' and lives, as they do,
    // only in the encrypted image.
    "
    CREATE TABLE tls_ca (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        name       TEXT NOT NULL,
        key_pkcs8  BLOB NOT NULL,
        cert_der   BLOB NOT NULL,
        not_before INTEGER NOT NULL,
        not_after  INTEGER NOT NULL,
        created_at INTEGER NOT NULL
    );
    ",
];

/// The schema version this code writes.
pub const CURRENT: u32 = MIGRATIONS.len() as u32;

/// The schema version of the open database.
pub fn version(conn: &Connection) -> Result<u32> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Brings the database to [`CURRENT`]. A database from a newer appctl is
/// refused (exit 6) rather than misread.
pub fn migrate(conn: &Connection) -> Result<()> {
    let v = version(conn)?;
    if v > CURRENT {
        return Err(Error::new(
            Kind::Damaged,
            format!(
                "the store's schema version {v} is newer than this appctl understands ({CURRENT})"
            ),
        )
        .with_hint("upgrade appctl to open this store"));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(v as usize) {
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as u32 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// Settings fixed when a database is created: 1 KiB pages keep a small
/// store small (the whole image is encrypted and written on every change),
/// and full auto-vacuum returns freed pages at once, so deleted rows do not
/// linger in free pages.
pub fn create(conn: &Connection) -> Result<()> {
    conn.execute_batch("PRAGMA page_size = 1024; PRAGMA auto_vacuum = FULL;")?;
    Ok(())
}

/// Settings for every connection: foreign keys on (deleting an app deletes
/// its credentials) and secure delete, so that a wiped secret's bytes are
/// overwritten in the image rather than left in a free page.
pub fn configure(conn: &Connection) -> Result<()> {
    conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_an_empty_database_to_current_and_is_idempotent() {
        let c = Connection::open_in_memory().unwrap();
        migrate(&c).unwrap();
        assert_eq!(version(&c).unwrap(), CURRENT);
        migrate(&c).unwrap();
        assert_eq!(version(&c).unwrap(), CURRENT);
    }

    #[test]
    fn migration_6_grants_email_to_the_access_tokens_of_apps_that_ask_for_it() {
        let c = Connection::open_in_memory().unwrap();
        for sql in &MIGRATIONS[..5] {
            c.execute_batch(sql).unwrap();
        }
        c.pragma_update(None, "user_version", 5).unwrap();
        c.execute_batch(
            "INSERT INTO apps (id, name, permissions, request_email, status, created_at, updated_at)
               VALUES (1, 'asks', 'read', 1, 'active', 0, 0), (2, 'not', 'read', 0, 'active', 0, 0);
             INSERT INTO credentials (app_id, kind, user_id, state, key_value, secret_value,
                                      permissions, fingerprint, created_at)
               VALUES (1, 'access', 9, 'active', 'k', 's', 'read', x'00', 0),
                      (1, 'consumer', 0, 'active', 'k', 's', NULL, x'01', 0),
                      (2, 'access', 9, 'revoked', NULL, NULL, 'read', x'02', 0);",
        )
        .unwrap();
        migrate(&c).unwrap();
        let grants: Vec<(i64, String, Option<bool>)> = c
            .prepare("SELECT app_id, kind, grants_email FROM credentials ORDER BY app_id, kind")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(
            grants,
            [
                (1, "access".into(), Some(true)),
                (1, "consumer".into(), None),
                (2, "access".into(), Some(false)),
            ]
        );
    }

    #[test]
    fn migration_7_adds_an_empty_place_for_the_local_ca_and_keeps_the_rest() {
        let c = Connection::open_in_memory().unwrap();
        for sql in &MIGRATIONS[..6] {
            c.execute_batch(sql).unwrap();
        }
        c.pragma_update(None, "user_version", 6).unwrap();
        c.execute_batch(
            "INSERT INTO apps (id, name, permissions, status, created_at, updated_at)
               VALUES (1, 'a', 'read', 'active', 0, 0);
             INSERT INTO credentials (app_id, kind, state, key_value, secret_value, fingerprint, created_at)
               VALUES (1, 'consumer', 'active', 'k', 's', x'00', 0);",
        )
        .unwrap();
        migrate(&c).unwrap();
        let count = |sql: &str| -> i64 { c.query_row(sql, [], |r| r.get(0)).unwrap() };
        assert_eq!(count("SELECT count(*) FROM tls_ca"), 0);
        assert_eq!(count("SELECT count(*) FROM credentials"), 1);
        let row =
            "INSERT INTO tls_ca (id, name, key_pkcs8, cert_der, not_before, not_after, created_at)
                   VALUES (?1, 'n', x'01', x'02', 0, 1, 0)";
        c.execute(row, [1]).unwrap();
        // One CA at most.
        assert!(c.execute(row, [2]).is_err());
        assert!(c.execute(row, [1]).is_err());
    }

    #[test]
    fn migration_3_drops_the_events_index_and_keeps_the_events() {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch(MIGRATIONS[0]).unwrap();
        c.execute_batch(MIGRATIONS[1]).unwrap();
        c.pragma_update(None, "user_version", 2).unwrap();
        c.execute(
            "INSERT INTO events (at, action, target_kind, app_id) VALUES (1, 'app.create', 'app', 7)",
            [],
        )
        .unwrap();
        let indexes = |c: &Connection| -> Vec<String> {
            let mut q = c
                .prepare(
                    "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'events'",
                )
                .unwrap();
            q.query_map([], |r| r.get(0))
                .unwrap()
                .map(|r| r.unwrap())
                .collect()
        };
        assert_eq!(indexes(&c), ["events_by_app"]);
        migrate(&c).unwrap();
        assert_eq!(version(&c).unwrap(), CURRENT);
        assert!(indexes(&c).is_empty());
        let app: i64 = c
            .query_row(
                "SELECT app_id FROM events WHERE action = 'app.create'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(app, 7);
    }

    #[test]
    fn migration_4_keeps_fingerprints_as_bytes_and_bearer_tokens_without_their_prefix() {
        let c = Connection::open_in_memory().unwrap();
        for sql in &MIGRATIONS[..3] {
            c.execute_batch(sql).unwrap();
        }
        c.pragma_update(None, "user_version", 3).unwrap();
        let bearer = format!("{}Bx%2Frest", crate::crypto::token::BEARER_PREFIX);
        c.execute_batch(&format!(
            "INSERT INTO apps (id, name, permissions, status, created_at, updated_at)
               VALUES (1, 'a', 'read', 'active', 0, 0);
             INSERT INTO credentials (app_id, kind, state, key_value, secret_value, fingerprint, created_at)
               VALUES (1, 'consumer', 'active', 'AAAAAAAAAAAAAAAAAAAAAAAAA', 's', '00ff10a0b0c0d0e0', 0),
                      (1, 'bearer', 'active', '{bearer}', NULL, '0123456789abcdef', 0),
                      (1, 'access', 'revoked', NULL, NULL, 'fedcba9876543210', 0);
             INSERT INTO apps (id, name, permissions, status, created_at, updated_at)
               VALUES (2, 'b', 'read', 'active', 0, 0);
             INSERT INTO credentials (app_id, kind, state, key_value, secret_value, fingerprint, created_at)
               VALUES (2, 'bearer', 'invalidated', NULL, NULL, 'not hex at all!!', 0);"
        ))
        .unwrap();
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(3).take(1) {
            c.execute_batch(sql).unwrap();
            c.pragma_update(None, "user_version", i + 1).unwrap();
        }
        assert_eq!(version(&c).unwrap(), 4);
        let rows: Vec<(String, Option<String>, Vec<u8>)> = c
            .prepare("SELECT kind, key_value, fingerprint FROM credentials WHERE app_id = 1 ORDER BY kind")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        let expected: Vec<(String, Option<String>, Vec<u8>)> = vec![
            (
                "access".into(),
                None,
                crate::crypto::unhex("fedcba9876543210").unwrap(),
            ),
            (
                "bearer".into(),
                Some("Bx%2Frest".into()),
                crate::crypto::unhex("0123456789abcdef").unwrap(),
            ),
            // Only bearer tokens lose the prefix.
            (
                "consumer".into(),
                Some("AAAAAAAAAAAAAAAAAAAAAAAAA".into()),
                crate::crypto::unhex("00ff10a0b0c0d0e0").unwrap(),
            ),
        ];
        assert_eq!(rows, expected);
        // A fingerprint that is not hex is left for `check` to report; a
        // wiped bearer token stays wiped.
        let other: (Option<String>, String) = c
            .query_row(
                "SELECT key_value, fingerprint FROM credentials WHERE app_id = 2",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(other, (None, "not hex at all!!".to_string()));
    }

    #[test]
    fn migration_5_gives_the_owner_the_access_tokens_made_so_far() {
        let c = Connection::open_in_memory().unwrap();
        for sql in &MIGRATIONS[..4] {
            c.execute_batch(sql).unwrap();
        }
        c.pragma_update(None, "user_version", 4).unwrap();
        c.execute_batch(
            "INSERT INTO meta (key, value) VALUES ('owner_id', '1234567890123456789');
             INSERT INTO apps (id, name, permissions, status, created_at, updated_at)
               VALUES (1, 'a', 'read', 'active', 0, 0);
             INSERT INTO credentials (app_id, kind, state, key_value, secret_value, permissions,
                                      fingerprint, created_at, stale)
               VALUES (1, 'consumer', 'active', 'k', 's', NULL, x'0011223344556677', 5, 0),
                      (1, 'access', 'active', '1234567890123456789-t', 'ts', 'read',
                       x'8899aabbccddeeff', 6, 1);",
        )
        .unwrap();
        migrate(&c).unwrap();
        type Row = (String, i64, Option<String>, Vec<u8>, i64, bool);
        let rows: Vec<Row> = c
            .prepare(
                "SELECT kind, user_id, secret_value, fingerprint, created_at, stale
                 FROM credentials ORDER BY kind",
            )
            .unwrap()
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(
            rows,
            [
                (
                    "access".into(),
                    1234567890123456789,
                    Some("ts".into()),
                    vec![0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff],
                    6,
                    true
                ),
                (
                    "consumer".into(),
                    0,
                    Some("s".into()),
                    vec![0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77],
                    5,
                    false
                ),
            ]
        );
        // Deleting an app still deletes its credentials.
        c.execute_batch("PRAGMA foreign_keys = ON; DELETE FROM apps;")
            .unwrap();
        let n: i64 = c
            .query_row("SELECT count(*) FROM credentials", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0);
    }

    #[test]
    fn newer_schema_is_refused_as_damaged() {
        let c = Connection::open_in_memory().unwrap();
        c.pragma_update(None, "user_version", CURRENT + 1).unwrap();
        assert_eq!(migrate(&c).unwrap_err().exit_code(), 6);
    }
}
