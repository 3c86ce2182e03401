# Downwatch: English messages (the reference catalog: every other language has the same ids).
# Variables are wrapped in Unicode isolation marks by Fluent; the catalog strips them from
# English text that holds no right-to-left character (see src/messages/mod.rs).

app-name = Downwatch
action-details = Details

## Lists of names: "A", "A and B", "A, B and C".

list-pair = { $first } and { $second }
list-more = { $first }, { $rest }
watch-unnamed = (unnamed)

## Durations: "45 s", "12 min", "2 h 5 min", "3 days".

duration-seconds = { $seconds } s
duration-minutes = { $minutes } min
duration-hours = { $hours } h
duration-hours-minutes = { duration-hours } { duration-minutes }
duration-days = { $days ->
    [one] 1 day
   *[other] { $days } days
}
duration-days-hours = { duration-days } { duration-hours }

## Layers, short (in notification bodies) and long (in the history window).

layer-dns = DNS
layer-tcp = TCP
layer-tls = TLS
layer-http = HTTP
layer-setup = Setup
layer-dns-long = Name lookup (DNS)
layer-tcp-long = Connection (TCP)
layer-tls-long = Secure connection (TLS)
layer-http-long = Web request (HTTP)
layer-setup-long = Setting up the check

## Watch states (tray menu, history window).

state-unknown = Checking…
state-up = Up
state-degraded = Degraded
state-down = Down
state-unstable = Unstable
state-paused = Paused

## Causes: one phrase per stable cause code of the probe.

cause-dns_nxdomain = The name does not exist (NXDOMAIN)
cause-dns_servfail = The name server failed (SERVFAIL)
cause-dns_refused = The name server refused to answer (REFUSED)
cause-dns_no_records = The name has no record of the asked type
cause-dns_timeout = The name server did not answer in time
cause-dns_protocol = The name server sent an invalid answer
cause-dns_unexpected_rcode = The name server gave an unexpected answer code
cause-dns_answer_mismatch = The name resolves to an unexpected answer
cause-tcp_refused = The server refused the connection
cause-tcp_unreachable = The server cannot be reached (no route)
cause-tcp_timeout = The connection timed out
cause-tcp_error = The connection failed
cause-tls_expired = The certificate has expired
cause-tls_not_yet_valid = The certificate is not valid yet
cause-tls_hostname_mismatch = The certificate is for another name
cause-tls_untrusted = The certificate is not from a trusted authority
cause-tls_handshake = The secure connection (TLS) could not be set up
cause-tls_timeout = The secure connection (TLS) timed out
cause-tls_expiring = The certificate expires soon
cause-http_status = The server answered with an unexpected status
cause-http_keyword = The page does not show the expected content
cause-http_timeout = The server did not respond in time
cause-http_protocol = The server broke off the response
cause-http_content_encoding = The page is compressed in a way that cannot be read
cause-http_too_many_redirects = Too many redirects
cause-too_slow = Responses are slower than the limit
cause-setup_failed = The check could not be set up

## Notices. $list is a joined list of watch names, $count its length, $group the provider.

reason-body =
    { $cause }
    { $layer }: { $detail }

down-title = { $count ->
    [one] { $list } is down
   *[other] { $list } are down
}
down-title-group = { $group }: { down-title }

recovered-title = { $count ->
    [one] { $list } is back up
   *[other] { $list } are back up
}
recovered-title-group = { $group }: { recovered-title }
recovered-body = Down for { $duration }

slow-title = { $count ->
    [one] { $list } is slow
   *[other] { $list } are slow
}
slow-title-group = { $group }: { slow-title }

degraded-title = { $count ->
    [one] { $list } is degraded
   *[other] { $list } are degraded
}
degraded-title-group = { $group }: { degraded-title }

unstable-title = { $name } is unstable
unstable-body = { $checks ->
    [one] The last check failed
   *[other] { $failures } of the last { $checks } checks failed
}
steady-title = { $name } is stable again
steady-body = Unstable for { $duration }

