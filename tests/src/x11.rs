//! The history window's X11 top-level as a window manager would handle it. The scenes run
//! Xvfb without a window manager, so the tests play its part: they find the window by its
//! process (`_NET_WM_PID`, EWMH), move and resize it, read where it is, and close it the way
//! a title bar's close button does: a `WM_DELETE_WINDOW` client message (ICCCM §4.1.2.7),
//! which is not the same as WebDriver's "close window" (that one kills the browser).

use std::time::{Duration, Instant};

use x11rb::connection::Connection;
use x11rb::protocol::Event;
use x11rb::protocol::damage::{ConnectionExt as _, ReportLevel};
pub use x11rb::protocol::xproto::Window;
use x11rb::protocol::xproto::{
    AtomEnum, ClientMessageEvent, ConfigureWindowAux, ConnectionExt, EventMask, ImageFormat,
    MapState,
};
use x11rb::rust_connection::RustConnection;

x11rb::atom_manager! {
    Atoms: AtomsCookie {
        WM_PROTOCOLS,
        WM_DELETE_WINDOW,
        _NET_WM_PID,
    }
}

/// A window's place on the screen, in pixels: its top-left corner relative to the root
/// window and its inner size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    /// Left edge, px from the screen's left.
    pub x: i32,
    /// Top edge, px from the screen's top.
    pub y: i32,
    /// Width, px.
    pub width: u32,
    /// Height, px.
    pub height: u32,
}

/// A connection to one X display (`:N`), acting as its window manager.
pub struct X11 {
    conn: RustConnection,
    root: Window,
    atoms: Atoms,
}

impl X11 {
    /// Connects to `display` (`:N`). Panics with the reason when it cannot (test code).
    pub fn connect(display: &str) -> X11 {
        let (conn, screen) = x11rb::connect(Some(display))
            .unwrap_or_else(|e| panic!("connect to X display {display}: {e}"));
        let root = conn.setup().roots[screen].root;
        let atoms = Atoms::new(&conn)
            .expect("intern atoms")
            .reply()
            .expect("intern atoms' reply");
        X11 { conn, root, atoms }
    }

    /// The mapped top-level windows of process `pid` that accept `WM_DELETE_WINDOW` (what a
    /// window manager would decorate with a close button). Empty while it has none.
    pub fn windows_of(&self, pid: u32) -> Vec<Window> {
        let Some(tree) = self
            .conn
            .query_tree(self.root)
            .ok()
            .and_then(|c| c.reply().ok())
        else {
            return Vec::new();
        };
        tree.children
            .into_iter()
            .filter(|w| self.viewable(*w) && self.pid_of(*w) == Some(pid) && self.closable(*w))
            .collect()
    }

    fn viewable(&self, window: Window) -> bool {
        self.conn
            .get_window_attributes(window)
            .ok()
            .and_then(|c| c.reply().ok())
            .is_some_and(|a| a.map_state == MapState::VIEWABLE)
    }

    fn pid_of(&self, window: Window) -> Option<u32> {
        let reply = self
            .conn
            .get_property(
                false,
                window,
                self.atoms._NET_WM_PID,
                AtomEnum::CARDINAL,
                0,
                1,
            )
            .ok()?
            .reply()
            .ok()?;
        reply.value32()?.next()
    }

    fn closable(&self, window: Window) -> bool {
        self.conn
            .get_property(
                false,
                window,
                self.atoms.WM_PROTOCOLS,
                AtomEnum::ATOM,
                0,
                32,
            )
            .ok()
            .and_then(|c| c.reply().ok())
            .and_then(|r| {
                r.value32()
                    .map(|mut v| v.any(|a| a == self.atoms.WM_DELETE_WINDOW))
            })
            .unwrap_or(false)
    }

    /// Where `window` is: its origin translated to the root window, and its size.
    pub fn rect(&self, window: Window) -> Rect {
        let geometry = self
            .conn
            .get_geometry(window)
            .expect("get_geometry")
            .reply()
            .expect("get_geometry's reply");
        let origin = self
            .conn
            .translate_coordinates(window, self.root, 0, 0)
            .expect("translate_coordinates")
            .reply()
            .expect("translate_coordinates' reply");
        Rect {
            x: origin.dst_x.into(),
            y: origin.dst_y.into(),
            width: geometry.width.into(),
            height: geometry.height.into(),
        }
    }

