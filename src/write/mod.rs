//! Writing the site: the interface render writes to (`sink`), the disk
//! writer with its atomic swap and its judgement of the output folder
//! (`output`), and the copies of static files and media (`copy`).

pub(crate) mod copy;
pub(crate) mod output;
pub(crate) mod sink;
