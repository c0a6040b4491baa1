//! The I/O threads every connection of the process shares.

use std::future::Future;
use std::sync::OnceLock;

use tokio::runtime::{Builder, Runtime};

fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("mqtt-napi-io")
            .enable_all()
            .build()
            .expect("the MQTT I/O runtime could not start")
    })
}

pub fn spawn(task: impl Future<Output = ()> + Send + 'static) {
    runtime().spawn(task);
}

/// A runtime of the test's own thread, with timers and I/O.
#[cfg(test)]
pub(super) fn for_tests() -> Runtime {
    Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a test runtime")
}
