//! Where rendered files go: the interface render writes to, and the two
//! sinks that do not touch the disk. The disk writer is `staging::Staging`.
//!
//! Every file is named by a `Route`, so nothing can be written anywhere a
//! route cannot point (see `routes`).

use std::collections::HashMap;
use std::io;
use std::sync::{Arc, Mutex};

use crate::diagnostics::Diagnostic;
use crate::route::Route;
use crate::sync::lock;

/// Receives rendered files.
pub(crate) trait Sink: Sync {
    fn put(&self, route: &Route, bytes: Vec<u8>) -> io::Result<()>;
    /// Adds to the end of a file this sink was given with `put`.
    fn append(&self, route: &Route, bytes: &[u8]) -> io::Result<()>;
}

/// A sink's failure to write `route`, as the run reports it.
pub(crate) fn write_error(route: &Route, e: &io::Error) -> Diagnostic {
    Diagnostic::error("output", "", format!("cannot write `{route}` to the output folder: {e}"))
}

/// The site in memory, for the dev server: output path -> bytes. Values are
/// shared so that an incremental rebuild copies the map, not the pages.
pub(crate) type Files = HashMap<Arc<str>, Arc<[u8]>>;

/// A `Sink` that collects into `Files`.
#[derive(Default)]
pub(crate) struct Memory {
    files: Mutex<(Files, Vec<Arc<str>>)>,
}

impl Memory {
    pub(crate) fn from(files: Files) -> Memory {
        Memory { files: Mutex::new((files, Vec::new())) }
    }

    pub(crate) fn into_files(self) -> Files {
        self.into_parts().0
    }

    /// The files, and the names written since `from` (in no order).
    pub(crate) fn into_parts(self) -> (Files, Vec<Arc<str>>) {
        self.files.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Sink for Memory {
    fn put(&self, route: &Route, bytes: Vec<u8>) -> io::Result<()> {
        let name: Arc<str> = route.as_str().into();
        let (files, written) = &mut *lock(&self.files);
        files.insert(Arc::clone(&name), bytes.into());
        written.push(name);
        Ok(())
    }

    fn append(&self, route: &Route, bytes: &[u8]) -> io::Result<()> {
        let name: Arc<str> = route.as_str().into();
        let (files, written) = &mut *lock(&self.files);
        written.push(Arc::clone(&name));
        let file = files.entry(name).or_default();
        *file = [&file[..], bytes].concat().into();
        Ok(())
    }
}

/// Discards everything: `check` renders every page to find template errors
/// and writes nothing.
pub(crate) struct Discard;

impl Sink for Discard {
    fn put(&self, _route: &Route, _bytes: Vec<u8>) -> io::Result<()> {
        Ok(())
    }

    fn append(&self, _route: &Route, _bytes: &[u8]) -> io::Result<()> {
        Ok(())
    }
}
