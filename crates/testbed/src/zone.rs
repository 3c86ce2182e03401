//! The authoritative data a [`crate::DnsServer`] answers from.

use std::collections::HashMap;
use std::net::{Ipv4Addr, Ipv6Addr};

/// How the DNS server misbehaves for one name, instead of (or on top of) answering normally.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Behaviour {
    /// Rcode SERVFAIL, no answers.
    ServFail,
    /// Rcode REFUSED, no answers.
    Refused,
    /// Never answers, over UDP or TCP.
    NoReply,
    /// Answers with 20 bytes that are not a DNS message (the first two are the query's id).
    Garbage,
    /// Answers with a well-formed message whose id differs from the query's.
    WrongId,
    /// Over UDP: the TC bit and no answers. Over TCP: the name's real records.
    Truncated,
    /// Never answers AAAA queries; answers the others normally (home routers that do not
    /// know IPv6 behave so).
    NoAaaaReply,
    /// Never answers A queries; answers the others normally.
    NoAReply,
    /// Over UDP: a datagram of about 9000 bytes without the TC bit, whatever the client's EDNS
    /// size. Over TCP: a message of about 60 KiB. Both padded with TXT records.
    Oversized,
}

/// One record's data; the owner name is the key it is stored under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Rec {
    A(Ipv4Addr),
    Aaaa(Ipv6Addr),
    Cname(String),
    Mx(u16, String),
    Txt(String),
    Ns(String),
}

/// Everything the zone holds for one name.
#[derive(Clone, Debug, Default)]
pub(crate) struct Node {
    pub(crate) records: Vec<Rec>,
    pub(crate) behaviour: Option<Behaviour>,
}

/// Authoritative data for the test zone, built with chained calls.
///
/// Names are case-insensitive and may be written with or without the trailing dot.
#[derive(Clone, Debug, Default)]
pub struct Zone {
    nodes: HashMap<String, Node>,
}

/// The form names are stored and looked up in: lower case, no trailing dot.
pub(crate) fn key(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

impl Zone {
    /// An empty zone: every name is NXDOMAIN.
    pub fn new() -> Zone {
        Zone::default()
    }

    /// The zone every test bed serves; `v4` (and `v6`, if any) is where the bed's servers listen.
    ///
    /// `ok.test`, `h1.test`, `h2.test`, `www.ok.test`: A `v4` (+ AAAA `v6`); `v4only.test`: A;
    /// `v6only.test`: AAAA (if `v6`); `alias.test`: CNAME `ok.test`; `mail.test`: MX 10
    /// `mx.ok.test`; `txt.test`: TXT `v=downwatch1`; `ns.test`: NS `ns1.ok.test`;
    /// `nodata.test`: TXT only; `xn--bcher-kva.test` (`bücher.test`): A `v4` (+ AAAA `v6`).
    /// Names of one silent family: `shop.test`: A `v4`, AAAA queries never answered;
    /// `shop6.test`: AAAA `v6` (if any), A queries never answered. Misbehaving names: `servfail.test`, `refused.test`,
    /// `noreply.test`, `garbage.test`, `wrongid.test`, `big.test` (truncated over UDP; A, AAAA and
    /// 40 TXT records of 80 bytes over TCP) and `oversized.test` (A `v4` padded to oversize).
    pub fn standard(v4: Ipv4Addr, v6: Option<Ipv6Addr>) -> Zone {
        let mut zone = Zone::new();
        let names = [
            "ok.test",
            "h1.test",
            "h2.test",
            "www.ok.test",
            "big.test",
            "xn--bcher-kva.test",
        ];
        for name in names {
            zone = zone.a(name, v4);
            if let Some(v6) = v6 {
                zone = zone.aaaa(name, v6);
            }
        }
        zone = zone.a("v4only.test", v4);
        if let Some(v6) = v6 {
            zone = zone.aaaa("v6only.test", v6);
        }
        for i in 0..40 {
            zone = zone.txt("big.test", &format!("filler-{i:02}-{}", "x".repeat(70)));
        }
        zone = zone
            .a("shop.test", v4)
            .behaviour("shop.test", Behaviour::NoAaaaReply);
        if let Some(v6) = v6 {
            zone = zone.aaaa("shop6.test", v6);
        }
        zone = zone.behaviour("shop6.test", Behaviour::NoAReply);
        zone.a("oversized.test", v4)
            .cname("alias.test", "ok.test")
            .mx("mail.test", 10, "mx.ok.test")
            .txt("txt.test", "v=downwatch1")
            .ns("ns.test", "ns1.ok.test")
            .txt("nodata.test", "this name has no address")
            .behaviour("servfail.test", Behaviour::ServFail)
            .behaviour("refused.test", Behaviour::Refused)
            .behaviour("noreply.test", Behaviour::NoReply)
            .behaviour("garbage.test", Behaviour::Garbage)
            .behaviour("wrongid.test", Behaviour::WrongId)
            .behaviour("big.test", Behaviour::Truncated)
            .behaviour("oversized.test", Behaviour::Oversized)
    }

    fn add(mut self, name: &str, rec: Rec) -> Self {
        self.nodes.entry(key(name)).or_default().records.push(rec);
        self
    }

    /// Adds an A record.
    pub fn a(self, name: &str, ip: Ipv4Addr) -> Self {
        self.add(name, Rec::A(ip))
    }

    /// Adds an AAAA record.
    pub fn aaaa(self, name: &str, ip: Ipv6Addr) -> Self {
        self.add(name, Rec::Aaaa(ip))
    }

    /// Adds a CNAME record pointing `name` at `target`.
    pub fn cname(self, name: &str, target: &str) -> Self {
        self.add(name, Rec::Cname(target.to_owned()))
    }

    /// Adds an MX record.
    pub fn mx(self, name: &str, pref: u16, exchange: &str) -> Self {
        self.add(name, Rec::Mx(pref, exchange.to_owned()))
    }

    /// Adds a TXT record (text longer than 255 bytes is split into several strings).
    pub fn txt(self, name: &str, text: &str) -> Self {
        self.add(name, Rec::Txt(text.to_owned()))
    }

    /// Adds an NS record.
    pub fn ns(self, name: &str, host: &str) -> Self {
        self.add(name, Rec::Ns(host.to_owned()))
    }

    /// Makes the server misbehave for `name` (the last behaviour set wins).
    pub fn behaviour(mut self, name: &str, b: Behaviour) -> Self {
        self.nodes.entry(key(name)).or_default().behaviour = Some(b);
        self
    }

    /// What the zone holds for `name`, if anything.
    pub(crate) fn node(&self, name: &str) -> Option<&Node> {
        self.nodes.get(&key(name))
    }
}
