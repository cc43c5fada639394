//! Every output path of a build, decided in one place.
//!
//! `assign` gives every chapter, part and team its route (the URL scheme
//! is spelt in `crate::route` and nowhere else) and builds the table of the
//! other pages: tags, aliases, the generated pages and the static files.
//! Every route must be unique (ignoring case, as macOS and Windows do) and
//! no route may be a folder of another; a clash is an error at the source
//! that caused it.

use std::collections::BTreeMap;

use foldhash::HashMap;
use std::sync::Arc;

use crate::compile::slug;
use crate::content::Playbook;
use crate::diagnostics::Diagnostic;
use crate::render::theme::StaticFile;
use crate::route::{self, GENERATED_DIRS, GENERATED_FILES, Route, tag_dir, team_dir};

/// A redirect page from a chapter's old URL.
#[derive(Clone, Debug)]
pub(crate) struct Alias {
    pub chapter: usize,
    pub route: Route,
}

/// The routes that are not held by a chapter, part or team record.
#[derive(Clone, Debug, Default)]
pub(crate) struct Routes {
    /// Tag slug -> its page, for every tag this build shows.
    pub tags: BTreeMap<String, Route>,
    pub aliases: Vec<Alias>,
    /// Theme assets, then the root's `static/` (which overrides a theme
    /// asset of the same path).
    pub statics: Vec<(Route, StaticFile)>,
}

impl Routes {
    pub(crate) fn tag(&self, name: &str) -> Option<&Route> {
        self.tags.get(&slug::slugify(name))
    }
}

/// Who holds a route, for messages and for deciding where to report.
#[derive(Clone)]
enum Holder {
    Generated,
    Theme,
    /// A file of the user's, and where in its text to point (a key).
    Source {
        file: String,
        what: String,
        at: Option<(Arc<str>, usize)>,
    },
}

