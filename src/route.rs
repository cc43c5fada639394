//! A page's place in the output: the `Route` type and the URL scheme.
//!
//! A `Route` is the only way to name a file of the site: the writers
//! (`write::Sink`) take nothing else, and a `Route` can only be made here,
//! from a path that passed `Route::check`: relative, `/`-separated, made of
//! non-empty segments that are not `.`, `..` or hidden names (`.git`), with
//! no character that means something else to a file system or a URL
//! (`\`, `:`, NUL, controls, `#`, `?`, ...). So no content, however it is
//! named, can make a build write outside its output folder. Which source
//! gets which route is decided once, by `compile::routes::assign`.

use std::fmt;

/// A checked path below the output folder. Page routes end in
/// `index.html`; their URL is the folder (`part/chapter/`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Route {
    file: Box<str>,
    /// Length of the URL path: a prefix of `file`.
    url_len: usize,
}

impl Route {
    /// A page at folder `dir` (`""` for the home page, else ending in `/`).
    pub(crate) fn page(dir: &str) -> Result<Route, String> {
        let file = format!("{dir}index.html");
        Route::check(&file)?;
        Ok(Route { url_len: dir.len(), file: file.into() })
    }

    /// A file served at its own path (an asset, a search shard).
    pub(crate) fn file(path: &str) -> Result<Route, String> {
        Route::check(path)?;
        Ok(Route { url_len: path.len(), file: path.into() })
    }

    /// A fixed route spelt in this module, known to pass `check`.
    fn fixed(path: &str, page: bool) -> Route {
        let url_len = if page { path.len() - "index.html".len() } else { path.len() };
        Route { file: path.into(), url_len }
    }

    /// The path below the output folder.
    pub(crate) fn as_str(&self) -> &str {
        &self.file
    }

    /// The URL path below the base (`part/chapter/`, `""` for home).
    pub(crate) fn url_path(&self) -> &str {
        &self.file[..self.url_len]
    }

    /// The URL with the site's base path (`/handbook/part/chapter/`).
    pub(crate) fn url(&self, base: &str) -> String {
        format!("{base}{}", self.url_path())
    }

    /// Why `path` cannot be an output path, if it cannot.
    pub(crate) fn check(path: &str) -> Result<(), String> {
        if path.is_empty() {
            return Err("the path is empty".into());
        }
        for segment in path.split('/') {
            check_segment(segment)?;
        }
        Ok(())
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)
    }
}

/// Names Windows reserves in every folder, with any extension.
const RESERVED: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9", "lpt1", "lpt2",
    "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

fn check_segment(segment: &str) -> Result<(), String> {
    if segment.is_empty() {
        return Err("it has an empty path segment".into());
    }
    if segment == "." || segment == ".." {
        return Err(format!("`{segment}` would climb the folder tree"));
    }
    if segment.starts_with('.') {
        return Err(format!("`{segment}` is a hidden name"));
    }
    if let Some(c) = segment.chars().find(|&c| c.is_control() || "\\:*?\"<>|#".contains(c)) {
        return Err(format!("it holds the character {c:?}, which is not allowed in an output path"));
    }
    if segment.ends_with([' ', '.']) {
        return Err(format!("`{segment}` ends with a space or a dot"));
    }
    if segment.len() > 240 {
        return Err("a path segment is longer than 240 bytes".into());
    }
    let stem = segment.split('.').next().unwrap_or(segment).to_ascii_lowercase();
    if RESERVED.contains(&stem.as_str()) {
        return Err(format!("`{segment}` is a device name on Windows"));
    }
    Ok(())
}

/// The pages every build writes, whatever the content.
pub(crate) fn home() -> Route {
    Route::fixed("index.html", true)
}
pub(crate) fn not_found() -> Route {
    Route::fixed("404.html", false)
}
pub(crate) fn teams_index() -> Route {
    Route::fixed("teams/index.html", true)
}
pub(crate) fn tags_index() -> Route {
    Route::fixed("tags/index.html", true)
}
pub(crate) fn print() -> Route {
    Route::fixed("print/index.html", true)
}
pub(crate) fn onboarding() -> Route {
    Route::fixed("onboarding/index.html", true)
}
pub(crate) fn sitemap() -> Route {
    Route::fixed("sitemap.xml", false)
}
pub(crate) fn changes() -> Route {
    Route::fixed("changes/index.html", true)
}
pub(crate) fn feed() -> Route {
    Route::fixed("feed.xml", false)
}
pub(crate) fn full_nav() -> Route {
    Route::fixed("assets/nav.html", false)
}

/// Files and folders the generator owns; content may not take them.
pub(crate) const GENERATED_FILES: &[&str] = &["index.html", "404.html", "sitemap.xml", "feed.xml"];
/// Folders whose every path is the generator's (theme assets, media
/// copies and the search index live there).
pub(crate) const GENERATED_DIRS: &[&str] = &["assets", "media", "search"];

/// The URL of a team's page.
pub(crate) fn team_dir(id: &str) -> String {
    format!("teams/{id}/")
}

/// The route of a tag's page, by the tag's slug.
pub(crate) fn tag_dir(key: &str) -> String {
    format!("tags/{key}/")
}

/// The route of a copied image or file, by its root-relative source path.
pub(crate) fn media(file: &str) -> Result<Route, String> {
    Route::file(&format!("media/{file}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_stay_inside_the_output_folder() {
        for bad in [
            "",
            "/etc/passwd",
            "a//b",
            "../x",
            "a/../../x",
            "a/./b",
            ".git/config",
            "a/.env",
            "a\\b",
            "c:/x",
            "a\0b",
            "a/b\n",
            "con/index.html",
            "x/aux.txt",
            "a /b",
            "a./b",
            "a#b",
            "a?b",
        ] {
            assert!(Route::check(bad).is_err(), "{bad:?}");
        }
        for good in ["index.html", "a/b/index.html", "media/chapters/img/a b.png", "assets/playbook.css", "café/x"] {
            assert!(Route::check(good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn page_routes_have_folder_urls() {
        let r = Route::page("part/chapter/").unwrap();
        assert_eq!(r.as_str(), "part/chapter/index.html");
        assert_eq!(r.url_path(), "part/chapter/");
        assert_eq!(r.url("/handbook/"), "/handbook/part/chapter/");
        assert_eq!(home().url_path(), "");
        assert_eq!(Route::file("a/b.css").unwrap().url_path(), "a/b.css");
    }
}
