//! Answering each request: the resident's commands and snapshot through its [`Remote`], the
//! history through the store's [`Reader`] on the blocking pool (SQLite blocks; the
//! resident's runtime has one thread), the configuration through the config crate.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use downwatch_api::{Answer, ApiError, Call, ErrorCode};
use downwatch_monitor::IncidentId;
use downwatch_monitor::events::{Rejected, Stamped};
use downwatch_monitor::resident::Remote;
use downwatch_monitor::runner::{CommandError, Scope};
use downwatch_store::{Order, Reader, StoreError};
use downwatch_tray::window::{At, OpenError, Opener};
use tokio::sync::broadcast;

use super::convert;
use super::edit;

/// Opens a reader of the history (the seam to the store the resident owns).
pub type OpenReader = Arc<dyn Fn() -> Result<Reader, StoreError> + Send + Sync>;

/// The most rows one page of checks returns. A page's full rows are read from the table, about
/// one 4 KiB page per row (a watch's checks lie among every other watch's), so on the 50-watch
/// year a cold page of 1,000 took 42-293 ms, one of 500 30-49 ms on a quiet machine, and one
/// of 200 reads 175 pages: the cap keeps every page under the 50 ms a query may take
/// (docs/benchmarks.md, "history_year" and "api_year"). The window asks 50 at a time.
pub const MAX_PAGE: u32 = 200;

/// The most rows one page of incidents returns. Incidents are written in start order, so a
/// page's rows lie together: a page of 1,000 reads a few dozen table pages
/// (docs/benchmarks.md, "api_year").
pub const MAX_INCIDENTS_PAGE: u32 = 1_000;

/// The most points of a latency series (a chart is a few thousand pixels wide).
pub const MAX_POINTS: u32 = 10_000;

/// The most days of one availability request after its first (a year and a month).
pub const MAX_DAYS: i32 = 400;

fn invalid(message: String) -> ApiError {
    ApiError::new(ErrorCode::InvalidRequest, message)
}

/// What requests are answered from.
pub struct Calls {
    remote: Remote,
    history: OpenReader,
    window: Opener,
}

impl Calls {
    /// Answers from `remote` and the history `history` opens; `open_history` starts the
    /// window through `window`.
    pub fn new(remote: Remote, history: OpenReader, window: Opener) -> Calls {
        Calls {
            remote,
            history,
            window,
        }
    }

