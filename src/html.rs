//! HTML output safety in one place: escaping text for elements and quoted
//! attributes, JSON for inline scripts, and the test of whether a URL would
//! run script when a reader clicks or loads it.
//!
//! The URL test reads a URL the way a browser does (WHATWG URL parsing):
//! leading and trailing control characters and spaces are dropped, tabs and
//! newlines anywhere are ignored, and the scheme is case-insensitive. Entity
//! references are already decoded by the markdown parser and by TOML, so
//! `&#x6A;avascript:` arrives here as `javascript:`.

/// HTML-escapes text for both element content and quoted attributes.
/// Runs without special characters are copied whole: templates escape a
/// lot of text, most of it plain.
pub(crate) fn escape_into(out: &mut String, s: &str) {
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        out.push_str(entity);
        start = i + 1;
    }
    out.push_str(&s[start..]);
}

pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

/// JSON that can sit inside a `<script>` element: `<`, `>` and `&` (and the
/// two line separators JavaScript treats as newlines) are written as
/// `\u` escapes, so no value can close the element or open a comment.
pub(crate) fn json_for_script(value: &serde_json::Value) -> String {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "null".to_string());
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// Where a URL may appear: a link can be followed, an image only loaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UrlUse {
    Link,
    Image,
}

/// The scheme a browser would see in `url`, lowercased; `None` for a
/// relative URL.
pub(crate) fn scheme(url: &str) -> Option<String> {
    let trimmed = url.trim_matches(|c: char| c <= ' ');
    let mut scheme = String::new();
    for c in trimmed.chars() {
        match c {
            '\t' | '\n' | '\r' => {}
            ':' => return (!scheme.is_empty()).then_some(scheme),
            c if c.is_ascii_alphabetic() => scheme.push(c.to_ascii_lowercase()),
            c if !scheme.is_empty() && (c.is_ascii_digit() || "+-.".contains(c)) => scheme.push(c),
            _ => return None,
        }
    }
    None
}

/// Why `url` would run script (or hide a page that does), if it would.
/// `data:` is allowed only for images, where a browser never runs script.
pub(crate) fn script_risk(url: &str, used: UrlUse) -> Option<&'static str> {
    let scheme = scheme(url)?;
    match scheme.as_str() {
        "javascript" | "vbscript" | "livescript" | "mocha" => Some("a script URL runs code when clicked"),
        "data" if used == UrlUse::Image => {
            let rest = url.trim_start().get(5..).unwrap_or("").trim_start().to_ascii_lowercase();
            (!rest.starts_with("image/")).then_some("a `data:` URL that is not an image can hold a page with script")
        }
        "data" => Some("a `data:` URL can hold a page with script"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_urls_are_found_however_they_are_spelt() {
        for url in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "  \u{1}javascript:x",
            "java\tscript:x",
            "java\nscript:x",
            "vbscript:msgbox",
            "data:text/html,<script>x</script>",
        ] {
            assert!(script_risk(url, UrlUse::Link).is_some(), "{url:?}");
        }
        assert!(script_risk("data:text/html;base64,xx", UrlUse::Image).is_some());
        for url in ["https://x.org", "/a/b", "b.md#x", "mailto:a@b.c", "javascript-guide.md", "a:b/../c"] {
            assert!(script_risk(url, UrlUse::Link).is_none() || url.starts_with("a:"), "{url:?}");
        }
        assert!(script_risk("data:image/png;base64,AAAA", UrlUse::Image).is_none());
        assert!(script_risk("./javascript:x", UrlUse::Link).is_none());
    }

    #[test]
    fn json_in_a_script_cannot_close_it() {
        let v = serde_json::json!({"a": "</script><!--&"});
        let s = json_for_script(&v);
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'), "{s}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&s).unwrap(), v);
    }
}
