//! Sentences, paragraphs, lists, tables and tips for generated bodies,
//! built from the word lists in `words`.

use super::Rng;
use super::words::*;

pub(super) fn fill(template: &str, topic: &str, rng: &mut Rng) -> String {
    let mut out = String::with_capacity(template.len() + 40);
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let key = rest.as_bytes().get(i + 1).copied().unwrap_or(b'?');
        match key {
            b'a' => out.push_str(rng.pick(ACTIONS)),
            b't' => out.push_str(rng.pick(TIMES)),
            b'o' => out.push_str(rng.pick(OUTCOMES)),
            b'r' => out.push_str(rng.pick(ROLES)),
            b'R' => out.push_str(&capital(rng.pick(ROLES))),
            b'f' => out.push_str(rng.pick(ARTIFACTS)),
            b'p' => out.push_str(topic),
            b'n' => out.push_str(rng.pick(ANTI)),
            b'c' => {
                out.push('`');
                out.push_str(rng.pick(CODE));
                out.push('`');
            }
            _ => {}
        }
        rest = &rest[(i + 3).min(rest.len())..];
    }
    out.push_str(rest);
    capital(&out)
}

/// Sometimes emphasises a word or two, or strikes one through.
pub(super) fn sentence(topic: &str, rng: &mut Rng) -> String {
    let s = fill(rng.pick(SENTENCES), topic, rng);
    let mut words: Vec<String> = s.split(' ').map(str::to_string).collect();
    if words.len() < 6 || s.contains('`') {
        return s;
    }
    let roll = rng.range(0, 99);
    let i = rng.range(1, words.len() - 3);
    let plain = |w: &str| w.chars().all(char::is_alphabetic);
    if roll < 12 && plain(&words[i]) {
        words[i] = format!("*{}*", words[i]);
    } else if roll < 20 && plain(&words[i]) && plain(&words[i + 1]) {
        words[i] = format!("**{}", words[i]);
        words[i + 1] = format!("{}**", words[i + 1]);
    } else if roll < 23 && plain(&words[i]) && words[i].len() > 3 {
        words[i] = format!("~~{0}~~ {0}", words[i]);
    }
    words.join(" ")
}

pub(super) fn paragraph(topic: &str, n: usize, rng: &mut Rng) -> String {
    (0..n).map(|_| sentence(topic, rng)).collect::<Vec<_>>().join(" ")
}

pub(super) fn short_item(rng: &mut Rng) -> String {
    match rng.range(0, 3) {
        0 => format!("{} {}.", capital(rng.pick(ACTIONS)), rng.pick(TIMES)),
        1 => format!("Avoid {}.", rng.pick(ANTI)),
        2 => format!("Keep {} current, so {} can rely on it.", rng.pick(ARTIFACTS), rng.pick(ROLES)),
        _ => format!("Check that {} knows the goal and the owner.", rng.pick(ROLES)),
    }
}

pub(super) fn bullets(rng: &mut Rng) -> String {
    (0..rng.range(3, 6)).map(|_| format!("- {}", short_item(rng))).collect::<Vec<_>>().join("\n")
}

pub(super) fn numbered(rng: &mut Rng) -> String {
    (1..=rng.range(3, 6))
        .map(|i| format!("{i}. {}, then {}.", capital(rng.pick(ACTIONS)), rng.pick(ACTIONS)))
        .collect::<Vec<_>>()
        .join("\n")
}

pub(super) fn tasks(rng: &mut Rng) -> String {
    (0..rng.range(3, 5))
        .map(|_| format!("- [{}] {}", if rng.chance(0.4) { "x" } else { " " }, short_item(rng)))
        .collect::<Vec<_>>()
        .join("\n")
}

pub(super) fn table(rng: &mut Rng) -> String {
    let header = if rng.chance(0.5) { "| Situation | Do | Avoid |" } else { "| Signal | First move | Trap |" };
    let mut rows = vec![header.to_string(), "| --- | --- | --- |".to_string()];
    for s in rng.sample(SITUATIONS, 3, 5) {
        rows.push(format!("| {s} | {} | {} |", capital(rng.pick(ACTIONS)), capital(rng.pick(ANTI))));
    }
    rows.join("\n")
}

pub(super) fn tip(topic: &str, rng: &mut Rng) -> String {
    format!("> [!TIP]\n> {}", fill(rng.pick(TIPS), topic, rng))
}

pub(super) fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}