    /// Live events from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Stamped>> {
        self.remote.subscribe()
    }

    /// The answer to `call` (every call but [`Call::Subscribe`], which the connection
    /// handles).
    pub async fn answer(&self, call: Call) -> Result<Answer, ApiError> {
        let scope = |watch: Option<String>| watch.map_or(Scope::All, Scope::Watch);
        match call {
            Call::Snapshot => Ok(Answer::Snapshot(convert::snapshot(&self.remote.snapshot()))),
            Call::Subscribe => Ok(Answer::Subscribed),
            Call::CheckNow { watch } => done(self.remote.check_now(scope(watch)).await),
            Call::Pause { watch, for_s } => done(
                self.remote
                    .pause(scope(watch), for_s.map(Duration::from_secs))
                    .await,
            ),
            Call::Resume { watch } => done(self.remote.resume(scope(watch)).await),
            Call::Latest => {
                self.history(|r| {
                    let rows = r.latest()?;
                    Ok(Answer::Latest {
                        checks: rows
                            .iter()
                            .map(|l| downwatch_api::model::LatestCheck {
                                watch: l.watch.clone(),
                                check: convert::check(&l.check),
                            })
                            .collect(),
                    })
                })
                .await
            }
            Call::Checks {
                watch,
                after,
                limit,
            } => {
                if !(1..=MAX_PAGE).contains(&limit) {
                    return Err(ApiError::new(
                        ErrorCode::InvalidRequest,
                        format!("`limit` must be 1 to {MAX_PAGE}"),
                    ));
                }
                self.history(move |r| {
                    let rows = r.checks_page(&watch, after.map(convert::row_cursor), limit)?;
                    let next = convert::next(rows.len(), limit, rows.last().map(|c| c.cursor()));
                    Ok(Answer::Checks {
                        checks: rows.iter().map(convert::check).collect(),
                        next,
                    })
                })
                .await
            }
            Call::Incidents {
                from_ms,
                until_ms,
                watch,
                after,
                limit,
            } => {
                if !(1..=MAX_INCIDENTS_PAGE).contains(&limit) {
                    return Err(invalid(format!(
                        "`limit` must be 1 to {MAX_INCIDENTS_PAGE}"
                    )));
                }
                self.history(move |r| {
                    let rows = r.incidents_page(
                        convert::time(from_ms),
                        convert::time(until_ms),
                        watch.as_deref(),
                        Order::NewestFirst,
                        after.map(convert::row_cursor),
                        limit,
                    )?;
                    let next = convert::next(rows.len(), limit, rows.last().map(|(c, _)| *c));
                    Ok(Answer::Incidents {
                        incidents: rows
                            .iter()
                            .map(|(_, i)| convert::stored_incident(i))
                            .collect(),
                        next,
                    })
                })
                .await
            }
            Call::Incident { incident } => {
                self.history(move |r| {
                    Ok(Answer::Incident {
                        incident: r
                            .incident(&incident)?
                            .as_ref()
                            .map(convert::stored_incident),
                    })
                })
                .await
            }
            Call::Uptime {
                watch,
                from_ms,
                until_ms,
            } => {
                self.history(move |r| {
                    let u = r.uptime(&watch, convert::time(from_ms), convert::time(until_ms))?;
                    Ok(Answer::Uptime(convert::uptime(&u)))
                })
                .await
            }
            Call::Rollups {
                watch,
                span,
                from_ms,
                until_ms,
            } => {
                self.history(move |r| {
                    let rows = r.rollups(
                        &watch,
                        convert::span(span),
                        convert::time(from_ms),
                        convert::time(until_ms),
                    )?;
                    Ok(Answer::Rollups {
                        rows: rows.iter().map(|(at, r)| convert::rollup(*at, r)).collect(),
                    })
                })
                .await
            }
            Call::Current => {
                self.history(|r| {
                    Ok(Answer::Current {
                        watches: r.current()?.iter().map(convert::now).collect(),
                    })
                })
                .await
            }
            Call::LatencySeries {
                watch,
                phase,
                from_ms,
                until_ms,
                max_points,
            } => {
                if !(1..=MAX_POINTS).contains(&max_points) {
                    return Err(invalid(format!("`max_points` must be 1 to {MAX_POINTS}")));
                }
                let phase = convert::store_phase(phase);
                self.history(move |r| {
                    let series = r.latency_series(
                        &watch,
                        phase,
                        convert::time(from_ms),
                        convert::time(until_ms),
                        max_points as usize,
                    )?;
                    Ok(convert::series(phase, &series))
                })
                .await
            }
            Call::Days {
                watch,
                first,
                last,
                time_zone,
            } => {
                let date = |text: &str| {
                    text.parse::<jiff::civil::Date>()
                        .map_err(|e| invalid(format!("`{text}` is not a date (YYYY-MM-DD): {e}")))
                };
                let (first, last) = (date(&first)?, date(&last)?);
                let span = first.until(last).map(|s| s.get_days()).unwrap_or(i32::MAX);
                if !(0..=MAX_DAYS).contains(&span) {
                    return Err(invalid(format!(
                        "`last` must be 0 to {MAX_DAYS} days after `first`"
                    )));
                }
                let tz = match time_zone {
                    Some(name) => jiff::tz::TimeZone::get(&name)
                        .map_err(|e| invalid(format!("unknown time zone `{name}`: {e}")))?,
                    None => jiff::tz::TimeZone::system(),
                };
                self.history(move |r| {
                    Ok(Answer::Days {
                        days: r
                            .local_days(&watch, &tz, first, last)?
                            .iter()
                            .map(convert::day)
                            .collect(),
                    })
                })
                .await
            }
            Call::TestWatch { watch } => {
                let path = self.config_path();
                let (check, settings) =
                    blocking(move || edit::watch_to_test(&path, &watch)).await??;
                Ok(Answer::Tested {
                    result: edit::run_test(check, &settings).await?,
                })
            }
            Call::ReadConfig => {
                let path = self.config_path();
                let text = tokio::fs::read_to_string(&path).await.map_err(|e| {
                    ApiError::new(
                        ErrorCode::Internal,
                        format!("cannot read {}: {e}", path.display()),
                    )
                })?;
                Ok(Answer::Config {
                    path: path.display().to_string(),
                    text,
                })
            }
            Call::EditConfig { edits } => {
                let path = self.config_path();
                let watches = blocking(move || edit::apply(&path, &edits)).await??;
                // The file watcher would apply it too; applying it here answers only once
                // it runs.
                done(self.remote.reload().await)?;
                Ok(Answer::ConfigSaved { watches })
            }
            Call::OpenHistory { watch, incident } => {
                let at = match (watch, incident) {
                    (Some(watch), _) => At::Watch(watch),
                    (None, Some(id)) => At::Incident(IncidentId(id)),
                    (None, None) => At::Overview,
                };
                self.window.open(at).map_err(|error| {
                    let code = match error {
                        OpenError::NotFound { .. } => ErrorCode::NotAvailable,
                        OpenError::Spawn { .. } => ErrorCode::Internal,
                    };
                    ApiError::new(code, error.to_string())
                })?;
                Ok(Answer::Done)
            }
        }
    }

    fn config_path(&self) -> PathBuf {
        self.remote.config_path().to_path_buf()
    }

    /// Runs a query on a reader of its own, on the blocking pool.
    async fn history(
        &self,
        query: impl FnOnce(&Reader) -> Result<Answer, StoreError> + Send + 'static,
    ) -> Result<Answer, ApiError> {
        let open = self.history.clone();
        blocking(move || {
            let reader = open()?;
            query(&reader)
        })
        .await?
        .map_err(|e| ApiError::new(ErrorCode::HistoryUnavailable, e.to_string()))
    }
}

/// Runs `work` on the blocking pool.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))
}

/// A command's result as an answer.
fn done(result: Result<(), CommandError>) -> Result<Answer, ApiError> {
    result.map(|()| Answer::Done).map_err(|e| {
        let code = match &e {
            CommandError::NoSuchWatch(_) => ErrorCode::NoSuchWatch,
            CommandError::Paused(_) | CommandError::AllPaused => ErrorCode::Paused,
            CommandError::Rejected(rejected) => match rejected.as_ref() {
                Rejected::Config(config) => return edit::config_error(config, None),
                Rejected::Probe(_) => ErrorCode::InvalidConfig,
            },
            CommandError::Stopped => ErrorCode::Stopped,
        };
        ApiError::new(code, e.to_string())
    })
}
