//! Which handler answers a request, and the platform's body for a path
//! it does not have. Endpoint groups get one module each.

use super::app_only;
use super::errors;
use super::http::Response;
use super::identity::{self, Endpoint};
use super::oauth1;
use super::pages;
use super::state::Shared;
use crate::oauth::HttpRequest;

/// Whom a request acted for, for the access log.
#[derive(Debug, Default, Clone, Copy)]
pub struct Who {
    /// The app whose credentials it presented.
    pub app: Option<i64>,
    /// The user an access token acts for.
    pub user: Option<u64>,
}

/// The platform's 404 (v1.1 code 34; `/2/` the problem JSON).
pub fn not_found(path: &str) -> Response {
    if path.starts_with("/2/") {
        return Response::new(
            404,
            "application/problem+json",
            serde_json::json!({
                "title": "Not Found Error",
                "type": "https://api.twitter.com/2/problems/resource-not-found",
                "status": 404,
                "detail": "The requested resource does not exist.",
            })
            .to_string(),
        );
    }
    Response::json(
        404,
        &serde_json::json!({"errors": [{"code": 34, "message": "Sorry, that page does not exist."}]}),
    )
}

/// Answers one request. A store that cannot be read gets 503.
pub fn handle(shared: &Shared, req: &HttpRequest) -> (Response, Who) {
    let now = crate::store::now();
    let m = req.method.as_str();
    let post = m == "POST";
    let get = m == "GET" || m == "HEAD";
    let answered = match req.path.as_str() {
        "/oauth2/token" if post => app_only::token(shared, req, now),
        "/oauth2/invalidate_token" if post => app_only::invalidate(shared, req, now),
        "/1.1/account/verify_credentials.json" if get => {
            identity::get(shared, req, Endpoint::VerifyCredentials, now)
        }
        "/2/users/me" if get => identity::get(shared, req, Endpoint::UsersMe, now),
        "/oauth/request_token" if post || get => oauth1::request_token(shared, req, now),
        "/oauth/authorize" | "/oauth/authenticate" if get => {
            oauth1::authorize_page(shared, req, now)
        }
        "/oauth/authorize" | "/oauth/authenticate" if post => {
            oauth1::authorize_submit(shared, req, now)
        }
        "/oauth/access_token" if post || get => oauth1::access_token(shared, req, now),
        "/1.1/oauth/invalidate_token" | "/1.1/oauth/invalidate_token.json" if post => {
            oauth1::invalidate(shared, req, now)
        }
        path if get && path == pages::stylesheet_path() => {
            Ok((pages::stylesheet(), Who::default()))
        }
        "/oauth2/token"
        | "/oauth2/invalidate_token"
        | "/1.1/account/verify_credentials.json"
        | "/2/users/me"
        | "/oauth/request_token"
        | "/oauth/authorize"
        | "/oauth/authenticate"
        | "/oauth/access_token"
        | "/1.1/oauth/invalidate_token"
        | "/1.1/oauth/invalidate_token.json" => {
            Ok((Response::text(405, "method not allowed\n"), Who::default()))
        }
        path => {
            // Even a 404 sees the latest store, so that a rotation stops
            // the server at its next request of any kind.
            shared
                .with_store(|_| Ok(()))
                .map(|()| (not_found(path), Who::default()))
        }
    };
    answered.unwrap_or_else(|_| (errors::unavailable(), Who::default()))
}