    /// How many distinct pixel values rows `top..bottom` (fractions of its height, 0.0 to
    /// 1.0) of `window` hold right now (`GetImage`, Z format), counted up to `most`: 1 while
    /// they show only the background, more once something is drawn there. 0 when it cannot
    /// be read (unmapped, gone). A band rather than the whole window keeps each read small.
    pub fn colours(&self, window: Window, top: f64, bottom: f64, most: usize) -> usize {
        let geometry = match self.conn.get_geometry(window).map(|c| c.reply()) {
            Ok(Ok(g)) => g,
            _ => return 0,
        };
        let height = f64::from(geometry.height);
        let y = (height * top.clamp(0.0, 1.0)) as u16;
        let rows = ((height * bottom.clamp(0.0, 1.0)) as u16)
            .saturating_sub(y)
            .max(1);
        let image = match self
            .conn
            .get_image(
                ImageFormat::Z_PIXMAP,
                window,
                0,
                y as i16,
                geometry.width,
                rows,
                !0,
            )
            .map(|c| c.reply())
        {
            Ok(Ok(image)) => image,
            _ => return 0,
        };
        let bytes = usize::from(image.depth.div_ceil(8).max(1)).next_power_of_two();
        let mut seen = std::collections::HashSet::new();
        for pixel in image.data.chunks_exact(bytes) {
            seen.insert(pixel);
            if seen.len() >= most {
                break;
            }
        }
        seen.len()
    }

    /// Waits until rows `top..bottom` of `window` hold more than one colour (see
    /// [`X11::colours`]), reading them only when the X server reports that something was
    /// drawn into the window (the DAMAGE extension: a `DamageNotify` each time its damage
    /// goes from empty to not empty, emptied again with `DamageSubtract`), so the wait takes
    /// next to no CPU from the window it watches. False at `deadline`, or when the server
    /// has no DAMAGE or the window is gone.
    pub fn wait_painted(&self, window: Window, top: f64, bottom: f64, deadline: Instant) -> bool {
        if !matches!(
            self.conn.damage_query_version(1, 1).map(|c| c.reply()),
            Ok(Ok(_))
        ) {
            return false;
        }
        let Ok(damage) = self.conn.generate_id() else {
            return false;
        };
        if self
            .conn
            .damage_create(damage, window, ReportLevel::NON_EMPTY)
            .map(|c| c.check())
            .is_err()
        {
            return false;
        }
        let painted = loop {
            if self.colours(window, top, bottom, 2) >= 2 {
                break true;
            }
            if !self.wait_damage(deadline) {
                break false;
            }
            // Emptied before reading, so a drawing during the read notifies again.
            let _ = self.conn.damage_subtract(damage, 0u32, 0u32);
            let _ = self.conn.flush();
        };
        let _ = self.conn.damage_destroy(damage);
        let _ = self.conn.flush();
        painted
    }

    /// Waits for the next `DamageNotify` (other events are dropped); false at `deadline` or
    /// when the connection failed.
    fn wait_damage(&self, deadline: Instant) -> bool {
        loop {
            match self.conn.poll_for_event() {
                Ok(Some(Event::DamageNotify(_))) => return true,
                Ok(Some(_)) => {}
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(1))
                }
                Ok(None) | Err(_) => return false,
            }
        }
    }

    /// Moves and resizes `window` to `rect`, as a window manager does for a user's drag.
    pub fn set_rect(&self, window: Window, rect: Rect) {
        let aux = ConfigureWindowAux::new()
            .x(rect.x)
            .y(rect.y)
            .width(rect.width)
            .height(rect.height);
        self.conn
            .configure_window(window, &aux)
            .expect("configure_window");
        self.conn.flush().expect("flush");
    }

    /// Asks `window` to close, as its close button would: `WM_PROTOCOLS` /
    /// `WM_DELETE_WINDOW` sent to the window itself (ICCCM §4.1.2.7).
    pub fn close(&self, window: Window) {
        let event = ClientMessageEvent::new(
            32,
            window,
            self.atoms.WM_PROTOCOLS,
            [self.atoms.WM_DELETE_WINDOW, x11rb::CURRENT_TIME, 0, 0, 0],
        );
        self.conn
            .send_event(false, window, EventMask::NO_EVENT, event)
            .expect("send_event");
        self.conn.flush().expect("flush");
    }
}
