//! Local users: `users add/list/show/remove` and access tokens per user.

use crate::util::Env;

#[test]
fn users_are_added_listed_shown_and_removed_with_their_tokens() {
    let env = Env::new();
    env.app("web");
    let id = env.ok(&[
        "users",
        "add",
        "Bob_2",
        "--name",
        "Bob",
        "--email",
        "bob@example.com",
    ]);
    let id = id.trim();
    assert!(
        (18..=19).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit()),
        "{id}"
    );
    // Unique ignoring case, the owner's handle included; platform handles only.
    let before = env.store_bytes();
    env.fails(&["users", "add", "bob_2"], 4);
    env.fails(&["users", "add", "ALICE"], 4);
    env.fails(&["users", "add", "sixteen_letters_"], 9);
    env.fails(&["users", "add", "bob-2"], 9);
    env.fails(&["users", "add", "carol", "--email", "not-an-address"], 9);
    assert_eq!(env.store_bytes(), before);

    let list = env.json(&["users", "list"]);
    assert_eq!(list[0]["screen_name"], "alice");
    assert_eq!(list[0]["owner"], true);
    assert_eq!(list[1]["id"], id);
    assert_eq!(list[1]["email"], "bob@example.com");
    for key in ["bob_2", "@BOB_2", id] {
        assert_eq!(env.json(&["users", "show", key])["screen_name"], "Bob_2");
    }
    env.fails(&["users", "show", "nobody"], 3);

    // One access token per app and user: the owner's and Bob's.
    let mine = env.json(&["keys", "create", "web", "access"]);
    let his = env.json(&["keys", "create", "web", "access", "--user", "bob_2"]);
    let token = his["secrets"]["access_token"].as_str().unwrap();
    assert!(token.starts_with(&format!("{id}-")), "{token}");
    assert_ne!(
        mine["secrets"]["access_token"],
        his["secrets"]["access_token"]
    );
    let err = env.fails(&["keys", "create", "web", "access", "--user", id], 4);
    assert!(err.contains("--user Bob_2"), "{err}");
    env.fails(&["keys", "create", "web", "bearer", "--user", "bob_2"], 2);
    let list = env.json(&["keys", "list", "web"]);
    let users: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == "access")
        .map(|c| c["user"]["screen_name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(users, ["alice", "Bob_2"]);
    assert!(
        list[0].get("user").is_none(),
        "the consumer pair has no user"
    );
    let table = env.ok(&["keys", "list", "web"]);
    assert!(
        table.contains("@Bob_2") && table.contains("@alice"),
        "{table}"
    );
    assert_eq!(
        env.json(&["users", "show", "bob_2"])["access_tokens"][0]["state"],
        "active"
    );

    // Regenerate and revoke act on the named user's token only.
    let again = env.json(&["keys", "regenerate", "web", "access", "--user", "bob_2"]);
    assert!(
        again["secrets"]["access_token"]
            .as_str()
            .unwrap()
            .starts_with(id)
    );
    env.ok(&[
        "--yes", "keys", "revoke", "web", "access", "--user", "bob_2",
    ]);
    let states: Vec<_> = env
        .json(&["keys", "list", "web"])
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == "access")
        .map(|c| c["state"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(states, ["active", "revoked"]);
    env.json(&["keys", "create", "web", "access", "--user", "bob_2"]);

    // Removing a user revokes its tokens; the owner stays.
    env.fails(&["users", "remove", "alice"], 8);
    env.fails(&["--yes", "users", "remove", "alice"], 4);
    let removed = env.json(&["--yes", "users", "remove", "bob_2"]);
    assert_eq!(removed["revoked_access_tokens"], 1);
    let list = env.json(&["keys", "list", "web"]);
    let gone = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "access" && c["user"]["id"] == id)
        .unwrap();
    assert_eq!(gone["state"], "revoked");
    assert_eq!(gone["user"]["screen_name"], serde_json::Value::Null);
    assert_eq!(env.json(&["users", "list"]).as_array().unwrap().len(), 1);
    let log = env.ok(&["log"]);
    assert!(
        log.contains("users.remove") && log.contains("users.add"),
        "{log}"
    );
}
