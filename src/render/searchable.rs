//! The pages the search index covers, gathered from the compiled site:
//! each chapter with the examples this build shows on it, and onboarding.

use std::borrow::Cow;

use crate::compile::site::Site;
use crate::render::search;
use crate::route::Route;

/// The search index files for the site: each chapter (with the examples
/// this build shows on it) and the onboarding page, in reading order.
pub(crate) fn search_index(site: &Site, emit: &(dyn Fn(Route, Vec<u8>) + Sync)) {
    let examples_of = site.examples_by_chapter();
    let mut pages: Vec<search::Page> = site
        .chapters
        .iter()
        .zip(&examples_of)
        .map(|(compiled, examples)| {
            let c = &compiled.chapter;
            let card = &c.meta;
            let lead: Vec<&str> =
                [Some(card.summary.as_str()), card.do_.as_deref(), card.dont.as_deref(), card.why.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect();
            let rendered = &compiled.rendered;
            let mut sections = vec![search::SearchSection {
                anchor: None,
                heading: "",
                text: Cow::Owned(format!(
                    "{} {}",
                    lead.join(" "),
                    rendered.sections.first().map_or("", |s| s.text.as_str())
                )),
                team: None,
            }];
            sections.extend(rendered.sections.iter().skip(1).map(search::SearchSection::of));
            let mut teams = Vec::new();
            for ex in examples {
                let team = &ex.team.team;
                if !teams.contains(&team.name.as_str()) {
                    teams.push(team.name.as_str());
                }
                let example = &ex.example.example;
                let ex_sections = &ex.example.rendered.sections;
                sections.push(search::SearchSection {
                    anchor: Some(Cow::Owned(example.anchor())),
                    heading: &example.meta.title,
                    text: ex_sections.first().map_or(Cow::Borrowed(""), |s| Cow::Borrowed(s.text.as_str())),
                    team: Some(&team.name),
                });
                sections.extend(
                    ex_sections
                        .iter()
                        .skip(1)
                        .map(|s| search::SearchSection { team: Some(&team.name), ..search::SearchSection::of(s) }),
                );
            }
            search::Page {
                url: format!("/{}", c.route.url_path()),
                title: &c.meta.title,
                part: site.part(c.part).map(|p| p.title.as_str()),
                teams,
                sections,
            }
        })
        .collect();
    if let Some(d) = &site.onboarding {
        pages.push(search::Page {
            url: format!("/{}", crate::route::onboarding().url_path()),
            title: &d.doc.title,
            part: None,
            teams: Vec::new(),
            sections: d.rendered.sections.iter().map(search::SearchSection::of).collect(),
        });
    }
    // The index names its own files (hex shard prefixes, page numbers), and
    // they are routes like any other.
    search::build(&pages, &site.config.language, &|path, bytes| {
        if let Ok(route) = Route::file(&path) {
            emit(route, bytes);
        }
    });
}
