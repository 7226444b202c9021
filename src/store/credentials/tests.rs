//! Tests of making, regenerating, revoking and listing credentials.

use super::*;
use crate::model::AppPatch;
use crate::store::tests::new_store;

fn own(s: &Store, kind: CredentialKind) -> Holder {
    Holder::default_for(s, kind).unwrap()
}

#[test]
fn app_create_issues_consumer_and_bearer_that_match_what_is_stored() {
    let d = tempfile::tempdir().unwrap();
    let s = new_store(d.path());
    let (app, secrets) = s.create_app("a1", None, &AppPatch::default()).unwrap();
    let key = secrets.api_key.as_ref().unwrap().expose();
    let secret = secrets.api_secret.as_ref().unwrap().expose();
    assert!(
        s.credential_matches(app.id, CredentialKind::Consumer, key, Some(secret))
            .unwrap()
    );
    let bearer = secrets.bearer_token.as_ref().unwrap().expose();
    assert!(
        s.credential_matches(app.id, CredentialKind::Bearer, bearer, None)
            .unwrap()
    );
    // A bearer token is kept without the prefix every one starts with,
    // and a fingerprint as its bytes; both read back as they were made.
    let (kept, fingerprint): (String, Vec<u8>) = s
        .conn()
        .query_row(
            "SELECT key_value, fingerprint FROM credentials WHERE kind = 'bearer'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(format!("{}{kept}", token::BEARER_PREFIX), bearer);
    let fp_key = s.fingerprint_key().unwrap();
    assert_eq!(fingerprint, token::fingerprint(&fp_key, bearer));
    let shown = &s.credentials(app.id).unwrap()[1].fingerprint;
    assert_eq!(
        *shown,
        crate::crypto::hex(&token::fingerprint(&fp_key, bearer))
    );
    // A regenerated token replaces the row, kept the same way.
    let new = s
        .regenerate_credential(
            &app,
            CredentialKind::Bearer,
            &own(&s, CredentialKind::Bearer),
        )
        .unwrap();
    let new = new.bearer_token.as_ref().unwrap().expose();
    assert!(
        s.credential_matches(app.id, CredentialKind::Bearer, new, None)
            .unwrap()
    );
    assert!(
        !s.credential_matches(app.id, CredentialKind::Bearer, bearer, None)
            .unwrap()
    );
    let kept: String = s
        .conn()
        .query_row(
            "SELECT key_value FROM credentials WHERE kind = 'bearer'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(format!("{}{kept}", token::BEARER_PREFIX), new);
    let kinds: Vec<_> = s
        .credentials(app.id)
        .unwrap()
        .iter()
        .map(|c| c.kind)
        .collect();
    assert_eq!(kinds, [CredentialKind::Consumer, CredentialKind::Bearer]);
    // A fingerprint that is not bytes is a damaged row, not a crash.
    s.conn()
        .execute(
            "UPDATE credentials SET fingerprint = hex(fingerprint) WHERE kind = 'bearer'",
            [],
        )
        .unwrap();
    assert_eq!(s.credentials(app.id).unwrap_err().exit_code(), 6);
}

#[test]
fn regenerating_consumer_invalidates_bearer_and_revoke_wipes() {
    let d = tempfile::tempdir().unwrap();
    let s = new_store(d.path());
    let (app, first) = s.create_app("a1", None, &AppPatch::default()).unwrap();
    let r = s
        .regenerate_credential(
            &app,
            CredentialKind::Consumer,
            &own(&s, CredentialKind::Consumer),
        )
        .unwrap();
    assert_eq!(r.invalidated, [CredentialKind::Bearer]);
    let old = first.api_key.as_ref().unwrap().expose();
    assert!(
        !s.credential_matches(
            app.id,
            CredentialKind::Consumer,
            old,
            first.api_secret.as_ref().map(Secret::expose)
        )
        .unwrap()
    );
    let metas = s.credentials(app.id).unwrap();
    assert_eq!(metas[0].state, CredentialState::Active);
    assert!(metas[0].regenerated_at.is_some());
    assert_eq!(metas[1].state, CredentialState::Invalidated);
    // An invalidated bearer can be made again now that the pair is active.
    s.create_credential(
        &app,
        CredentialKind::Bearer,
        &own(&s, CredentialKind::Bearer),
    )
    .unwrap();
    assert_eq!(
        s.create_credential(
            &app,
            CredentialKind::Bearer,
            &own(&s, CredentialKind::Bearer)
        )
        .unwrap_err()
        .exit_code(),
        4
    );
    s.revoke_credential(
        &app,
        CredentialKind::Consumer,
        &own(&s, CredentialKind::Consumer),
    )
    .unwrap();
    let vals: Option<String> = s
        .conn()
        .query_row(
            "SELECT key_value FROM credentials WHERE app_id = ?1 AND kind = 'consumer'",
            [app.id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(vals, None);
    assert_eq!(
        s.credentials(app.id).unwrap()[1].state,
        CredentialState::Invalidated
    );
    assert_eq!(
        s.create_credential(
            &app,
            CredentialKind::Bearer,
            &own(&s, CredentialKind::Bearer)
        )
        .unwrap_err()
        .exit_code(),
        4
    );
}

#[test]
fn a_credential_never_made_is_not_found_for_revoke_and_regenerate() {
    let d = tempfile::tempdir().unwrap();
    let s = new_store(d.path());
    let (app, _) = s.create_app("a1", None, &AppPatch::default()).unwrap();
    let revoke = s
        .revoke_credential(
            &app,
            CredentialKind::Access,
            &own(&s, CredentialKind::Access),
        )
        .unwrap_err();
    let regenerate = s
        .regenerate_credential(
            &app,
            CredentialKind::Access,
            &own(&s, CredentialKind::Access),
        )
        .map(|_| ())
        .unwrap_err();
    for (e, verb) in [(revoke, "revoke"), (regenerate, "regenerate")] {
        assert_eq!(e.exit_code(), 3, "{e}");
        assert_eq!(
            e.message(),
            format!("app {} (\"a1\") has no access credential to {verb}", app.id)
        );
        assert_eq!(
            e.hint(),
            Some(format!("make one with `appctl keys create {} access`", app.id).as_str())
        );
    }
}

#[test]
fn suspended_apps_get_no_new_credentials() {
    let d = tempfile::tempdir().unwrap();
    let s = new_store(d.path());
    let (app, _) = s.create_app("a1", None, &AppPatch::default()).unwrap();
    let app = s.suspend_app(&app, "abuse").unwrap();
    for k in CredentialKind::ALL {
        assert_eq!(
            s.regenerate_credential(&app, k, &own(&s, k))
                .map(|_| ())
                .unwrap_err()
                .exit_code(),
            4
        );
    }
    assert_eq!(
        s.create_credential(
            &app,
            CredentialKind::Access,
            &own(&s, CredentialKind::Access)
        )
        .map(|_| ())
        .unwrap_err()
        .exit_code(),
        4
    );
}

#[test]
fn deleting_an_app_destroys_its_credentials() {
    let d = tempfile::tempdir().unwrap();
    let s = new_store(d.path());
    let (app, _) = s.create_app("a1", None, &AppPatch::default()).unwrap();
    s.create_credential(
        &app,
        CredentialKind::Access,
        &own(&s, CredentialKind::Access),
    )
    .unwrap();
    s.delete_app(app.id).unwrap();
    let n: i64 = s
        .conn()
        .query_row("SELECT count(*) FROM credentials", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0);
}

/// Whether the active access token of `user_id` for `app_id` was granted
/// email addresses: the column a lookup returns as `Found::grants_email`
/// (store/lookup.rs tests that it does).
fn grants_email(s: &Store, app_id: i64, user_id: u64) -> bool {
    s.conn()
        .query_row(
            "SELECT grants_email FROM credentials
             WHERE app_id = ?1 AND kind = 'access' AND user_id = ?2 AND state = 'active'",
            rusqlite::params![app_id, user_id as i64],
            |r| r.get::<_, Option<bool>>(0),
        )
        .optional()
        .unwrap()
        .flatten()
        .unwrap_or(false)
}

#[test]
fn an_access_token_keeps_the_email_grant_of_when_it_was_made() {
    let d = tempfile::tempdir().unwrap();
    let s = new_store(d.path());
    let asks = AppPatch {
        terms_url: Some(Some("https://example.com/terms".into())),
        privacy_url: Some(Some("https://example.com/privacy".into())),
        request_email: Some(true),
        ..AppPatch::default()
    };
    let (app, _) = s.create_app("a", None, &asks).unwrap();
    let owner = own(&s, CredentialKind::Access).user_id;
    assert!(!grants_email(&s, app.id, owner), "no token yet");
    s.create_credential(
        &app,
        CredentialKind::Access,
        &own(&s, CredentialKind::Access),
    )
    .unwrap();
    assert!(grants_email(&s, app.id, owner));
    // The app stops asking: the token made before keeps its grant.
    let off = AppPatch {
        request_email: Some(false),
        ..AppPatch::default()
    };
    s.update_app(&app, &off).unwrap();
    assert!(grants_email(&s, app.id, owner));
    // A token made now is not granted email; nor is a revoked one.
    let app = s.app(app.id).unwrap();
    s.regenerate_credential(
        &app,
        CredentialKind::Access,
        &own(&s, CredentialKind::Access),
    )
    .unwrap();
    assert!(!grants_email(&s, app.id, owner));
    s.update_app(&app, &asks).unwrap();
    assert!(!grants_email(&s, app.id, owner));
    // The flow's token takes the page's answer and the app's toggle now.
    let app = s.app(app.id).unwrap();
    let handle = s.owner().unwrap().handle;
    s.issue_flow_token(&app, owner, &handle, app.details.permissions, false)
        .unwrap();
    assert!(!grants_email(&s, app.id, owner));
    s.issue_flow_token(&app, owner, &handle, app.details.permissions, true)
        .unwrap();
    assert!(grants_email(&s, app.id, owner));
    s.revoke_credential(
        &app,
        CredentialKind::Access,
        &own(&s, CredentialKind::Access),
    )
    .unwrap();
    assert!(!grants_email(&s, app.id, owner));
}
