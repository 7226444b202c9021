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

/// The most bytes `keys import` reads.
const IMPORT_INPUT_MAX: u64 = 64 * 1024;

/// The `--env` name of a secret's JSON name: `api_key` → `API_KEY`.
fn env_name(json_name: &str) -> String {
    json_name.to_ascii_uppercase()
}

/// Reads the values `keys import` stores: from `file` or stdin, never from
/// argv. Returns the values of `names` (JSON names such as `api_key`) in
/// that order. Errors name what is wrong, never a value.
pub fn import_values(
    file: Option<&Path>,
    names: &[&str],
    env_prefix: Option<&str>,
) -> Result<Vec<crate::crypto::token::Secret>> {
    use crate::crypto::token::Secret;
    use zeroize::Zeroizing;
    let mut raw = Zeroizing::new(Vec::new());
    let (what, read) = match file {
        Some(f) => (
            f.display().to_string(),
            std::fs::File::open(f).and_then(|h| h.take(IMPORT_INPUT_MAX + 1).read_to_end(&mut raw)),
        ),
        None => ("stdin".to_string(), {
            if super::interactive() {
                super::output::note(
                    "reading the values from the terminal: paste them, then press Ctrl-D",
                );
            }
            std::io::stdin()
                .lock()
                .take(IMPORT_INPUT_MAX + 1)
                .read_to_end(&mut raw)
        }),
    };
    read.map_err(|e| Error::invalid(format!("cannot read {what}: {}", e.kind())))?;
    if raw.len() as u64 > IMPORT_INPUT_MAX {
        return Err(Error::invalid(format!(
            "{what} holds more than {IMPORT_INPUT_MAX} bytes; give only the values to import"
        )));
    }
    let text = std::str::from_utf8(&raw)
        .map_err(|_| Error::invalid(format!("{what} is not UTF-8 text")))?;
    let found: Vec<Option<Secret>> = if text.trim_start().starts_with('{') {
        let doc: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            // Only the position: serde_json's syntax errors quote no input.
            Error::invalid(format!("{what} is not a JSON object: {e}"))
        })?;
        let top = doc.as_object();
        let obj = top
            .and_then(|o| o.get("secrets"))
            .and_then(|s| s.as_object())
            .or(top)
            .ok_or_else(|| Error::invalid(format!("{what} is not a JSON object")))?;
        names
            .iter()
            .map(|n| match obj.get(*n) {
                None => Ok(None),
                Some(serde_json::Value::String(s)) => Ok(Some(Secret::new(s.clone()))),
                Some(_) => Err(Error::invalid(format!("the {n} in {what} is not a string"))),
            })
            .collect::<Result<_>>()?
    } else {
        env_values(text, names, env_prefix, &what)?
    };
    let mut out = Vec::new();
    for (n, v) in names.iter().zip(found) {
        let v = v.ok_or_else(|| {
            Error::invalid(format!("{what} has no {n} (or {})", env_name(n))).with_hint(
                "give a JSON object such as appctl prints with --json, or NAME=value lines as --env prints",
            )
        })?;
        crate::store::check_import_value(&n.replace('_', " "), v.expose())?;
        out.push(v);
    }
    Ok(out)
}

/// The values of `names` in `NAME=value` lines (blank lines, `#` comments
/// and `export ` allowed; a value may be in matching quotes). Each name may
/// carry one prefix; several different prefixes need `--env-prefix`.
fn env_values(
    text: &str,
    names: &[&str],
    env_prefix: Option<&str>,
    what: &str,
) -> Result<Vec<Option<crate::crypto::token::Secret>>> {
    use crate::crypto::token::Secret;
    let mut found: Vec<Vec<(String, Secret)>> = vec![Vec::new(); names.len()];
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
        let Some((name, value)) = line.split_once('=') else {
            return Err(Error::invalid(format!(
                "{what} has a line that is neither NAME=value nor a # comment"
            )));
        };
        let value = value.trim();
        let value = ["\"", "'"]
            .iter()
            .find_map(|q| value.strip_prefix(q).and_then(|v| v.strip_suffix(q)))
            .unwrap_or(value);
        // The longest name first: ACCESS_TOKEN_SECRET before ACCESS_TOKEN.
        let mut by_len: Vec<usize> = (0..names.len()).collect();
        by_len.sort_by_key(|&i| std::cmp::Reverse(names[i].len()));
        for i in by_len {
            if let Some(prefix) = name.trim().strip_suffix(env_name(names[i]).as_str()) {
                if env_prefix.is_none_or(|p| p == prefix) {
                    found[i].push((prefix.to_string(), Secret::new(value.to_string())));
                }
                break;
            }
        }
    }
    let prefixes: std::collections::BTreeSet<&str> =
        found.iter().flatten().map(|(p, _)| p.as_str()).collect();
    if prefixes.len() > 1 || found.iter().any(|f| f.len() > 1) {
        return Err(Error::invalid(format!(
            "{what} holds a value more than once, or the values of more than one credential"
        ))
        .with_hint("choose one credential's lines with --env-prefix PREFIX"));
    }
    Ok(found
        .into_iter()
        .map(|mut f| f.pop().map(|(_, v)| v))
        .collect())
}
