//! `appctl serve`: unlocks the store once and runs the server
//! (`crate::serve`), printing its base URL as the first line on stdout.

use super::Ctx;
use super::args::ServeArgs;
use super::output;
use crate::error::Result;
use crate::serve::{self, Config};

pub(super) fn run(ctx: &Ctx, a: &ServeArgs) -> Result<()> {
    let cfg = Config {
        listen: a.listen,
        allow_remote: a.allow_remote,
        approve_as: a.approve_as.clone(),
        alias_origins: a
            .alias_origin
            .iter()
            .map(|o| serve::origins::alias_origin(o))
            .collect::<Result<_>>()?,
    };
    // Refused, as a bad --alias-origin is, before the passphrase is asked for.
    serve::check_listen(&cfg)?;
    let store = ctx.open_read()?;
    if let Some(u) = &a.approve_as {
        store.find_user(u)?;
    }
    serve::run(store, &cfg, |url| output::stdout(&format!("{url}\n")))
}
