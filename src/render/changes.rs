//! What changed: the recent edits of published pages, from the git history
//! the build read, as the changes page (grouped by week) and the Atom feed
//! (`feed.xml`). Outside a repository both are empty, not missing, so a
//! reader's subscription keeps working when the site moves.

use serde::Serialize;

use super::context::Lookups;
use crate::date::Date;
use crate::sources::git::Commit;

/// How many edits the page and the feed carry: a commit that touches
/// twenty chapters is twenty edits.
pub(crate) const RECENT: usize = 100;

/// One edit of one published page.
pub(crate) struct Change<'a> {
    pub title: String,
    /// URL path below the base (an example's ends in its fragment).
    pub path: String,
    pub commit: &'a Commit,
}

/// The newest `RECENT` edits of the pages this build shows, newest first
/// (one commit's pages in reading order).
pub(crate) fn recent<'a>(l: &Lookups<'a>) -> Vec<Change<'a>> {
    let site = l.site;
    let history = &*site.history;
    if history.commits.is_empty() {
        return Vec::new();
    }
    // (file, title, path) of every published document, in reading order.
    let mut docs: Vec<(&str, String, String)> = Vec::new();
    for c in &site.chapters {
        let ch = &c.chapter;
        docs.push((&ch.doc.file, ch.meta.title.clone(), ch.route.url_path().to_string()));
    }
    for team in site.teams.iter().filter(|t| t.shown) {
        for ex in &team.examples {
            let ex = &ex.example;
            let Some(i) = l.chapter_of(&ex.meta.chapter) else { continue };
            let page = site.chapters[i].chapter.route.url_path();
            docs.push((
                &ex.doc.file,
                format!("{} ({})", ex.meta.title, team.team.name),
                format!("{page}#{}", ex.anchor()),
            ));
        }
    }
    if let Some(d) = &site.onboarding {
        docs.push((&d.doc.file, d.doc.title.clone(), crate::route::onboarding().url_path().to_string()));
    }
    let mut edits: Vec<(u32, usize)> = Vec::new();
    for (n, (file, _, _)) in docs.iter().enumerate() {
        if let Some(commits) = history.by_file.get(*file) {
            // Each list is newest first: no document needs more than RECENT.
            edits.extend(commits.iter().take(RECENT).map(|&c| (c, n)));
        }
    }
    edits.sort_unstable();
    edits.truncate(RECENT);
    edits
        .into_iter()
        .filter_map(|(c, n)| {
            let (_, title, path) = &docs[n];
            Some(Change { title: title.clone(), path: path.clone(), commit: history.commits.get(c as usize)? })
        })
        .collect()
}

/// The changes page: edits grouped by the week (Monday) they were made.
#[derive(Serialize)]
pub(crate) struct ChangesView {
    pub title: &'static str,
    pub url: String,
    pub feed_url: String,
    pub weeks: Vec<Week>,
    /// The history ends at a shallow clone's boundary.
    pub shallow: bool,
}

#[derive(Serialize)]
pub(crate) struct Week {
    pub monday: Date,
    pub changes: Vec<ChangeView>,
}

#[derive(Serialize)]
pub(crate) struct ChangeView {
    pub title: String,
    pub url: String,
    pub date: Date,
    pub subject: String,
    pub commit: String,
}

pub(crate) fn view(l: &Lookups<'_>) -> ChangesView {
    let mut weeks: Vec<Week> = Vec::new();
    for c in recent(l) {
        let monday = week_of(c.commit.date);
        let change = ChangeView {
            url: format!("{}{}", l.site.base, c.path),
            title: c.title,
            date: c.commit.date,
            subject: c.commit.subject.clone(),
            commit: c.commit.id.chars().take(10).collect(),
        };
        match weeks.last_mut() {
            Some(w) if w.monday == monday => w.changes.push(change),
            _ => weeks.push(Week { monday, changes: vec![change] }),
        }
    }
    ChangesView {
        title: "What changed",
        url: l.url(&crate::route::changes()),
        feed_url: format!("{}{}", l.site.base, crate::route::feed().url_path()),
        weeks,
        shallow: l.site.history.shallow,
    }
}

