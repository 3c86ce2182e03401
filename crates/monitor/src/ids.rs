//! Identifiers shared by incidents, notices and the policy's memory.

use serde::{Deserialize, Serialize};

/// Identifies an incident (stable across restarts; the history window opens at it).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct IncidentId(pub String);

/// A lower-case, dash-separated form of a name for ids ("WhatsApp Web" → "whatsapp-web").
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}
