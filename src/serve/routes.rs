//! Which handler answers a request, and the platform's body for a path
//! it does not have. Endpoint groups get one module each.

use super::http::Response;
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

/// Answers one request.
pub fn handle(shared: &Shared, req: &HttpRequest) -> (Response, Who) {
    // Every request sees the latest store; one that cannot be read is 503.
    if let Err(e) = shared.with_store(|_| Ok(())) {
        let _ = e;
        return (
            Response::text(503, "the store cannot be read\n"),
            Who::default(),
        );
    }
    (not_found(&req.path), Who::default())
}