/// The Monday that starts `date`'s week (ISO weeks).
fn week_of(date: Date) -> Date {
    let days = date.days();
    // 1970-01-01 was a Thursday: three days after a Monday.
    Date::from_days(days - (days + 3).rem_euclid(7))
}

/// `feed.xml`: the same edits as an Atom feed. Links are absolute when
/// `base_url` is a full URL, else paths from the site's root.
pub(crate) fn feed(l: &Lookups<'_>) -> String {
    let site = l.site;
    let root = if site.config.base_url.contains("://") { site.config.base_url.as_str() } else { site.base.as_str() };
    let changes = recent(l);
    // Newest first, and times never grow going back: the first is the latest.
    let updated = changes.first().map_or("1970-01-01T00:00:00Z", |c| c.commit.stamp.as_str());
    let mut out =
        String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    let line = |out: &mut String, open: &str, text: &str, close: &str| {
        out.push_str(open);
        xml_text(out, text);
        out.push_str(close);
    };
    line(&mut out, "  <title>", &format!("{}: what changed", site.config.title), "</title>\n");
    line(&mut out, "  <id>", &feed_id(site), "</id>\n");
    line(&mut out, "  <updated>", updated, "</updated>\n");
    line(&mut out, "  <author><name>", &site.config.title, "</name></author>\n");
    line(
        &mut out,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"",
        &format!("{root}{}", crate::route::changes().url_path()),
        "\"/>\n",
    );
    line(&mut out, "  <link rel=\"self\" href=\"", &format!("{root}{}", crate::route::feed().url_path()), "\"/>\n");
    for c in &changes {
        out.push_str("  <entry>\n");
        line(&mut out, "    <title>", &c.title, "</title>\n");
        line(&mut out, "    <link href=\"", &format!("{root}{}", c.path), "\"/>\n");
        line(&mut out, "    <id>", &format!("urn:x-playbook:{}:{}", c.commit.id, c.path), "</id>\n");
        line(&mut out, "    <updated>", &c.commit.stamp, "</updated>\n");
        line(&mut out, "    <summary>", &c.commit.subject, "</summary>\n");
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

/// A feed's id must stay the same for the life of the feed: the site's
/// address when it has one, else its title.
fn feed_id(site: &crate::compile::site::Site) -> String {
    if site.config.base_url.contains("://") {
        return format!("{}{}", site.config.base_url, crate::route::feed().url_path());
    }
    format!("urn:x-playbook:feed:{}", crate::compile::slug::slugify(&site.config.title))
}

/// Escapes `text` for XML, leaving out the characters XML 1.0 cannot hold
/// at all (most controls: a title may carry one through a TOML escape).
fn xml_text(out: &mut String, text: &str) {
    let clean: String = text
        .chars()
        .filter(|&c| (matches!(c, '\t' | '\n' | '\r') || !c.is_control()) && c != '\u{FFFE}' && c != '\u{FFFF}')
        .collect();
    crate::html::escape_into(out, &clean);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_monday() {
        let d = |y, m, day| Date { year: y, month: m, day };
        assert_eq!(week_of(d(2026, 11, 26)), d(2026, 11, 23)); // a Thursday
        assert_eq!(week_of(d(2026, 11, 23)), d(2026, 11, 23));
        assert_eq!(week_of(d(2026, 11, 22)), d(2026, 11, 16)); // a Sunday
        assert_eq!(week_of(d(2026, 1, 1)), d(2025, 12, 29));
    }

    #[test]
    fn feed_text_holds_no_character_xml_refuses() {
        let mut out = String::new();
        xml_text(&mut out, "a\u{1}b <c> & \"d\"\u{FFFF}");
        assert_eq!(out, "ab &lt;c&gt; &amp; &quot;d&quot;");
    }
}
