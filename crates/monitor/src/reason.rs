//! Why a watch is in trouble, as the user should read it, and the one rule that picks the
//! dominant reason among several (the failures of one run for the detector, the watches of
//! one grouped notice for the policy).

use downwatch_probe::{Cause, Failure, Layer};
use downwatch_text::Message;
use serde::{Deserialize, Serialize};

/// One failure as the user should read it: which layer, which cause, the probe's message.
///
/// Serialized (hook payloads, saved state) as `{"layer", "cause", "detail", "message"}`:
/// `detail` is the English rendering scripts read ("SERVFAIL from 127.0.0.53:53"),
/// `message` the message as data (id and arguments) for every language. A saved reason
/// without `message` (written before it existed) reads its `detail` as verbatim text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "Wire", from = "Wire")]
pub struct Reason {
    /// The failing layer.
    pub layer: Layer,
    /// The stable cause.
    pub cause: Cause,
    /// The probe's message as data (`dns-servfail` with its server), rendered in the
    /// reader's language.
    pub detail: Message,
}

/// [`Reason`] as it is written.
#[derive(Serialize, Deserialize)]
struct Wire {
    layer: Layer,
    cause: Cause,
    detail: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    message: Option<Message>,
}

impl From<Reason> for Wire {
    fn from(reason: Reason) -> Wire {
        Wire {
            layer: reason.layer,
            cause: reason.cause,
            detail: reason.detail.english(),
            message: Some(reason.detail),
        }
    }
}

impl From<Wire> for Reason {
    fn from(wire: Wire) -> Reason {
        Reason {
            layer: wire.layer,
            cause: wire.cause,
            detail: wire
                .message
                .unwrap_or_else(|| Message::verbatim(wire.detail)),
        }
    }
}

impl Reason {
    /// The reason a probe's failure gives.
    pub fn of(failure: &Failure) -> Reason {
        Reason {
            layer: failure.cause.layer(),
            cause: failure.cause,
            detail: failure.text.clone(),
        }
    }

    /// The dominant reason among `reasons` (given oldest first): the cause seen most often;
    /// on a tie, the cause of the lowest layer (DNS, then TCP, TLS, HTTP), then the first
    /// declared in the cause table. Its message is the latest one seen for that cause.
    ///
    /// The tie-break looks only at the causes, never at their order, so the same failures
    /// read the same whichever arrived first (watches of a group fail in any order).
    pub fn dominant<'a>(reasons: impl IntoIterator<Item = &'a Reason>) -> Option<Reason> {
        let mut tally: Vec<(&Reason, usize)> = Vec::new();
        for reason in reasons {
            match tally.iter_mut().find(|(r, _)| r.cause == reason.cause) {
                // The latest message for the cause.
                Some(entry) => *entry = (reason, entry.1 + 1),
                None => tally.push((reason, 1)),
            }
        }
        tally
            .into_iter()
            .max_by(|(a, n), (b, m)| {
                n.cmp(m)
                    .then_with(|| b.layer.cmp(&a.layer))
                    .then_with(|| rank(b.cause).cmp(&rank(a.cause)))
            })
            .map(|(r, _)| r.clone())
    }
}

/// A cause's position in the cause table.
fn rank(cause: Cause) -> usize {
    Cause::ALL
        .iter()
        .position(|c| *c == cause)
        .unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(cause: Cause, detail: &str) -> Reason {
        Reason {
            layer: cause.layer(),
            cause,
            detail: detail.into(),
        }
    }

    #[test]
    fn the_most_frequent_cause_wins_with_its_latest_message() {
        let all = [
            r(Cause::TcpRefused, "a"),
            r(Cause::DnsServfail, "b"),
            r(Cause::TcpRefused, "c"),
        ];
        assert_eq!(Reason::dominant(&all), Some(r(Cause::TcpRefused, "c")));
        assert_eq!(Reason::dominant(&[]), None);
    }

    #[test]
    fn a_tie_goes_to_the_lower_layer_whatever_the_order() {
        let a = [r(Cause::HttpStatus, "h"), r(Cause::DnsTimeout, "d")];
        let b = [r(Cause::DnsTimeout, "d"), r(Cause::HttpStatus, "h")];
        assert_eq!(Reason::dominant(&a), Some(r(Cause::DnsTimeout, "d")));
        assert_eq!(Reason::dominant(&b), Some(r(Cause::DnsTimeout, "d")));
        // Same layer: the cause table's order.
        let c = [r(Cause::TcpTimeout, "t"), r(Cause::TcpRefused, "r")];
        assert_eq!(Reason::dominant(&c), Some(r(Cause::TcpRefused, "r")));
    }
}
