//! Copies the static files and the media pages link to, read through
//! `Sources` like every other input and written through the same sink as
//! the pages.

use rayon::prelude::*;

use crate::compile::site::Site;
use crate::diagnostics::Diagnostic;
use crate::route::Route;
use crate::write::sink::Sink;
use crate::write::sink::write_error;

/// Copies every static file and linked medium for which `wanted` holds.
pub(crate) fn copy_files(
    site: &Site,
    sink: &dyn Sink,
    wanted: &(dyn Fn(&Route) -> bool + Sync),
) -> Vec<Result<(), Diagnostic>> {
    let sources = &site.sources;
    let statics = site.routes.statics.par_iter().filter(|(route, _)| wanted(route)).map(|(route, file)| {
        let bytes = file.bytes(sources)?;
        sink.put(route, bytes).map_err(|e| write_error(route, &e))
    });
    let media = site.assets.par_iter().filter(|(_, route)| wanted(route)).map(|(file, route)| {
        let bytes = sources.read(file)?;
        sink.put(route, bytes).map_err(|e| write_error(route, &e))
    });
    statics.chain(media).collect()
}
