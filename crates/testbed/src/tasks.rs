//! Ownership of the tokio tasks behind one server.

use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::task::JoinSet;

/// A shared set of tasks: the accept loop, each connection, and anything hyper spawns for them.
///
/// Cloning shares the set. [`Owner`] aborts every task in it when dropped.
#[derive(Clone, Default)]
pub(crate) struct Tasks(Arc<Mutex<JoinSet<()>>>);

impl Tasks {
    fn lock(&self) -> MutexGuard<'_, JoinSet<()>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Spawns `fut` into the set, reaping tasks that have already finished.
    pub(crate) fn spawn<F>(&self, fut: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let mut set = self.lock();
        while set.try_join_next().is_some() {}
        set.spawn(fut);
    }
}

impl<F> hyper::rt::Executor<F> for Tasks
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    fn execute(&self, fut: F) {
        self.spawn(async move {
            fut.await;
        });
    }
}

/// Held by a server handle: dropping it aborts all the server's tasks.
pub(crate) struct Owner(pub(crate) Tasks);

impl Drop for Owner {
    fn drop(&mut self) {
        self.0.lock().abort_all();
    }
}
