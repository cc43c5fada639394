//! Writing the site: the interface render writes to (`sink`), the judgement
//! of the output folder (`output`), the disk writer with its atomic swap
//! (`staging`), and the copies of static files and media (`copy`).

pub(crate) mod copy;
pub(crate) mod output;
pub(crate) mod sink;
pub(crate) mod staging;
