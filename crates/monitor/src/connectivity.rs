//! Is it me or them: the verdict of the control probes.
//!
//! - Online: at least one control works (and no HTTP control is hijacked).
//! - Captive portal: an HTTP control got an answer, but not the expected one (a sign-in
//!   page), and no HTTP control passed.
//! - Local DNS broken: every control given by name fails at the DNS layer while a control
//!   given by address works.
//! - Offline: nothing works.

use downwatch_probe::{Host, Layer, ProbeResult, Status, Target};

use crate::state::Verdict;

/// One control's result, with what the verdict needs to know about its target.
#[derive(Clone, Debug)]
pub struct ControlResult {
    /// The control's name.
    pub name: String,
    /// Whether its target is reached by name (needs DNS).
    pub by_name: bool,
    /// Whether it is an HTTP control.
    pub http: bool,
    /// What the probe saw.
    pub result: ProbeResult,
}

impl ControlResult {
    /// Describes a result of a control on `target`.
    pub fn new(name: &str, target: &Target, result: ProbeResult) -> Self {
        let (by_name, http) = match target {
            Target::Http(url) => (
                url.host_str()
                    .is_some_and(|h| matches!(Host::parse(h), Ok(Host::Name(_)))),
                true,
            ),
            Target::Tcp { host, .. } | Target::Tls { host, .. } => {
                (matches!(host, Host::Name(_)), false)
            }
            Target::Dns { .. } => (true, false),
        };
        ControlResult {
            name: name.to_owned(),
            by_name,
            http,
            result,
        }
    }

    fn works(&self) -> bool {
        self.result.status != Status::Down
    }
}

/// The verdict from the controls' results. No controls at all: online (nothing to judge by).
pub fn verdict(results: &[ControlResult]) -> Verdict {
    if results.is_empty() {
        return Verdict::Online;
    }
    let http_ok = results.iter().any(|r| r.http && r.works());
    let hijacked = results.iter().any(|r| {
        r.http && !r.works() && r.result.layer() == Some(Layer::Http) && r.result.http.is_some()
    });
    if hijacked && !http_ok {
        return Verdict::CaptivePortal;
    }
    if !results.iter().any(ControlResult::works) {
        return Verdict::Offline;
    }
    let named: Vec<&ControlResult> = results.iter().filter(|r| r.by_name).collect();
    let names_dead =
        !named.is_empty() && named.iter().all(|r| r.result.layer() == Some(Layer::Dns));
    let address_ok = results.iter().any(|r| !r.by_name && r.works());
    if names_dead && address_ok {
        return Verdict::LocalDnsBroken;
    }
    Verdict::Online
}
