//! Apps, their editable details, and the rules that tie details together
//! (the 3-legged OAuth and request-email toggles).

use super::{Permissions, Status, validate};
use crate::error::{Error, Result};

/// An app: belongs to a project or is standalone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct App {
    /// Assigned numeric ID, never reused.
    pub id: i64,
    /// The owning project; `None` when standalone.
    pub project_id: Option<i64>,
    /// Unique among all apps, 1–32 characters.
    pub name: String,
    /// Everything the owner can edit besides the name.
    pub details: AppDetails,
    /// Active or suspended.
    pub status: Status,
    /// Why the app was suspended.
    pub suspended_reason: Option<String>,
    /// When the app was suspended (Unix seconds).
    pub suspended_at: Option<i64>,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
}

/// What a listing shows of an app: read without its details, so that long
/// lists stay cheap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppSummary {
    /// Assigned numeric ID.
    pub id: i64,
    /// The owning project; `None` when standalone.
    pub project_id: Option<i64>,
    /// The app's name.
    pub name: String,
    /// Active or suspended.
    pub status: Status,
    /// Permission level.
    pub permissions: Permissions,
}

/// The editable details of an app.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AppDetails {
    /// 10–200 characters when set.
    pub description: Option<String>,
    /// PNG, JPEG or GIF, at most 700 KiB.
    pub icon: Option<Icon>,
    /// Absolute http(s) URL.
    pub website_url: Option<String>,
    /// 0–10 callback URLs, matched exactly as written.
    pub callback_urls: Vec<String>,
    /// Terms of service URL.
    pub terms_url: Option<String>,
    /// Privacy policy URL.
    pub privacy_url: Option<String>,
    /// Organization name.
    pub organization_name: Option<String>,
    /// Organization URL.
    pub organization_url: Option<String>,
    /// Free text, at most 200 characters.
    pub use_case: Option<String>,
    /// "Sign in with …": needs at least one callback URL.
    pub three_legged_oauth: bool,
    /// Permission level of access tokens.
    pub permissions: Permissions,
    /// Request the user's email address: needs terms and privacy URLs.
    pub request_email: bool,
}

#[allow(
    clippy::derivable_impls,
    reason = "the enum is declared by string_enum!, which derives no Default"
)]
impl Default for Permissions {
    fn default() -> Self {
        Permissions::Read
    }
}

/// An app icon.
#[derive(Clone, PartialEq, Eq)]
pub struct Icon {
    /// The image format, from the magic number.
    pub format: IconFormat,
    /// The image bytes.
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for Icon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Icon({}, {} bytes)",
            self.format.as_str(),
            self.bytes.len()
        )
    }
}

impl Icon {
    /// Checks `bytes` and makes an icon of them.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Icon> {
        let format = validate::icon_format(&bytes)?;
        Ok(Icon { format, bytes })
    }
}

super::string_enum! {
    /// Accepted icon formats.
    IconFormat {
        /// PNG.
        Png = "png",
        /// JPEG.
        Jpeg = "jpeg",
        /// GIF.
        Gif = "gif",
    }
}

/// A change to an app's name and details. `None` leaves a field as it is;
/// `Some(None)` clears an optional field.
#[derive(Debug, Clone, Default)]
pub struct AppPatch {
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<Option<String>>,
    /// New icon.
    pub icon: Option<Option<Icon>>,
    /// New website URL.
    pub website_url: Option<Option<String>>,
    /// Remove every callback URL before adding.
    pub clear_callback_urls: bool,
    /// Callback URLs to remove.
    pub remove_callback_urls: Vec<String>,
    /// Callback URLs to add, in order.
    pub add_callback_urls: Vec<String>,
    /// New terms of service URL.
    pub terms_url: Option<Option<String>>,
    /// New privacy policy URL.
    pub privacy_url: Option<Option<String>>,
    /// New organization name.
    pub organization_name: Option<Option<String>>,
    /// New organization URL.
    pub organization_url: Option<Option<String>>,
    /// New use case.
    pub use_case: Option<Option<String>>,
    /// Turn 3-legged OAuth on or off.
    pub three_legged_oauth: Option<bool>,
    /// Turn request email on or off.
    pub request_email: Option<bool>,
    /// New permission level.
    pub permissions: Option<Permissions>,
}