cert-title = { $days ->
    [0] The certificate of { $name } expires today
    [one] The certificate of { $name } expires tomorrow
   *[other] The certificate of { $name } expires in { $days } days
}
cert-body = Once it expires, browsers and apps refuse to connect to { $name } securely.
cert-expired-title = The certificate of { $name } has expired
cert-expired-body = Browsers and apps refuse secure connections to { $name } until it is renewed.

offline-title = You are offline
offline-body = Your own connection is down. Service alarms are held until it is back.
portal-title = This network wants you to sign in
portal-body = A sign-in page (captive portal) answers instead of the internet. Open a browser to sign in.
local-dns-title = Your DNS is not working
local-dns-body = Names do not resolve through your DNS server, but the internet answers. Check your router or DNS settings.

online-title = Back online
online-body = Your connection is back after { $duration } offline.
online-body-now = Your connection works again.

summary-title = { $held ->
    [one] 1 change held back
   *[other] { $held } changes held back
}
summary-down = Down now: { $down }.
summary-up = Back up: { $up }.
summary-body-both = { summary-down } { summary-up }
summary-body-none = Nothing is down now.

history-moved-title = The history could not be read
history-moved-body = It was kept as { $path } and a new history was started. Monitoring goes on.

## Texts shown as they are (an operating system's error, say), in every language.

verbatim = { $text }

## Sizes.

size-bytes = { $n } bytes
size-kib = { $n } KiB
size-mib = { $n } MiB

## What a probe saw, one message per case (crates/probe, MessageId). Addresses, codes and
## sizes arrive as left-to-right runs; $sizes-style pairs are "84 bytes" or
## "1.0 KiB on the wire, 2.1 KiB decoded" ($coded is yes or no).

setup-failed = cannot set up the probe: { $detail }

dns-nxdomain = NXDOMAIN from { $server }: { $name } does not exist
dns-servfail = SERVFAIL from { $server }
dns-refused = REFUSED by { $server }
dns-no-records = { $name } has no { $type } record (answer from { $server })
dns-no-address = { $name } has no A or AAAA record (answer from { $server })
dns-rcode = { $rcode } from { $server }
dns-rcode-instead = { $rcode } from { $server } instead of { $wanted }
dns-answer-mismatch = no answer contains "{ $needle }" (got { $got })
dns-answer-none = no answer contains "{ $needle }" (got nothing)
dns-wrong-id = { $server } answered only with replies to another query (wrong id)
dns-timeout = no answer from { $server }
dns-malformed = malformed reply ({ $bytes } bytes) from { $server }: it is not a valid DNS message
dns-malformed-tcp = malformed reply over TCP ({ $bytes } bytes) from { $server }: it is not a valid DNS message
dns-tcp-wrong-id = { $server } answered over TCP with a reply to another query (wrong id)
dns-bad-query = cannot ask { $server } about this name: { $detail }
dns-port-unreachable = no DNS server answers on { $server } (port unreachable)
dns-unreachable = cannot reach { $server }: { $error }

tcp-no-address = no address to connect to
tcp-timeout = no answer from { $addr } (connection timed out)
tcp-refused = connection refused by { $addr }
tcp-no-route-network = { $addr } is unreachable: this computer has no route to its network
tcp-no-route-host = { $addr } is unreachable: the network says there is no route to that host
tcp-blocked = the connection to { $addr } was blocked on this computer (a firewall rule)
tcp-error = cannot connect to { $addr }: { $error }

