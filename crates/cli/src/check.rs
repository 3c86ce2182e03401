//! `downwatch check`: builds a [`Check`] from the arguments, runs it, prints it.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use downwatch_probe::{BodyMatch, Check, Prober, ProberOptions, Resolver, Status, Target};

use crate::EXIT_UNKNOWN;
use crate::args::CheckArgs;
use crate::render;

/// Runs the check and maps the verdict to the exit code.
pub fn run(args: &CheckArgs) -> ExitCode {
    let (check, options) = match build(args) {
        Ok(built) => built,
        Err(message) => {
            eprintln!("downwatch: {message}");
            return ExitCode::from(EXIT_UNKNOWN);
        }
    };
    let prober = match Prober::new(&options) {
        Ok(prober) => prober,
        Err(error) => {
            eprintln!("downwatch: {error}");
            return ExitCode::from(EXIT_UNKNOWN);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("downwatch: cannot start the async runtime: {error}");
            return ExitCode::from(EXIT_UNKNOWN);
        }
    };
    let result = runtime.block_on(prober.check(&check));
    let text = if args.json {
        render::json(&check, &result)
    } else if args.nagios {
        render::nagios(&check, &result)
    } else {
        // In the user's language (LC_ALL, LC_MESSAGES, LANG, then the OS setting), as the
        // notifications; `--json` and `--nagios` stay English for scripts.
        let catalog = downwatch_text::Catalog::new(downwatch_text::Lang::system());
        let text = render::human(&check, &result, render::use_color(), &catalog);
        // A terminal lays out each line itself (bidi per line) and most terminal fonts have
        // no glyph for the isolation marks, which then show as boxes: a terminal gets the
        // text without them, a pipe or a file keeps them.
        if std::io::stdout().is_terminal() {
            text.replace(['\u{2066}', '\u{2068}', '\u{2069}'], "")
        } else {
            text
        }
    };
    // A closed pipe (`downwatch check ... | head -1`) is not an error worth a panic.
    let _ = writeln!(std::io::stdout().lock(), "{text}");
    ExitCode::from(match result.status {
        Status::Up => 0,
        Status::Degraded => 1,
        Status::Down => 2,
    })
}

/// Turns the arguments into a check; every problem is one sentence.
fn build(args: &CheckArgs) -> Result<(Check, ProberOptions), String> {
    let target = Target::parse(&args.target, args.record_type).map_err(|e| e.to_string())?;
    refuse_misplaced(args, &target)?;
    let mut check = Check::new(target);
    check.timeout = args.timeout;
    if let Some(days) = args.cert_warn_days {
        check.cert_warn_days = Some(days);
    }
    let http = &mut check.http;
    http.method = downwatch_probe::parse_method(&args.method).map_err(|e| e.to_string())?;
    for header in &args.header {
        let (name, value) = header
            .split_once(':')
            .ok_or_else(|| format!("header `{header}` must be written `Name: value`"))?;
        let name = downwatch_probe::parse_header_name(name).map_err(|e| e.to_string())?;
        let value = downwatch_probe::parse_header_value(&name, value).map_err(|e| e.to_string())?;
        http.headers.push((name, value));
    }
    if let Some(set) = &args.expect_status {
        http.expect_status = set.clone();
    }
    http.body_match = match (&args.keyword, &args.regex) {
        (Some(keyword), _) => Some(BodyMatch::keyword(keyword)),
        (None, Some(regex)) => Some(BodyMatch::regex(regex).map_err(|e| e.to_string())?),
        (None, None) if args.absent => return Err("--absent needs --keyword or --regex".into()),
        (None, None) => None,
    };
    if let Some(found) = http.body_match.as_mut() {
        found.must_appear = !args.absent;
    }
    http.max_redirects = args.max_redirects;
    http.degraded_after = args.degraded_after;
    if args.body_cap == 0 {
        return Err("--body-cap must be at least 1 byte".into());
    }
    http.body_cap = args.body_cap;
    check.dns.rcode = args.expect_rcode.as_ref().map(|r| r.to_ascii_uppercase());
    check.dns.answer.clone_from(&args.expect_answer);
    let options = ProberOptions {
        resolver: args.resolver.clone().unwrap_or(Resolver::System),
        extra_ca: args.ca.clone(),
        verify_tls: !args.insecure,
    };
    Ok((check, options))
}

/// An option that does not apply to the target is an error, not silently ignored (the
/// configuration file refuses the same).
fn refuse_misplaced(args: &CheckArgs, target: &Target) -> Result<(), String> {
    let http = matches!(target, Target::Http(_));
    let dns = matches!(target, Target::Dns { .. });
    let http_only = [
        ("--keyword", args.keyword.is_some()),
        ("--regex", args.regex.is_some()),
        ("--absent", args.absent),
        ("--expect-status", args.expect_status.is_some()),
        ("--header", !args.header.is_empty()),
        ("--degraded-after", args.degraded_after.is_some()),
        ("--method", !args.method.eq_ignore_ascii_case("GET")),
    ];
    let dns_only = [
        ("--type", args.record_type != downwatch_probe::RecordKind::A),
        ("--expect-rcode", args.expect_rcode.is_some()),
        ("--expect-answer", args.expect_answer.is_some()),
    ];
    if let Some((flag, _)) = http_only.iter().find(|(_, set)| *set && !http) {
        return Err(format!(
            "{flag} applies only to http:// and https:// targets"
        ));
    }
    if let Some((flag, _)) = dns_only.iter().find(|(_, set)| *set && !dns) {
        return Err(format!("{flag} applies only to dns:// targets"));
    }
    if args.keyword.as_deref() == Some("") {
        return Err("--keyword is empty".into());
    }
    Ok(())
}
