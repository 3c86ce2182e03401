//! The real [`ProbeExec`]: one `Prober` per distinct resolver/trust settings, built when a
//! configuration is applied (so an unreadable CA file rejects the edit, not a probe).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use downwatch_config::ProbeSettings;
use downwatch_probe::{Check, ProbeResult, Prober, ProberOptions};

use crate::runner::{BoxFuture, ProbeExec};

/// Probers by settings.
#[derive(Debug, Default)]
pub struct Probers {
    by_settings: Mutex<HashMap<ProbeSettings, Arc<Prober>>>,
}

impl Probers {
    /// An empty cache.
    pub fn new() -> Self {
        Probers::default()
    }

    fn get(&self, settings: &ProbeSettings) -> Result<Arc<Prober>, downwatch_probe::Error> {
        let mut map = self
            .by_settings
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(p) = map.get(settings) {
            return Ok(p.clone());
        }
        let options = ProberOptions {
            resolver: settings.resolver.clone(),
            extra_ca: settings.ca.clone(),
            verify_tls: settings.verify_tls,
        };
        let prober = Arc::new(Prober::new(&options)?);
        map.insert(settings.clone(), prober.clone());
        Ok(prober)
    }
}

impl ProbeExec for Probers {
    fn prepare(&self, settings: &[ProbeSettings]) -> Result<(), downwatch_probe::Error> {
        for s in settings {
            self.get(s)?;
        }
        // Settings no longer used are dropped with their trust stores.
        let mut map = self
            .by_settings
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        map.retain(|k, _| settings.contains(k));
        Ok(())
    }

    fn run(&self, check: Check, settings: ProbeSettings) -> BoxFuture<ProbeResult> {
        let prober = self.get(&settings);
        Box::pin(async move {
            match prober {
                Ok(prober) => prober.check(&check).await,
                // Only if the settings were never prepared and cannot be: say so as a result.
                Err(e) => downwatch_probe::ProbeResult::setup_failure(&e.to_string()),
            }
        })
    }
}