impl AppPatch {
    /// True when the patch changes nothing.
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.description.is_none()
            && self.icon.is_none()
            && self.website_url.is_none()
            && !self.clear_callback_urls
            && self.remove_callback_urls.is_empty()
            && self.add_callback_urls.is_empty()
            && self.terms_url.is_none()
            && self.privacy_url.is_none()
            && self.organization_name.is_none()
            && self.organization_url.is_none()
            && self.use_case.is_none()
            && self.three_legged_oauth.is_none()
            && self.request_email.is_none()
            && self.permissions.is_none()
    }

    /// Applies the patch to `app` and checks the rules that tie details
    /// together. Returns the names of the fields that changed. On error `app`
    /// may be partly changed and must be discarded.
    pub fn apply(&self, app: &mut App) -> Result<Vec<&'static str>> {
        let before = app.details.clone();
        let d = &mut app.details;
        let mut changed = Vec::new();
        if let Some(name) = &self.name
            && *name != app.name
        {
            app.name = name.clone();
            changed.push("name");
        }
        fn set<T: PartialEq + Clone>(
            field: &mut T,
            new: &Option<T>,
            label: &'static str,
            changed: &mut Vec<&'static str>,
        ) {
            if let Some(v) = new
                && field != v
            {
                *field = v.clone();
                changed.push(label);
            }
        }
        set(
            &mut d.description,
            &self.description,
            "description",
            &mut changed,
        );
        set(&mut d.icon, &self.icon, "icon", &mut changed);
        set(
            &mut d.website_url,
            &self.website_url,
            "website_url",
            &mut changed,
        );
        set(&mut d.terms_url, &self.terms_url, "terms_url", &mut changed);
        set(
            &mut d.privacy_url,
            &self.privacy_url,
            "privacy_url",
            &mut changed,
        );
        set(
            &mut d.organization_name,
            &self.organization_name,
            "organization_name",
            &mut changed,
        );
        set(
            &mut d.organization_url,
            &self.organization_url,
            "organization_url",
            &mut changed,
        );
        set(&mut d.use_case, &self.use_case, "use_case", &mut changed);
        set(
            &mut d.three_legged_oauth,
            &self.three_legged_oauth,
            "three_legged_oauth",
            &mut changed,
        );
        set(
            &mut d.request_email,
            &self.request_email,
            "request_email",
            &mut changed,
        );
        set(
            &mut d.permissions,
            &self.permissions,
            "permissions",
            &mut changed,
        );

        let mut urls = if self.clear_callback_urls {
            Vec::new()
        } else {
            d.callback_urls.clone()
        };
        for r in &self.remove_callback_urls {
            match urls.iter().position(|u| u == r) {
                Some(i) => {
                    urls.remove(i);
                }
                None if self.clear_callback_urls => {}
                None => {
                    return Err(Error::not_found(format!(
                        "callback URL {r:?} is not set on app {:?}",
                        app.name
                    ))
                    .with_hint("see the app's callback URLs with `appctl app show`"));
                }
            }
        }
        urls.extend(self.add_callback_urls.iter().cloned());
        validate::callback_urls(&urls)?;
        if urls != d.callback_urls {
            d.callback_urls = urls;
            changed.push("callback_urls");
        }
        check_rules(&before, d)?;
        Ok(changed)
    }
}

