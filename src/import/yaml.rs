//! YAML front matter (`---` fences), as Jekyll, Hugo, Docusaurus and MkDocs
//! write it, mapped to the playbook's keys. Keys with no counterpart are
//! kept under `[extra]`, so nothing the authors wrote is lost.

use yaml_rust2::{Yaml, YamlLoader};

/// The YAML between `---` fences at the top of `text`, and where the body
/// starts.
pub(super) fn split(text: &str) -> Option<(&str, usize)> {
    let rest = text.strip_prefix("---\n").or_else(|| text.strip_prefix("---\r\n"))?;
    let open = text.len() - rest.len();
    let mut at = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" || line.trim_end() == "..." {
            return Some((&rest[..at], open + at + line.len()));
        }
        at += line.len();
    }
    None
}

/// What a page's YAML front matter says, in the playbook's terms.
#[derive(Debug, Default)]
pub(super) struct Mapped {
    pub title: Option<String>,
    pub weight: Option<i64>,
    /// Old URLs (`aliases`, `redirect_from`, `permalink`, `slug`, `url`).
    pub old_urls: Vec<String>,
    pub front: toml::Table,
    /// Keys whose value could not be kept (a weight that is not a number).
    pub dropped: Vec<String>,
}

/// The line of the first anchor (`&name` where a value starts), if any.
fn anchor_line(yaml: &str) -> Option<usize> {
    yaml.lines().position(|line| {
        let b = line.as_bytes();
        (0..b.len()).any(|i| {
            b[i] == b'&'
                && b.get(i + 1).is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
                && (i == 0 || matches!(b[i - 1], b' ' | b'[' | b',' | b'-' | b':' | b'{'))
        })
    })
}

/// Maps `yaml` (the text between the fences) to front-matter keys. `Err`:
/// the YAML does not parse (message, line).
pub(super) fn map(yaml: &str) -> Result<Mapped, (String, usize)> {
    // The parser copies what an alias names, each time: nine nested
    // anchors of nine aliases are gigabytes. Front matter has no need of them.
    if let Some(line) = anchor_line(yaml) {
        return Err(("YAML anchors (`&name`) are not supported in front matter".into(), line));
    }
    let docs = YamlLoader::load_from_str(yaml).map_err(|e| (e.info().to_string(), e.marker().line()))?;
    let mut out = Mapped::default();
    let Some(Yaml::Hash(hash)) = docs.into_iter().next() else { return Ok(out) };
    let mut extra = toml::Table::new();
    for (key, value) in hash {
        let Some(key) = key.as_str().map(str::to_string) else { continue };
        match key.as_str() {
            "title" => out.title = text(&value),
            "description" | "summary" | "excerpt" => {
                if let Some(s) = text(&value) {
                    out.front.insert("summary".into(), s.into());
                }
            }
            "tags" | "keywords" | "categories" => {
                let tags: Vec<toml::Value> = list(&value).into_iter().map(toml::Value::from).collect();
                if !tags.is_empty() {
                    out.front.insert("tags".into(), tags.into());
                } else if !matches!(value, Yaml::Null | Yaml::Array(_)) {
                    out.dropped.push(key);
                }
            }
            "draft" | "unlisted" | "published" => match value.as_bool() {
                Some(b) => {
                    out.front.insert("draft".into(), (b != (key == "published")).into());
                }
                None => out.dropped.push(key),
            },
            "weight" | "sidebar_position" | "nav_order" | "order" => {
                out.weight = value
                    .as_i64()
                    .or_else(|| value.as_f64().filter(|f| f.is_finite() && f.abs() < 1e15).map(|f| f.round() as i64));
                if out.weight.is_none() {
                    out.dropped.push(key);
                }
            }
            "aliases" | "redirect_from" => out.old_urls.extend(list(&value)),
            "permalink" | "slug" | "url" => out.old_urls.extend(text(&value)),
            "date" | "last_reviewed" | "reviewed" | "lastmod" | "last_modified_at" => {
                let date = text(&value).and_then(|s| s.get(..10)?.parse::<toml::value::Datetime>().ok());
                if let Some(date) = date.filter(|d| d.date.is_some() && d.time.is_none()) {
                    out.front.insert("reviewed".into(), toml::Value::Datetime(date));
                }
            }
            "owners" | "authors" | "author" => {
                let owners: Vec<toml::Value> = list(&value).into_iter().map(toml::Value::from).collect();
                if !owners.is_empty() {
                    out.front.insert("owners".into(), owners.into());
                }
            }
            _ => match to_toml(&value, 0) {
                Some(v) => {
                    extra.insert(key, v);
                }
                None => out.dropped.push(key),
            },
        }
    }
    if !extra.is_empty() {
        out.front.insert("extra".into(), extra.into());
    }
    Ok(out)
}

fn text(value: &Yaml) -> Option<String> {
    match value {
        Yaml::String(s) | Yaml::Real(s) => Some(s.clone()),
        Yaml::Integer(i) => Some(i.to_string()),
        Yaml::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A list, or one value as a list of one; a string of comma-separated
/// words too (`tags: a, b`).
fn list(value: &Yaml) -> Vec<String> {
    match value {
        Yaml::Array(items) => items.iter().filter_map(text).collect(),
        Yaml::String(s) if s.contains(',') => {
            s.split(',').map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect()
        }
        other => text(other).into_iter().collect(),
    }
}

/// A YAML value as TOML, to 16 levels (deeper is not front matter).
fn to_toml(value: &Yaml, depth: usize) -> Option<toml::Value> {
    if depth > 16 {
        return None;
    }
    Some(match value {
        Yaml::String(s) => s.clone().into(),
        Yaml::Integer(i) => (*i).into(),
        Yaml::Real(r) => r.parse::<f64>().ok().filter(|f| f.is_finite())?.into(),
        Yaml::Boolean(b) => (*b).into(),
        Yaml::Array(items) => toml::Value::Array(items.iter().filter_map(|v| to_toml(v, depth + 1)).collect()),
        Yaml::Hash(hash) => toml::Value::Table(
            hash.iter().filter_map(|(k, v)| Some((k.as_str()?.to_string(), to_toml(v, depth + 1)?))).collect(),
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_map_and_the_rest_is_extra() {
        let text = "---\ntitle: Getting started\ndescription: First steps\ntags: [a, b]\nsidebar_position: 3\n\
                    redirect_from:\n  - /old/start/\ndate: 2026-03-04\nhero_image: x.png\n---\n# Body\n";
        let (yaml, body) = split(text).unwrap();
        assert_eq!(&text[body..], "# Body\n");
        let m = map(yaml).unwrap();
        assert_eq!(m.title.as_deref(), Some("Getting started"));
        assert_eq!(m.weight, Some(3));
        assert_eq!(m.old_urls, ["/old/start/"]);
        assert_eq!(m.front["summary"].as_str(), Some("First steps"));
        assert_eq!(m.front["reviewed"].to_string(), "2026-03-04");
        assert_eq!(m.front["extra"]["hero_image"].as_str(), Some("x.png"));
        assert!(map("title: [unclosed\n").is_err());
        assert_eq!(map("a: &x [1]\nb: [*x, *x]\n").err().map(|e| e.1), Some(0), "anchors are refused");
        assert!(map("title: \"Tom & Jerry\"\n").is_ok(), "an ampersand in text is not an anchor");
        assert!(split("no fences\n").is_none());
    }
}
