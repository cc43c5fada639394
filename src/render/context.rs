//! What every page's rendering shares, prepared once per render: the site
//! settings templates see as `site`, the chain of parts above each chapter,
//! the examples each chapter shows, the tag index, and "today".

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

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
    // The tables below are made when a page first asks. A render of a few
    // pages (`sparse`: the dev server after a body edit) makes none: at
    // 10,000 chapters they took ten times as long as the page.
    sparse: bool,
    chains: OnceLock<Vec<Vec<usize>>>,
    chapter_of: OnceLock<HashMap<&'a str, usize>>,
    examples_of: OnceLock<Vec<Vec<ExampleRef<'a>>>>,
    tags: OnceLock<TagIndex<'a>>,
    /// Days since 1970 ("today" for review staleness).
    pub today: i64,
    pub print_cache: &'a PrintCache,
    /// Only bodies changed since `print_cache` was filled.
    pub incremental: bool,
}

impl<'a> Lookups<'a> {
    pub(crate) fn new(
        site: &'a Site,
        theme: &'a Theme,
        print_cache: &'a PrintCache,
        incremental: bool,
        sparse: bool,
    ) -> Lookups<'a> {
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
            // A tag this build shows has a page (else the build failed).
            has_tags: !site.routes.tags.is_empty(),
            search: config.search,
            print_url: route::print().url(&site.base),
            custom_css: site
                .routes
                .statics
                .iter()
                .find(|(r, f)| r.as_str() == "custom.css" && !f.is_theme())
                .map(|(r, _)| r.url(&site.base)),
            generator: concat!("playbook ", env!("CARGO_PKG_VERSION")),
            latest_change: site.history.newest().map(|c| c.time),
        };
        let mut base_ctx = Context::new();
        base_ctx.insert("site", &site_view);
        Lookups {
            site,
            theme,
            base_ctx,
            sparse,
            chains: OnceLock::new(),
            chapter_of: OnceLock::new(),
            examples_of: OnceLock::new(),
            tags: OnceLock::new(),
            today: Date::today().days(),
            print_cache,
            incremental,
        }
    }

    /// The parts above chapter `i`, outermost first.
    pub(crate) fn chain(&self, i: usize) -> Cow<'_, [usize]> {
        match self.chains.get() {
            None if self.sparse => Cow::Owned(nav::chain(self.site, i)),
            _ => Cow::Borrowed(&self.chains.get_or_init(|| nav::ancestors(self.site))[i]),
        }
    }

    /// The chapter with this slug.
    pub(crate) fn chapter_of(&self, slug: &str) -> Option<usize> {
        match self.chapter_of.get() {
            None if self.sparse => self.site.chapters.iter().position(|c| c.chapter.slug == slug),
            _ => self.chapter_of.get_or_init(|| self.site.chapter_index()).get(slug).copied(),
        }
    }

    /// The examples this build shows on chapter `i`, in team order.
    pub(crate) fn examples_on(&self, i: usize) -> Cow<'_, [ExampleRef<'a>]> {
        match self.examples_of.get() {
            None if self.sparse => {
                let slug = self.site.chapters[i].chapter.slug.as_str();
                let shown = self.site.teams.iter().filter(|t| t.shown);
                let on = shown.flat_map(|team| {
                    let here = team.examples.iter().filter(|ex| ex.example.meta.chapter == slug);
                    here.map(move |example| ExampleRef { team, example })
                });
                Cow::Owned(on.collect())
            }
            _ => Cow::Borrowed(&self.examples_of.get_or_init(|| self.site.examples_by_chapter())[i]),
        }
    }

    pub(crate) fn tags(&self) -> &TagIndex<'a> {
        self.tags.get_or_init(|| TagIndex::new(self.site))
    }

    pub(crate) fn url(&self, route: &Route) -> String {
        route.url(&self.site.base)
    }

    /// The sidebar of a page: the window around chapter `current` (or the
    /// first chapters), with `part` marked current on a part's page.
    pub(crate) fn nav(&self, current: Option<usize>, part: Option<usize>) -> NavView<'a> {
        nav::window(self.site, &|i| self.chain(i), &self.site.base, current, part)
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
