//! Windows and macOS: the native tray through the `tray-icon` crate (the one Tauri uses),
//! behind the same [`Host`] trait as Linux's StatusNotifierItem. Not built yet: no Windows
//! or macOS target can be installed on the machine this is developed on, so the tray says
//! it is unsupported and the resident runs as with `--headless`. The plan: `tray_icon::
//! TrayIconBuilder` with the view's icon (`Icon::from_rgba`, from the same PNGs), its
//! summary as the tooltip and a `muda::Menu` built from `View::menu` with ids from
//! `MenuId::to_i32`; `MenuEvent::receiver()` mapped back to [`Click`]s.

use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;

use crate::view::View;
use crate::{Click, Host, TrayError};

/// The tray of a platform without one yet.
pub(crate) struct Native;

impl Host for Native {
    async fn start(_view: Arc<View>, _clicks: UnboundedSender<Click>) -> Result<Native, TrayError> {
        Err(TrayError::Unsupported)
    }

    async fn show(&mut self, _view: Arc<View>) -> Result<(), TrayError> {
        Ok(())
    }

    fn stage(&mut self, _view: Arc<View>) {}
}