/// Gives every chapter, part and team its route, builds the table of the
/// other routes, and reports every route that is invalid or taken twice.
pub(crate) fn assign(book: &mut Playbook, statics: Vec<(String, StaticFile)>) -> (Routes, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut claims = Claims::default();
    for f in GENERATED_FILES {
        claims.claim_file(f, Holder::Generated);
    }
    // Their folders too: a file named `search` would replace the index.
    for d in GENERATED_DIRS {
        claims.dirs.insert(format!("{d}/"), Holder::Generated);
    }
    claims.claim_file(route::full_nav().as_str(), Holder::Generated);
    for page in [route::teams_index(), route::tags_index(), route::print(), route::changes()] {
        claims.claim_file(page.as_str(), Holder::Generated);
    }
    if book.onboarding.is_some() {
        claims.claim_file(route::onboarding().as_str(), Holder::Generated);
    }

    // Parts nest: a part's route is its parent's plus its own slug.
    for i in 0..book.parts.len() {
        let part = &book.parts[i];
        let name = part.dir.rsplit('/').next().unwrap_or(&part.dir);
        let prefix = part.parent.map_or("", |p| book.parts[p].route.url_path());
        let dir = format!("{prefix}{}/", slug::from_file_stem(name));
        let holder = Holder::Source { file: part.dir.clone(), what: "the part".into(), at: None };
        match page_route(&dir, name, &holder, &mut diags) {
            Some(route) => {
                claims.claim(&route, holder, &mut diags);
                book.parts[i].route = route;
            }
            None => book.parts[i].route = route::home(),
        }
    }
    for c in &mut book.chapters {
        let prefix = c.part.map_or("", |p| book.parts[p].route.url_path());
        let dir = format!("{prefix}{}/", c.slug);
        let holder = Holder::Source {
            file: c.doc.file.clone(),
            what: "the chapter".into(),
            at: Some((Arc::clone(&c.doc.text), 0)),
        };
        if let Some(route) = page_route(&dir, &c.doc.file, &holder, &mut diags) {
            claims.claim(&route, holder, &mut diags);
            c.route = route;
        }
    }
    for folder in &mut book.teams {
        let t = &mut folder.team;
        let holder = Holder::Source { file: format!("teams/{}", t.id), what: "the team".into(), at: None };
        if let Some(route) = page_route(&team_dir(&t.id), &t.id, &holder, &mut diags) {
            claims.claim(&route, holder, &mut diags);
            t.route = route;
        }
    }

    let mut routes = Routes::default();
    let shown_examples = book.teams.iter().filter(|t| book.shows_team(&t.team.id)).flat_map(|t| &t.examples);
    let tagged = book
        .chapters
        .iter()
        .map(|c| (&c.doc, &c.meta.tags, &c.meta.keys))
        .chain(shown_examples.map(|e| (&e.doc, &e.meta.tags, &e.meta.keys)));
    for (doc, tags, keys) in tagged {
        let at = keys.key("tags");
        for tag in tags {
            let key = slug::slugify(tag);
            if key.is_empty() {
                diags.push(
                    Diagnostic::error("bad-tag", &doc.file, format!("the tag `{tag}` has no letters or digits"))
                        .at_offset(&doc.text, at)
                        .with_help("a tag's page is named after its letters and digits; use a word"),
                );
                continue;
            }
            if routes.tags.contains_key(&key) {
                continue;
            }
            let holder = Holder::Source {
                file: doc.file.clone(),
                what: format!("the tag `{tag}`"),
                at: Some((Arc::clone(&doc.text), at)),
            };
            if let Some(route) = page_route(&tag_dir(&key), tag, &holder, &mut diags) {
                claims.claim(&route, holder, &mut diags);
                routes.tags.insert(key, route);
            }
        }
    }

    for (ci, c) in book.chapters.iter().enumerate() {
        let at = c.meta.keys.key("aliases");
        for alias in &c.meta.aliases {
            let holder = Holder::Source {
                file: c.doc.file.clone(),
                what: format!("the alias `{alias}`"),
                at: Some((Arc::clone(&c.doc.text), at)),
            };
            let route = alias_route(alias);
            match route {
                Ok(route) => {
                    if claims.claim(&route, holder, &mut diags) {
                        routes.aliases.push(Alias { chapter: ci, route });
                    }
                }
                Err(why) => diags.push(
                    Diagnostic::error(
                        "bad-alias",
                        &c.doc.file,
                        format!("`{alias}` is not a path below the site: {why}"),
                    )
                    .at_offset(&c.doc.text, at)
                    .with_help("write the old URL's path without the base, e.g. \"old-slug\" or \"part/old-slug\""),
                ),
            }
        }
    }

    // Static files: the theme's first; the root's `static/` may replace a
    // theme file of the same path but nothing else.
    let mut by_path: BTreeMap<String, usize> = BTreeMap::new();
    for (path, file) in statics {
        let origin = file.origin().to_string();
        let route = match Route::file(&path) {
            Ok(r) => r,
            Err(why) => {
                diags.push(Diagnostic::error("bad-path", &origin, format!("this file cannot be published: {why}")));
                continue;
            }
        };
        match by_path.get(&path) {
            Some(&i) => routes.statics[i] = (route, file),
            None => {
                let holder = if file.is_theme() {
                    Holder::Theme
                } else {
                    Holder::Source { file: origin, what: "the static file".into(), at: None }
                };
                if claims.claim_static(&route, holder, &mut diags) {
                    by_path.insert(path, routes.statics.len());
                    routes.statics.push((route, file));
                }
            }
        }
    }
    (routes, diags)
}

/// A page route for a name from the user's files, or an error at `holder`.
fn page_route(dir: &str, name: &str, holder: &Holder, diags: &mut Vec<Diagnostic>) -> Option<Route> {
    match Route::page(dir) {
        Ok(route) => Some(route),
        Err(why) => {
            if let Holder::Source { file, what, .. } = holder {
                diags.push(
                    Diagnostic::error("bad-path", file, format!("{what} `{name}` gets no usable URL: {why}"))
                        .with_help("rename it with letters, digits and dashes"),
                );
            }
            None
        }
    }
}

/// `old`, `/part/old/` -> `part/old/`.
/// The redirect page an alias writes: a folder's `index.html`, or, for an
/// old URL of a page file (`guide/install.html`, as mdBook wrote them),
/// that file itself.
fn alias_route(alias: &str) -> Result<Route, String> {
    let trimmed = alias.trim().trim_matches('/');
    if trimmed.contains("://") {
        return Err("it is a full URL".into());
    }
    if trimmed.is_empty() {
        return Err("it is the home page".into());
    }
    if trimmed.ends_with(".html") {
        return Route::file(trimmed);
    }
    Route::page(&format!("{trimmed}/"))
}

/// Routes taken so far, by lowercased path, and every folder they need.
#[derive(Default)]
struct Claims {
    files: HashMap<String, Holder>,
    /// Folder (lowercased, with trailing `/`) -> a file that needs it.
    dirs: HashMap<String, Holder>,
}

impl Claims {
    fn claim_file(&mut self, path: &str, holder: Holder) {
        self.add(&fold(path), holder);
    }

