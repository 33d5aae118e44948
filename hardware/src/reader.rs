//! A device reader on a background thread that can be asked to stop: the serial scanner's
//! and the counter scale's threads are both one of these. The thread gets the stop flag and
//! the sending end of a channel; the handle keeps the flag and the thread.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How often a reader wakes up to check for stop requests and pauses.
pub(crate) const POLL: Duration = Duration::from_millis(20);

/// The stop flag and the thread of a device reader. Dropping it asks the thread to stop.
#[derive(Debug)]
pub(crate) struct Reader {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Reader {
    /// A reader with no thread (a simulated device).
    pub(crate) fn none() -> Reader {
        Reader {
            stop: Arc::new(AtomicBool::new(false)),
            thread: None,
        }
    }

    /// Start `run` on a thread called `name`, with the channel its events go through. A
    /// thread that cannot start leaves `on_fail` in the channel instead (the device then
    /// shows as disconnected).
    pub(crate) fn spawn<E: Send + 'static>(
        name: String,
        on_fail: E,
        run: impl FnOnce(&Sender<E>, &AtomicBool) + Send + 'static,
    ) -> (Reader, Receiver<E>) {
        let (tx, rx) = mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let thread_stop = Arc::clone(&stop);
        let spawned = std::thread::Builder::new()
            .name(name.clone())
            .spawn(move || run(&tx, &thread_stop));
        match spawned {
            Ok(t) => (
                Reader {
                    stop,
                    thread: Some(t),
                },
                rx,
            ),
            Err(e) => {
                tracing::error!(error = %e, "could not start the thread {name}");
                let (tx2, rx2) = mpsc::channel();
                let _ = tx2.send(on_fail);
                (Reader { stop, thread: None }, rx2)
            }
        }
    }

    /// Whether the thread is still running (always false without one).
    pub(crate) fn is_running(&self) -> bool {
        self.thread.as_ref().is_some_and(|t| !t.is_finished())
    }

    /// Stop the thread and wait for it.
    pub(crate) fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            if t.join().is_err() {
                tracing::error!("device reader thread panicked");
            }
        }
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// Sleep `d` in small steps; returns false if asked to stop meanwhile.
pub(crate) fn sleep_unless_stopped(d: Duration, stop: &AtomicBool) -> bool {
    let end = crate::transport::deadline_after(d);
    loop {
        if stop.load(Ordering::SeqCst) {
            return false;
        }
        let now = Instant::now();
        if now >= end {
            return true;
        }
        std::thread::sleep((end - now).min(POLL));
    }
}
