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
