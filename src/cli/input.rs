//! What every command reads from its arguments, checked: text flags, URLs,
//! icons and toggles turned into the model's values, the app or project an
//! argument names, and how new secrets are to be shown. Command modules
//! parse through here; nothing here prints.

use super::args::{DetailArgs, SecretOutput, Toggle};
use super::render::SecretFormat;
use crate::error::{Error, Kind, Result};
use crate::model::validate::{self, APP_DESCRIPTION_MIN, ORGANIZATION_NAME_MAX, TEXT_MAX};
use crate::model::{App, AppPatch, Icon, Project};
use crate::store::Store;
use std::ffi::OsStr;
use std::io::Read;
use std::path::Path;

/// Reads a text flag: valid UTF-8, no control characters.
pub fn text(field: &str, v: &OsStr) -> Result<String> {
    validate::text(field, v)
}

/// Reads an optional text flag where an empty value clears the field.
pub fn optional(
    field: &str,
    v: Option<&OsStr>,
    min: usize,
    max: usize,
) -> Result<Option<Option<String>>> {
    v.map(|v| validate::optional_text(field, &text(field, v)?, min, max))
        .transpose()
}

/// The app that an APP argument (an ID or an exact name) names.
pub fn find_app(store: &Store, key: &OsStr) -> Result<App> {
    store.find_app(&text("app name or ID", key)?)
}

/// The project that a PROJECT argument (an ID or an exact name) names.
pub fn find_project(store: &Store, key: &OsStr) -> Result<Project> {
    store.find_project(&text("project name or ID", key)?)
}

fn url(field: &str, v: Option<&OsStr>) -> Result<Option<Option<String>>> {
    v.map(|v| validate::web_url(field, &text(field, v)?))
        .transpose()
}

fn read_icon(path: &Path) -> Result<Option<Icon>> {
    if path.as_os_str().is_empty() {
        return Ok(None);
    }
    let unreadable = |e: std::io::Error| {
        Error::new(
            Kind::Invalid,
            format!("cannot read icon {}: {}", path.display(), e.kind()),
        )
        .with_hint("give the path of a PNG, JPEG or GIF file")
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let mut bytes = Vec::new();
    // Read one byte past the limit so an oversized file is refused without
    // reading all of it.
    file.take(validate::ICON_MAX_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    Icon::from_bytes(bytes).map(Some)
}

fn toggle(t: Option<Toggle>) -> Option<bool> {
    t.map(|t| t == Toggle::On)
}

/// Turns the detail flags of `app create` and `app update` into a patch,
/// checking every value on the way.
pub fn app_patch(d: &DetailArgs) -> Result<AppPatch> {
    Ok(AppPatch {
        description: optional(
            "description",
            d.description.as_deref(),
            APP_DESCRIPTION_MIN,
            TEXT_MAX,
        )?,
        icon: d
            .icon
            .as_deref()
            .map(|p| read_icon(Path::new(p)))
            .transpose()?,
        website_url: url("website URL", d.website_url.as_deref())?,
        add_callback_urls: d
            .callback_urls
            .iter()
            .map(|u| validate::callback_url(&text("callback URL", u)?))
            .collect::<Result<_>>()?,
        terms_url: url("terms of service URL", d.terms_url.as_deref())?,
        privacy_url: url("privacy policy URL", d.privacy_url.as_deref())?,
        organization_name: optional(
            "organization name",
            d.organization_name.as_deref(),
            0,
            ORGANIZATION_NAME_MAX,
        )?,
        organization_url: url("organization URL", d.organization_url.as_deref())?,
        use_case: optional("use case", d.use_case.as_deref(), 0, TEXT_MAX)?,
        three_legged_oauth: toggle(d.three_legged_oauth),
        request_email: toggle(d.request_email),
        permissions: d.permissions,
        ..AppPatch::default()
    })
}

/// How a command that makes secrets shows them: `--json`, `--env` (with
/// `--env-prefix`, which implies it) or lines for a person. Checked before
/// the store is opened, so a bad flag costs no key derivation.
pub fn secret_format(json: bool, s: &SecretOutput) -> Result<SecretFormat<'_>> {
    let env = s.env || s.env_prefix.is_some();
    if json && env {
        return Err(
            Error::new(Kind::Usage, "--env and --json cannot be used together")
                .with_hint("choose one output format"),
        );
    }
    if json {
        return Ok(SecretFormat::Json);
    }
    if !env {
        return Ok(SecretFormat::Lines);
    }
    let prefix = s.env_prefix.as_deref().unwrap_or("");
    let well_formed = prefix
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !prefix.starts_with(|c: char| c.is_ascii_digit());
    if !well_formed {
        return Err(Error::invalid(format!(
            "--env-prefix {prefix:?} cannot start a variable name"
        ))
        .with_hint(
            "use letters, digits and underscores, not starting with a digit, such as DEMO_",
        ));
    }
    Ok(SecretFormat::Env { prefix })
}
