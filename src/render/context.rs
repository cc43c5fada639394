//! What every page's rendering shares, prepared once per render: the site
//! settings templates see as `site`, the chain of parts above each chapter,
//! the examples each chapter shows, the tag index, and "today".

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tera::Context;

use super::nav::{self, NavView};
use super::theme::Theme;
use super::views::{Link, SiteView, TagIndex};
use crate::compile::markdown::Rendered;
use crate::compile::site::{ExampleRef, Site};
use crate::date::Date;
use crate::route::{self, Route};

/// Lookups shared by every page of one render.
pub(crate) struct Lookups<'a> {
    pub site: &'a Site,
    pub theme: &'a Theme,
    /// The context every page starts from (`site`).
    pub base_ctx: Context,
    /// The parts above each chapter, outermost first, by chapter index.
    pub chains: Vec<Vec<usize>>,
    pub chapter_of: HashMap<&'a str, usize>,
    /// The examples this build shows on each chapter, by chapter index.
    pub examples_of: Vec<Vec<ExampleRef<'a>>>,
    pub tags: TagIndex<'a>,
    /// Days since 1970 ("today" for review staleness).
    pub today: i64,
    pub print_cache: &'a PrintCache,
    /// Only bodies changed since `print_cache` was filled.
    pub incremental: bool,
}

impl<'a> Lookups<'a> {
    pub(crate) fn new(site: &'a Site, theme: &'a Theme, print_cache: &'a PrintCache, incremental: bool) -> Lookups<'a> {
        let tags = TagIndex::new(site);
        let config = &site.config;
        let team_link =
            |t: &'a crate::compile::site::CompiledTeam| Link { title: &t.team.name, url: t.team.route.url(&site.base) };
        let site_view = SiteView {
            title: &config.title,
            description: &config.description,
            base: &site.base,
            base_url: &config.base_url,
            language: &config.language,
            extra: &config.extra,
            edition: site.edition.as_ref().and_then(|id| site.teams.iter().find(|t| &t.team.id == id).map(team_link)),
            onboarding: site
                .onboarding
                .as_ref()
                .map(|d| Link { title: &d.doc.title, url: route::onboarding().url(&site.base) }),
            teams: site.teams.iter().filter(|t| t.shown).map(team_link).collect(),
            has_tags: !tags.tags.is_empty(),
            search: config.search,
            print_url: route::print().url(&site.base),
            custom_css: site
                .routes
                .statics
                .iter()
                .find(|(r, f)| r.as_str() == "custom.css" && !f.is_theme())
                .map(|(r, _)| r.url(&site.base)),
            generator: concat!("playbook ", env!("CARGO_PKG_VERSION")),
        };
        let mut base_ctx = Context::new();
        base_ctx.insert("site", &site_view);
        Lookups {
            site,
            theme,
            base_ctx,
            chains: nav::ancestors(site),
            chapter_of: site.chapter_index(),
            examples_of: site.examples_by_chapter(),
            tags,
            today: Date::today().days(),
            print_cache,
            incremental,
        }
    }

    pub(crate) fn url(&self, route: &Route) -> String {
        route.url(&self.site.base)
    }

    /// The sidebar of a page: the window around chapter `current` (or the
    /// first chapters), with `part` marked current on a part's page.
    pub(crate) fn nav(&self, current: Option<usize>, part: Option<usize>) -> NavView<'a> {
        nav::window(self.site, &self.chains, &self.site.base, current, part)
    }

    /// Home, then the parts from the outermost down to `part`.
    pub(crate) fn breadcrumbs(&self, part: Option<usize>) -> Vec<Link<'a>> {
        let site = self.site;
        let mut chain = Vec::new();
        let mut at = part;
        while let Some(p) = at {
            chain.push(Link { title: &site.parts[p].title, url: self.url(&site.parts[p].route) });
            at = site.parts[p].parent;
        }
        chain.push(Link { title: "Home", url: self.url(&route::home()) });
        chain.reverse();
        chain
    }

    pub(crate) fn edit_url(&self, file: &str) -> Option<String> {
        self.site.config.edit_url.as_ref().map(|u| u.replace("{path}", file))
    }
}

/// A chapter's section with the rendering it came from.
pub(super) type PrintSection = (Vec<Arc<Rendered>>, Arc<str>);

/// Rendered sections by chapter index, kept between renders only when
/// made with `kept` (the dev server); a one-off build streams them instead.
#[derive(Default)]
pub(crate) struct PrintCache {
    keep: bool,
    pub(super) sections: Mutex<Vec<Option<PrintSection>>>,
}

impl PrintCache {
    pub(crate) fn kept() -> PrintCache {
        PrintCache { keep: true, sections: Mutex::default() }
    }

    pub(super) fn keeps(&self) -> bool {
        self.keep
    }

    /// Drops every kept section (after a failed render).
    pub(crate) fn forget(&self) {
        crate::sync::lock(&self.sections).clear();
    }
}
