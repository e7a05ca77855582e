//! Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device
//! Cookies"): a browser that signed in to an account with the right
//! password gets a cookie naming a random device, signed for that account.
//! When it signs in to the account again, the throttle counts its failures
//! on their own and never refuses it for what strangers did
//! ([`crate::throttle`]).
//!
//! The cookie is `{device}.{mac}`: 16 random bytes and the HMAC-SHA-256 of
//! the device and the normalized username, both in hex. It names no
//! account, grants no session, and is worth nothing for any other account;
//! a stolen one gives its thief only that device's own failure budget.

use hmac::{Hmac, KeyInit, Mac};
use inzant_reset_core::secret::OsRandom;
use secrecy::{ExposeSecret, SecretBox};
use sha2::Sha256;

use crate::DemoError;
use crate::throttle::{Account, DeviceId};

/// How long a browser keeps its device cookie (400 days is the most
/// browsers keep any cookie).
pub const DEVICE_COOKIE_LIFETIME: std::time::Duration = std::time::Duration::from_secs(365 * 24 * 3600);

/// What the MAC is computed over first, so the key signs nothing else.
const LABEL: &[u8] = b"inzant-demo device cookie v1\0";

/// Signs and checks device cookies.
#[derive(Clone)]
pub struct DeviceCookies {
    mac: Hmac<Sha256>,
}

impl std::fmt::Debug for DeviceCookies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceCookies").finish_non_exhaustive()
    }
}

impl DeviceCookies {
    /// Keyed from `secret` (`INZANT_RESET_SECRET`), so cookies outlive a
    /// restart, or from 32 random bytes when there is none.
    ///
    /// # Errors
    /// [`DemoError::Startup`] when the operating system's random source fails.
    pub fn new(secret: Option<&SecretBox<[u8]>>) -> Result<Self, DemoError> {
        let key: Vec<u8> = match secret {
            Some(secret) => {
                let mut derive = keyed(secret.expose_secret())?;
                derive.update(b"inzant-demo device cookie key");
                derive.finalize().into_bytes().to_vec()
            }
            None => {
                let mut key = vec![0u8; 32];
                OsRandom.fill(&mut key).map_err(|error| {
                    DemoError::Startup(format!("no random key for device cookies: {error}"))
                })?;
                key
            }
        };
        Ok(Self { mac: keyed(&key)? })
    }

    /// A cookie value for `device` (a new random one when `None`) signed
    /// for `account`; `None` if the random source failed.
    pub fn issue(&self, account: &Account, device: Option<DeviceId>) -> Option<String> {
        let device = match device {
            Some(device) => device,
            None => {
                let mut id = [0u8; 16];
                OsRandom.fill(&mut id).ok()?;
                DeviceId(id)
            }
        };
        let mac = self.sign(account, device).finalize().into_bytes();
        Some(format!("{}.{}", hex(&device.0), hex(&mac)))
    }

    /// The device `value` names, if it was signed for `account`.
    pub fn verify(&self, value: &str, account: &Account) -> Option<DeviceId> {
        let (device, mac) = value.split_once('.')?;
        let device = DeviceId(unhex(device)?);
        let mac: [u8; 32] = unhex(mac)?;
        self.sign(account, device).verify_slice(&mac).ok()?;
        Some(device)
    }

    fn sign(&self, account: &Account, device: DeviceId) -> Hmac<Sha256> {
        let mut mac = self.mac.clone();
        mac.update(LABEL);
        mac.update(&device.0);
        mac.update(account.as_str().as_bytes());
        mac
    }
}

fn keyed(key: &[u8]) -> Result<Hmac<Sha256>, DemoError> {
    Hmac::<Sha256>::new_from_slice(key)
        .map_err(|error| DemoError::Startup(format!("device cookies cannot be keyed: {error}")))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Exactly `N` bytes from `2 × N` lower-case hex digits.
fn unhex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let digits = text.as_bytes();
    if digits.len() != 2 * N {
        return None;
    }
    let digit = |d: u8| match d {
        b'0'..=b'9' => Some(d - b'0'),
        b'a'..=b'f' => Some(d - b'a' + 10),
        _ => None,
    };
    let mut bytes = [0u8; N];
    for (byte, pair) in bytes.iter_mut().zip(digits.chunks_exact(2)) {
        *byte = (digit(pair[0])? << 4) | digit(pair[1])?;
    }
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cookie_is_good_for_its_account_only() {
        let cookies = DeviceCookies::new(None).unwrap();
        let sam = Account::new("Sam@X.example");
        let value = cookies.issue(&sam, None).unwrap();
        let device = cookies.verify(&value, &Account::new(" sam@x.example")).unwrap();
        assert_eq!(cookies.verify(&value, &Account::new("dana@x.example")), None);
        assert_eq!(
            cookies.issue(&sam, Some(device)).as_deref(),
            Some(value.as_str()),
            "the same device keeps its id"
        );
        assert_ne!(cookies.issue(&sam, None).unwrap(), value, "a new browser gets a new device");
        let other_key = DeviceCookies::new(None).unwrap();
        assert_eq!(other_key.verify(&value, &sam), None);
    }

    #[test]
    fn forged_and_malformed_cookies_are_refused() {
        let cookies = DeviceCookies::new(None).unwrap();
        let sam = Account::new("sam@x.example");
        let value = cookies.issue(&sam, None).unwrap();
        let (device, mac) = value.split_once('.').unwrap();
        let flipped = format!("{}{}", if device.starts_with('0') { "1" } else { "0" }, &device[1..]);
        for forged in [
            format!("{flipped}.{mac}"),
            format!("{device}.{}", "0".repeat(64)),
            format!("{device}.{}", &mac[..63]),
            format!("{device}.{}", mac.to_uppercase()),
            device.to_owned(),
            String::new(),
            "..".to_owned(),
            format!("{device}.{mac}.x"),
        ] {
            assert_eq!(cookies.verify(&forged, &sam), None, "{forged:?}");
        }
    }

    #[test]
    fn a_secret_keeps_cookies_across_restarts() {
        let secret = SecretBox::new(Box::from(&b"k".repeat(32)[..]));
        let sam = Account::new("sam@x.example");
        let value = DeviceCookies::new(Some(&secret)).unwrap().issue(&sam, None).unwrap();
        assert!(DeviceCookies::new(Some(&secret)).unwrap().verify(&value, &sam).is_some());
    }
}