    fn add(&mut self, key: &str, holder: Holder) {
        let mut end = 0;
        while let Some(i) = key[end..].find('/') {
            end += i + 1;
            self.dirs.entry(key[..end].to_string()).or_insert_with(|| holder.clone());
        }
        self.files.insert(key.to_string(), holder);
    }

    /// Takes a page route; false (and an error) if something holds it.
    fn claim(&mut self, route: &Route, holder: Holder, diags: &mut Vec<Diagnostic>) -> bool {
        let key = fold(route.as_str());
        let first = key.split('/').next().unwrap_or("");
        let clash = if key.contains('/') && GENERATED_DIRS.contains(&first) {
            Some(Holder::Generated)
        } else {
            self.clash(&key)
        };
        if let Some(other) = clash {
            report(route, &holder, &other, diags);
            return false;
        }
        self.add(&key, holder);
        true
    }

    /// Takes a static file's route: theme assets own `assets/`, and the
    /// root's files may go anywhere no page or generated file is.
    fn claim_static(&mut self, route: &Route, holder: Holder, diags: &mut Vec<Diagnostic>) -> bool {
        let key = fold(route.as_str());
        let first = key.split('/').next().unwrap_or("");
        let reserved = key.contains('/') && GENERATED_DIRS.contains(&first) && first != "assets";
        let clash = if reserved { Some(Holder::Generated) } else { self.clash(&key) };
        if let Some(other) = clash {
            report(route, &holder, &other, diags);
            return false;
        }
        self.add(&key, holder);
        true
    }

    fn clash(&self, key: &str) -> Option<Holder> {
        if let Some(h) = self.files.get(key) {
            return Some(h.clone());
        }
        if let Some(h) = self.dirs.get(&format!("{key}/")) {
            return Some(h.clone());
        }
        let mut end = 0;
        while let Some(i) = key[end..].find('/') {
            end += i + 1;
            if let Some(h) = self.files.get(&key[..end - 1]) {
                return Some(h.clone());
            }
        }
        None
    }
}

/// A path as a case-insensitive, normalising file system sees it: macOS
/// and Windows treat `A`/`a`, `Ä`/`ä`, composed and decomposed `é`, and
/// `ſ`/`s` as one name. (NFKC, then lower case, with final sigma as sigma.)
fn fold(path: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    path.nfkc().collect::<String>().to_lowercase().replace('ς', "σ")
}

fn describe(holder: &Holder) -> String {
    match holder {
        Holder::Generated => "a page the generator writes".into(),
        Holder::Theme => "a theme file".into(),
        Holder::Source { file, what, .. } => format!("{what} in `{file}`"),
    }
}

fn report(route: &Route, holder: &Holder, other: &Holder, diags: &mut Vec<Diagnostic>) {
    let Holder::Source { file, what, at } = holder else { return };
    let code = if what.starts_with("the alias") { "alias-collision" } else { "duplicate-url" };
    let url = if route.url_path().is_empty() { route.as_str() } else { route.url_path() };
    let mut d = Diagnostic::error(
        code,
        file,
        format!("{what} would take the URL `/{url}`, already used by {}", describe(other)),
    );
    d.help = Some(if what.starts_with("the alias") {
        "remove the alias; that URL is taken".into()
    } else {
        "rename the file or folder so that its URL is its own".into()
    });
    if let Some((text, offset)) = at {
        d = d.at_offset(text, *offset);
    }
    diags.push(d);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_route_may_not_be_a_folder_of_another() {
        let mut claims = Claims::default();
        let mut diags = Vec::new();
        let holder = |f: &str| Holder::Source { file: f.into(), what: "the chapter".into(), at: None };
        claims.claim_file("sitemap.xml", Holder::Generated);
        assert!(claims.claim(&Route::page("a/").unwrap(), holder("x"), &mut diags));
        assert!(!claims.claim(&Route::page("A/").unwrap(), holder("y"), &mut diags));
        assert!(!claims.claim(&Route::page("sitemap.xml/").unwrap(), holder("z"), &mut diags));
        assert!(!claims.claim(&Route::page("search/").unwrap(), holder("w"), &mut diags));
        assert!(!claims.claim_static(&Route::file("a").unwrap(), holder("v"), &mut diags));
        assert_eq!(diags.len(), 4);
        assert!(claims.claim(&Route::page("secret/").unwrap(), holder("s"), &mut diags));
        assert!(!claims.claim(&Route::page("ſecret/").unwrap(), holder("t"), &mut diags));
        assert!(claims.claim(&Route::page("caf\u{e9}/").unwrap(), holder("c"), &mut diags));
        assert!(!claims.claim(&Route::page("cafe\u{301}/").unwrap(), holder("d"), &mut diags));
    }
}