tls-bad-server-name = { $name } cannot be sent as a TLS server name ({ $error })
tls-timeout = TLS handshake did not finish in time
tls-closed = the server closed the connection during the TLS handshake
tls-reset = the server reset the connection during the TLS handshake
tls-failed = TLS handshake failed: { $error }
tls-not-tls = the server did not speak TLS (what it sent is not a TLS record)
tls-plain-http = the server did not speak TLS: it answered in plain HTTP (this port serves http://, not https://)
tls-ssh = the server did not speak TLS: it is an SSH server
tls-no-certificate = the server sent no certificate, so its identity cannot be checked
tls-decrypt-error = the server's handshake failed a cryptographic check (its key does not match its certificate, or the data was altered on the way)
tls-misbehaved = the server broke the TLS protocol ({ $what })
tls-alert-version = the server refused the TLS versions Downwatch speaks ({ $offered }): it only accepts another version, most likely an outdated one (TLS 1.0 or 1.1)
tls-alert-handshake = the server refused the handshake: it found no encryption settings in common with Downwatch (cipher suite, key exchange or signature algorithm of { $offered })
tls-alert-security = the server requires stronger encryption settings than Downwatch offered ({ $offered })
tls-alert-name = the server does not serve the name { $host } (it refused the name asked for)
tls-alert-client-cert = the server requires a client certificate, which Downwatch does not send
tls-alert-denied = the server denied access during the TLS handshake
tls-alert-internal = the server failed with an internal error during the TLS handshake
tls-alert-protocols = the server speaks none of the protocols asked for ({ $protocols })
tls-alert-other = the server ended the TLS handshake with the alert "{ $alert }"
tls-old-version = the server only speaks { $version }, which Downwatch refuses as unsafe (it needs { $offered })
tls-old-version-unknown = the server only speaks an outdated TLS version, which Downwatch refuses as unsafe (it needs { $offered })
tls-no-common-suite = the server and Downwatch have no cipher suite in common ({ $offered })
tls-no-common-group = the server and Downwatch have no key exchange group in common ({ $offered })
tls-no-common-signature = the server and Downwatch have no signature algorithm in common ({ $offered })
tls-incompatible = the server asked for TLS features Downwatch does not support ({ $what })
tls-expired = certificate expired { $days ->
    [0] today
    [one] 1 day ago
   *[other] { $days } days ago
} ({ $date })
tls-not-yet-valid = certificate is not valid yet (check the server's or this computer's clock)
tls-not-for-host = certificate is not valid for { $host }
tls-other-names = certificate is for { $names }, not { $host }
tls-self-signed = certificate is self-signed ({ $issuer }) and not trusted
tls-unknown-issuer = certificate issued by an unknown authority ({ $issuer })
tls-untrusted-root = the server sent { $count } certificates, but the chain ends at an authority this computer does not trust ({ $root })
tls-missing-intermediate = the server did not send its intermediate certificate: it sent only its own certificate, issued by { $issuer }, which is not a trusted root (the missing certificate is published at { $url })
tls-leaf-unknown-issuer = the server sent only its own certificate, issued by an unknown authority ({ $issuer }): either the server left out its intermediate certificate, or that authority is a private one (give its certificate with --ca)
tls-bad-signature = certificate not trusted: its signature does not match the trusted authority named { $issuer } (another authority with the same name, or an altered certificate)
tls-weak-signature = the certificate is signed with an algorithm Downwatch refuses as unsafe or does not know (issuer { $issuer })
tls-revoked = the certificate was revoked by its authority
tls-wrong-purpose = the certificate is not meant for a server (its usage does not include TLS server authentication)
tls-critical-extension = the certificate has a critical extension Downwatch does not understand
tls-bad-encoding = the server's certificate is malformed
tls-untrusted = certificate not trusted: { $error }
tls-expiring = certificate expires { $days ->
    [0] today
    [one] in 1 day
   *[other] in { $days } days
}

http-status = status { $status } { $reason } (expected { $expected })
http-too-many-redirects = more than { $max ->
    [one] 1 redirect
   *[other] { $max } redirects
} (next: { $next })
http-redirect-scheme = redirect to scheme `{ $scheme }`, which Downwatch does not follow (only http and https)
http-redirect-invalid = redirect to an invalid location "{ $location }"
http-bad-host = the redirect's host { $host } is not valid: { $error }
http-request-invalid = cannot build the request: { $error }
http-no-headers = no response headers from { $addr } in time
http-tls-on-plain = the server at { $addr } answered with TLS, not plain HTTP (this port serves https://, not http://)
http-head-too-large = the response head is over Downwatch's limits ({ $kib } KiB, { $fields } header fields): { $detail }
http-h2-headers-refused = the HTTP/2 response headers were refused: over Downwatch's limit ({ $kib } KiB of header list) or malformed ({ $detail })
http-closed-early = the server closed the connection before a full response ({ $detail })
http-broken = { $detail }
http-body-deadline = body still incomplete at the deadline ({ $coded ->
    [yes] { $wire } on the wire, { $decoded } decoded
   *[no] { $decoded }
} read)
http-body-cut = the server closed the connection after sending { $wire } of the { $length } body bytes it announced (Content-Length)
http-body-chunked-cut = the server closed the connection in the middle of the chunked body, after { $coded ->
    [yes] { $wire } on the wire, { $decoded } decoded
   *[no] { $decoded }
}
http-body-broken = body broken after { $coded ->
    [yes] { $wire } on the wire, { $decoded } decoded
   *[no] { $decoded }
}: { $detail }
http-encoding-cut = the { $coding } body ends before its compressed data does, after { $coded ->
    [yes] { $wire } on the wire, { $decoded } decoded
   *[no] { $decoded }
}
http-encoding-corrupt = the { $coding } body is corrupt ({ $error }), after { $coded ->
    [yes] { $wire } on the wire, { $decoded } decoded
   *[no] { $decoded }
}
http-encoding-unknown = the body is encoded with `{ $coding }`, which Downwatch cannot decode (it decodes gzip, deflate and br)
http-encoding-stacked = the body is encoded { $count } times over ({ $codings }); Downwatch undoes at most { $max }
http-keyword-capped = { $kind ->
    [keyword] keyword "{ $pattern }"
   *[pattern] pattern /{ $pattern }/
} not found in the first { $size } of the body (the body cap)
http-keyword-missing = { $kind ->
    [keyword] keyword "{ $pattern }"
   *[pattern] pattern /{ $pattern }/
} not found in the body ({ $size })
http-keyword-forbidden = forbidden { $kind ->
    [keyword] keyword "{ $pattern }"
   *[pattern] pattern /{ $pattern }/
} found in the body
too-slow = took { $took } s, above the { $limit } s limit

## `downwatch check`'s text output (the command line). Numbers and codes arrive as
## left-to-right runs.

check-up = UP
check-degraded = DEGRADED
check-down = DOWN
check-head = { $word }  { $target } — { $summary }
check-failure = { $mark }: { $message } [{ $code }]
check-failed = FAILED
check-warning = warning
check-not-reached = not reached
check-total = total
check-ms = ms
check-join = { $first }, { $second }
check-up-http = { $version } { $status }
check-cert-valid = certificate valid { $days } more days
check-handshake-done = handshake completed
check-connected-to = connected to { $addr }
check-connected = connected
check-dns-expected = { $rcode } from { $server }, as expected
check-dns-expected-here = { $rcode }, as expected
check-and-more = { $list } and { $more } more
check-no-lookup = address given, no lookup
check-no-answer = no answer
check-dns-detail = { $answers } ({ $rcode } from { $server })
check-dns-detail-tcp = { $answers } ({ $rcode } from { $server } over TCP)
check-dns-from = { $answers } (from { $server })
check-cert-until = certificate valid { $days } more days (until { $until })
check-issued-by = issued by { $issuer }
check-http-line = { $version } { $status }, { $bytes } body bytes
check-http-encoded = { $line } ({ $coding }, { $wire } on the wire)
check-http-capped = { $line } (stopped at the body cap)
check-redirects = { $count } redirect(s) to { $url }

## The tray (crates/tray): its summary line (also the tooltip's title), one line per watch
## or group, and its commands. $name and $group are names, $state a state-* text,
## $detail the probe's message, $ms a latency in milliseconds.

tray-summary-all-up = { $count ->
    [one] The service is up
   *[other] All { $count } services up
}
tray-summary-none = No service is watched yet
tray-summary-group-down = { $group } is down: { $list }
tray-summary-unstable = { $count ->
    [one] { $list } is unstable
   *[other] { $list } are unstable
}
tray-summary-checking = Checking the services…
tray-summary-paused = Paused until resumed
tray-summary-paused-for = Paused, { $duration } left
tray-watch-latency = { $name }: { $state } ({ $ms } ms)
tray-watch = { $name }: { $state }
tray-watch-problem = { $name }: { $state } for { $duration } - { $layer }: { $detail }
tray-watch-problem-short = { $name }: { $state } for { $duration }
tray-watch-paused-for = { $name }: paused, { $duration } left
tray-group = { $group }: { $state } ({ $count ->
    [one] 1 service
   *[other] { $count } services
})
tray-check-now = Check all now
tray-pause = Pause
tray-pause-15-min = Pause for 15 min
tray-pause-1-hour = Pause for 1 hour
tray-pause-until-resumed = Pause until resumed
tray-resume = Resume
tray-open-history = Open history
tray-settings = Settings…
tray-start-at-login = Start at login
tray-quit = Quit Downwatch

## `downwatch open` (and the tray's Open history, a notification's Details) until the
## history window is part of Downwatch.

open-no-window = Cannot show { $what }: the history window (downwatch-window) is neither next to Downwatch ({ $dir }) nor on the PATH.
open-failed = Cannot show { $what }: { $program } does not start ({ $error }).
open-what-overview = the history
open-what-watch = the history of { $name }
open-what-incident = incident { $id }
open-what-settings = the settings

## `downwatch status`: one watch per block, from the history.

status-head = { $watch }  { $word }  since { $since } ({ $ago })
status-head-at-least = { $watch }  { $word }  since { $since } or earlier ({ $ago } at least)
status-last = last check { $when }, { $latency } ms
status-uptime = uptime over 24 h { $percent }
status-uptime-none = uptime over 24 h: no data
status-line = {"  "}{ $last }; { $uptime }
status-reason = { $layer }: { $cause }
status-paused = paused until resumed
status-paused-for = paused, { $duration } left
status-incident = open incident since { $since } ({ $kind })
status-incident-cause = { $incident }: { $cause }
status-nothing-yet = No watch has been checked yet (history in { $dir }).
status-no-history = No history in { $dir } yet: `downwatch run` records it there (or pass --data-dir).

## The history window (ui/): its own labels. Numbers arrive formatted (digits, decimals);
## $time is a local date and time, $duration a duration-* text.

window-title = Downwatch history
window-nav = Views
window-nav-overview = Overview
window-nav-incidents = Incidents
window-language = Language
window-language-en = English
window-language-ar = العربية
window-disconnected = The Downwatch monitor is not running. This window shows it again as soon as it is back.
window-missed = Some live updates were missed: the view was reloaded.
window-loading = Loading…
window-error-unreachable = The Downwatch monitor does not answer on { $socket }.
window-error-api = The monitor refused the request ({ $code }): { $message }
window-error-code-no_such_watch = The monitor has no watch of that name (the configuration changed?).
window-error-code-paused = It is paused: resume it first.
window-error-code-history_unavailable = The monitor cannot read its history right now.
window-error-code-stopped = The monitor is stopping.
window-error-code-too_many_clients = The monitor serves too many windows and programs at once; close one and try again.
window-error-code-forbidden = The monitor belongs to another user.
window-error-protocol = The monitor's answer could not be read: { $message }
window-error-not-allowed = This window may not do that ({ $call }).
window-error-no-such-watch = No watch is named { $name }.
window-error-no-incident = No incident { $id } in the history.
window-unit-ms = { $n } ms
window-unit-s = { $n } s
window-unit-percent = { $n } %
window-no-data = no data
window-none = –
verdict-online = Your connection works: a failure is the service's
verdict-offline = You are offline: nothing answers, not even the controls
verdict-captive_portal = A login page answers instead of the internet (captive portal)
verdict-local_dns_broken = Your name server (DNS) fails while addresses work
window-paused-all = Monitoring is paused until { $time }
window-paused-all-resumed = Monitoring is paused until resumed
window-paused-until = paused until { $time }
window-paused-until-resumed = paused until resumed
overview-heading = Services
overview-empty = No service is watched yet: add one to the configuration file.
overview-ungrouped = Other services
overview-col-service = Service
overview-col-state = State
overview-col-latency = Latency
overview-col-uptime-24h = Uptime 24{"\u00A0"}h
overview-col-uptime-7d = Uptime 7{"\u00A0"}days
overview-col-uptime-30d = Uptime 30{"\u00A0"}days
overview-col-sparkline = Last 24 h
overview-col-actions = Actions
overview-for = for { $duration }
overview-sparkline = Latency over the last 24 h, from { $min } to { $max }
overview-sparkline-none = No latency over the last 24 h
action-check-now = Check now
action-check-all = Check all now
action-pause-15-min = Pause 15 min
action-pause-1-hour = Pause 1 h
action-pause-until-resumed = Pause until resumed
action-resume = Resume
action-resume-all = Resume all
action-pause-all = Pause all (1 h)
action-done = Done.
watch-heading-since = { $state } since { $time } ({ $duration })
watch-last-check = Last check { $time }: { $latency }
watch-range = Range
range-1h = 1 h
range-24h = 24 h
range-7d = 7 days
range-30d = 30 days
range-90d = 90 days
watch-latency-heading = Latency by phase
watch-latency-source = Each point is the mean of { $duration }.
watch-latency-empty = No check in this range.
phase-dns = DNS lookup
phase-connect = Connect
phase-tls = TLS handshake
phase-ttfb = Time to first byte
watch-days-heading = Availability per day (last 90 days, local time)
day-state-up = up
day-state-degraded = degraded
day-state-down = down
day-state-not_monitored = not monitored
watch-day = { $date }: { $state }, uptime { $uptime }
watch-incidents-heading = Incidents (last 90 days)
watch-incidents-empty = No incident in the last 90 days.
incident-col-start = Started
incident-col-duration = Duration
incident-col-kind = Kind
incident-col-cause = Cause
incident-ongoing = { $duration }, ongoing
incident-kind-down = Down
incident-kind-degraded = Degraded
incident-kind-unstable = Unstable
watch-log-heading = Check log
watch-log-empty = No check stored yet.
log-col-time = Time
log-col-status = Result
log-col-latency = Total
log-col-layer = Layer
log-col-detail = Detail
log-col-address = Address
log-col-http = HTTP
log-not-judged = not counted
log-more = Older checks
incidents-more = Older incidents
check-status-up = Up
check-status-degraded = Degraded
check-status-down = Down
watch-copy-diagnosis = Copy diagnosis
watch-copied = Copied to the clipboard.
watch-copy-failed = The clipboard is not available: the text is selected, copy it with Ctrl+C.
diagnosis-head = { $name }: { $state } since { $time } ({ $duration })
diagnosis-last = Last check { $time }: { $status }, { $latency }
diagnosis-phases = DNS { $dns }, connect { $connect }, TLS { $tls }, first byte { $ttfb }
diagnosis-failure = { $layer }: { $detail }
diagnosis-incident = Open incident since { $time }: { $cause }
diagnosis-verdict = Connection: { $verdict }
timeline-heading = Incidents across all services
timeline-empty = No incident in this range.
timeline-offline = You were offline
timeline-together = { $count } services at once
timeline-group-outage = { $group }: { $count } services at once
timeline-incident = { $name }: { $kind } from { $start }, { $duration }
timeline-legend = A shaded band marks services that failed at the same time: a provider's outage, or your own connection.
