//! `sitemap.xml`: every page a reader (or a search engine) should find.
//! The sitemap protocol needs absolute URLs, so it is written only when
//! `base_url` is a full URL.

use crate::compile::site::Site;
use crate::date::Date;
use crate::route;

/// Why this site gets no sitemap, if it gets none.
pub(crate) fn left_out(site: &Site) -> Option<&'static str> {
    (!site.config.base_url.contains("://"))
        .then_some("no sitemap.xml: the sitemap protocol needs absolute URLs and base_url is a path")
}

pub(crate) fn sitemap(site: &Site) -> Option<String> {
    if left_out(site).is_some() {
        return None;
    }
    let root = site.config.base_url.as_str();
    let home = route::home();
    let onboarding = route::onboarding();
    let mut urls: Vec<(&str, Option<Date>)> = vec![(home.url_path(), None)];
    urls.extend(site.chapters.iter().map(|c| (c.chapter.route.url_path(), c.chapter.meta.reviewed)));
    urls.extend(site.parts.iter().map(|p| (p.route.url_path(), None)));
    urls.extend(site.teams.iter().filter(|t| t.shown).map(|t| (t.team.route.url_path(), None)));
    if site.onboarding.is_some() {
        urls.push((onboarding.url_path(), None));
    }
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (path, date) in urls {
        out.push_str("  <url><loc>");
        crate::html::escape_into(&mut out, &format!("{root}{path}"));
        out.push_str("</loc>");
        if let Some(d) = date {
            out.push_str(&format!("<lastmod>{d}</lastmod>"));
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    Some(out)
}