/// The rules between fields: 3-legged OAuth needs a callback URL; request
/// email needs the terms and privacy URLs. `before` is used to say which
/// change broke a rule. Breaking either is a precondition failure (exit 4).
pub fn check_rules(before: &AppDetails, after: &AppDetails) -> Result<()> {
    if after.three_legged_oauth && after.callback_urls.is_empty() {
        return Err(if before.three_legged_oauth {
            Error::conflict("cannot remove the last callback URL while 3-legged OAuth is on")
                .with_hint("turn it off in the same command with --three-legged-oauth off")
        } else {
            Error::conflict("3-legged OAuth needs at least one callback URL")
                .with_hint("add one in the same command with --callback-url URL")
        });
    }
    if after.request_email {
        let missing: Vec<&str> = [
            ("terms of service URL", &after.terms_url),
            ("privacy policy URL", &after.privacy_url),
        ]
        .into_iter()
        .filter(|(_, v)| v.is_none())
        .map(|(n, _)| n)
        .collect();
        if !missing.is_empty() {
            let what = missing.join(" and the ");
            return Err(if before.request_email {
                Error::conflict(format!("cannot clear the {what} while request email is on"))
                    .with_hint("turn it off in the same command with --request-email off")
            } else {
                Error::conflict(format!("request email needs the {what} to be set"))
                    .with_hint("set them in the same command with --terms-url and --privacy-url")
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app() -> App {
        App {
            id: 1,
            project_id: None,
            name: "a".into(),
            details: AppDetails::default(),
            status: Status::Active,
            suspended_reason: None,
            suspended_at: None,
            created_at: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn three_legged_oauth_needs_a_callback() {
        let mut a = app();
        let on = AppPatch {
            three_legged_oauth: Some(true),
            ..Default::default()
        };
        assert_eq!(on.apply(&mut a.clone()).unwrap_err().exit_code(), 4);
        let with_url = AppPatch {
            add_callback_urls: vec!["https://e.com/cb".into()],
            ..on
        };
        assert_eq!(
            with_url.apply(&mut a).unwrap(),
            ["three_legged_oauth", "callback_urls"]
        );
        let clear = AppPatch {
            clear_callback_urls: true,
            ..Default::default()
        };
        let e = clear.apply(&mut a.clone()).unwrap_err();
        assert!(e.message().contains("last callback URL"), "{e}");
        let clear_and_off = AppPatch {
            three_legged_oauth: Some(false),
            ..clear
        };
        clear_and_off.apply(&mut a).unwrap();
        assert!(a.details.callback_urls.is_empty());
    }

    #[test]
    fn request_email_needs_terms_and_privacy() {
        let mut a = app();
        let on = AppPatch {
            request_email: Some(true),
            ..Default::default()
        };
        let e = on.apply(&mut a.clone()).unwrap_err();
        assert_eq!(e.exit_code(), 4);
        assert!(
            e.message()
                .contains("terms of service URL and the privacy policy URL"),
            "{e}"
        );
        let full = AppPatch {
            terms_url: Some(Some("https://e.com/tos".into())),
            privacy_url: Some(Some("https://e.com/privacy".into())),
            ..on
        };
        full.apply(&mut a).unwrap();
        let clear = AppPatch {
            privacy_url: Some(None),
            ..Default::default()
        };
        let e = clear.apply(&mut a.clone()).unwrap_err();
        assert!(
            e.message().contains("cannot clear the privacy policy URL"),
            "{e}"
        );
    }

    #[test]
    fn callback_urls_add_remove_and_clear() {
        let mut a = app();
        let add = AppPatch {
            add_callback_urls: vec!["https://e.com/1".into(), "https://e.com/2".into()],
            ..Default::default()
        };
        add.apply(&mut a).unwrap();
        let rm = AppPatch {
            remove_callback_urls: vec!["https://e.com/1".into()],
            ..Default::default()
        };
        rm.apply(&mut a).unwrap();
        assert_eq!(a.details.callback_urls, ["https://e.com/2"]);
        assert_eq!(rm.apply(&mut a.clone()).unwrap_err().exit_code(), 3);
        let dup = AppPatch {
            add_callback_urls: vec!["https://e.com/2".into()],
            ..Default::default()
        };
        assert_eq!(dup.apply(&mut a.clone()).unwrap_err().exit_code(), 9);
        let replace = AppPatch {
            clear_callback_urls: true,
            add_callback_urls: vec!["myapp://cb".into()],
            ..Default::default()
        };
        replace.apply(&mut a).unwrap();
        assert_eq!(a.details.callback_urls, ["myapp://cb"]);
    }

    #[test]
    fn unchanged_values_are_not_reported() {
        let mut a = app();
        let same = AppPatch {
            permissions: Some(Permissions::Read),
            ..Default::default()
        };
        assert!(same.apply(&mut a).unwrap().is_empty());
        assert!(AppPatch::default().is_empty());
    }
}
