//! Fills a store with N apps in one save, for benchmarks that need large
//! stores. Usage: `bulk STORE N` with the passphrase in APPCTL_PASSPHRASE.
//! Each app gets a description, a website, two callback URLs and its
//! consumer pair and bearer token, as `appctl app create` would make them.

use appctl::model::AppPatch;
use appctl::store::{Access, Store, Unlock};
use std::time::Duration;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, path, n] = &args[..] else {
        return Err("usage: bulk STORE N".into());
    };
    let n: usize = n.parse()?;
    let pw = std::env::var("APPCTL_PASSPHRASE")?;
    let mut store = Store::open(
        path.as_ref(),
        Unlock::Passphrase(pw.as_bytes()),
        Access::Write {
            lock_timeout: Duration::from_secs(30),
        },
    )?;
    let start = store.apps(appctl::store::AppFilter::All)?.len();
    for i in start..start + n {
        let patch = AppPatch {
            description: Some(Some(format!("Benchmark app number {i}"))),
            website_url: Some(Some(format!("https://app{i}.example.com"))),
            add_callback_urls: vec![
                format!("https://app{i}.example.com/callback"),
                format!("app{i}://oauth"),
            ],
            ..AppPatch::default()
        };
        store.create_app(&format!("bulk-{i}"), None, &patch)?;
    }
    store.save()?;
    Ok(())
}
