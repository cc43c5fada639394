//! What a template may do. Templates come from the theme and from the
//! root's `templates/`, which anyone who can open a pull request can edit,
//! so they are held to three rules:
//!
//! - They cannot reach outside the site: Tera's `get_env` is replaced by a
//!   function that refuses, and nothing else that reads the environment or
//!   the file system is registered.
//! - They cannot run forever or exhaust memory: a template that includes
//!   itself (directly or through others, or through `extends`) and a macro
//!   that calls itself are refused before anything renders (Tera would
//!   recurse until the stack overflows, which aborts the process), and
//!   `range` hands out at most `RANGE_BUDGET` numbers per page.
//! - `json_encode` output can sit inside `<script>` safely (`<`, `>` and
//!   `&` escaped).
//!
//! The recursion check reads Tera's syntax tree, which Tera exposes but
//! does not promise to keep stable; Cargo.lock pins the version.

use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};

use tera::ast::{self, Expr, ExprVal};
use tera::{Tera, Value};

use crate::diagnostics::Diagnostic;

/// Numbers `range` may produce while one page renders.
const RANGE_BUDGET: usize = 100_000;

thread_local! {
    static RANGE_LEFT: Cell<usize> = const { Cell::new(RANGE_BUDGET) };
}

/// Called before each page renders (on the thread that renders it).
pub(crate) fn reset_budget() {
    RANGE_LEFT.with(|left| left.set(RANGE_BUDGET));
}

/// Registers the safe replacements on `tera`.
pub(crate) fn install(tera: &mut Tera) {
    tera.register_function("get_env", |_: &HashMap<String, Value>| -> tera::Result<Value> {
        Err(tera::Error::msg("`get_env` is not available: templates cannot read the environment"))
    });
    tera.register_function("range", |args: &HashMap<String, Value>| -> tera::Result<Value> {
        let number = |key: &str, default: u64| args.get(key).map_or(Some(default), Value::as_u64);
        let (Some(start), Some(end), Some(step)) = (number("start", 0), number("end", 0), number("step_by", 1)) else {
            return Err(tera::Error::msg("`range` takes whole numbers `start`, `end` and `step_by`"));
        };
        if !args.contains_key("end") {
            return Err(tera::Error::msg("`range` needs an `end`"));
        }
        if step == 0 {
            return Err(tera::Error::msg("`range` needs a `step_by` above 0"));
        }
        let count = usize::try_from(end.saturating_sub(start).div_ceil(step)).unwrap_or(usize::MAX);
        let left = RANGE_LEFT.with(Cell::get);
        if count > left {
            return Err(tera::Error::msg(format!(
                "`range` asked for {count} numbers; a page may use at most {RANGE_BUDGET} in all"
            )));
        }
        RANGE_LEFT.with(|l| l.set(left - count));
        Ok(Value::Array((start..end).step_by(step as usize).map(Value::from).collect()))
    });
    tera.register_filter("json_encode", |value: &Value, args: &HashMap<String, Value>| -> tera::Result<Value> {
        if args.get("pretty").and_then(Value::as_bool) == Some(true) {
            let pretty = serde_json::to_string_pretty(value).map_err(tera::Error::msg)?;
            return Ok(Value::String(pretty.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")));
        }
        Ok(Value::String(crate::html::json_for_script(value)))
    });
}

/// Template name -> (where it came from, its text).
pub(crate) type Sources = BTreeMap<String, (String, String)>;

/// A template or a macro: what can call or include what.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Callable {
    Template(String),
    /// (file, macro name)
    Macro(String, String),
}

/// Every circle of includes, extends and macro calls (a template that
/// includes itself, a macro that calls itself, a macro that includes a
/// template that calls the macro...), as errors at the template that
/// starts it.
pub(crate) fn recursion(tera: &Tera, sources: &Sources) -> Vec<Diagnostic> {
    let mut graph: BTreeMap<Callable, Vec<Callable>> = BTreeMap::new();
    let mut diags = Vec::new();
    let mut nests = |file: &str, keys: &[String]| {
        if let (Some(key), Some((origin, text))) = (keys.first(), sources.get(file)) {
            let d = Diagnostic::error(
                "template",
                origin,
                format!("`set {key} = [{key}]` puts a value inside itself; in a loop it grows without bound"),
            )
            .with_help("collect items into a list with `concat` instead");
            diags.push(at_mention(d, text, &format!("{key} = [")));
        }
    };
    for (name, template) in &tera.templates {
        if !sources.contains_key(name) {
            continue;
        }
        let namespaces: HashMap<&str, &str> =
            template.imported_macro_files.iter().map(|(file, ns)| (ns.as_str(), file.as_str())).collect();
        let edges = |found: Found| -> Vec<Callable> {
            let includes = found.includes.into_iter().filter(|n| sources.contains_key(n)).map(Callable::Template);
            let calls = found.macro_calls.into_iter().filter_map(|(ns, m)| {
                let file = if ns == "self" { name.as_str() } else { namespaces.get(ns.as_str()).copied()? };
                Some(Callable::Macro(file.to_string(), m))
            });
            includes.chain(calls).collect()
        };
        let mut found = Found::default();
        walk(&template.ast, &mut found);
        nests(name, &found.self_nesting);
        let mut out = edges(found);
        out.extend(template.parent.iter().cloned().map(Callable::Template));
        graph.insert(Callable::Template(name.clone()), out);
        for (macro_name, def) in &template.macros {
            let mut inner = Found::default();
            walk(&def.body, &mut inner);
            nests(name, &inner.self_nesting);
            graph.insert(Callable::Macro(name.clone(), macro_name.clone()), edges(inner));
        }
    }
    let mut reported = std::collections::HashSet::new();
    for cycle in cycles(&graph) {
        let file = match &cycle[0] {
            Callable::Template(t) | Callable::Macro(t, _) => t,
        };
        if !reported.insert(file.clone()) {
            continue;
        }
        let Some((origin, text)) = sources.get(file) else { continue };
        let names: Vec<String> = cycle
            .iter()
            .map(|n| match n {
                Callable::Template(t) => t.clone(),
                Callable::Macro(_, m) => format!("macro {m}"),
            })
            .collect();
        let first = &names[0];
        let macros = cycle.iter().any(|n| matches!(n, Callable::Macro(..)));
        let (message, mention) = match (&cycle[0], cycle.len(), macros) {
            (Callable::Template(t), 1, _) => {
                (format!("template `{t}` includes itself, which would never finish"), t.clone())
            }
            (Callable::Macro(_, m), 1, _) => (
                format!("macro `{m}` calls itself; recursive macros are not allowed (they can run forever)"),
                format!("macro {m}"),
            ),
            (_, _, false) => (
                format!(
                    "templates include each other in a circle ({} -> {first}), which would never finish",
                    names.join(" -> ")
                ),
                match &cycle[1] {
                    Callable::Template(t) | Callable::Macro(t, _) => t.clone(),
                },
            ),
            (start, _, true) => (
                format!(
                    "macros and includes call each other in a circle ({} -> {first}); recursive macros are not allowed",
                    names.join(" -> ")
                ),
                match start {
                    Callable::Macro(_, m) => format!("macro {m}"),
                    Callable::Template(_) => match &cycle[1] {
                        Callable::Template(t) | Callable::Macro(t, _) => t.clone(),
                    },
                },
            ),
        };
        let d = Diagnostic::error("template", origin, message)
            .with_help("build nested lists in a loop instead, or ask for the data already shaped");
        diags.push(at_mention(d, text, &mention));
    }
    if reported.is_empty()
        && let Some((start, depth)) = deepest(&graph)
        && depth > MAX_CALL_DEPTH
    {
        let file = match &start {
            Callable::Template(t) | Callable::Macro(t, _) => t,
        };
        if let Some((origin, _)) = sources.get(file) {
            diags.push(Diagnostic::error(
                "template",
                origin,
                format!("includes and macro calls chain {depth} deep from here; the limit is {MAX_CALL_DEPTH}"),
            ));
        }
    }
    diags
}

/// How many includes and macro calls may nest at render time: each is a
/// level of Tera's recursion.
const MAX_CALL_DEPTH: usize = 64;

/// The node that starts the longest chain of includes and calls, and the
/// chain's length (the graph has no circles by now).
fn deepest(graph: &BTreeMap<Callable, Vec<Callable>>) -> Option<(Callable, usize)> {
    let mut depth: BTreeMap<&Callable, usize> = BTreeMap::new();
    // Post-order without recursion: a node's depth once all its callees have one.
    for start in graph.keys() {
        let mut stack = vec![(start, false)];
        while let Some((node, expanded)) = stack.pop() {
            if depth.contains_key(node) {
                continue;
            }
            let edges = graph.get(node).map_or(&[][..], Vec::as_slice);
            if expanded {
                let d = 1 + edges.iter().filter_map(|e| depth.get(e)).max().copied().unwrap_or(0);
                depth.insert(node, d);
            } else {
                stack.push((node, true));
                stack.extend(
                    edges
                        .iter()
                        .filter(|e| !depth.contains_key(e))
                        .filter_map(|e| graph.get_key_value(e))
                        .map(|(k, _)| (k, false)),
                );
            }
        }
    }
    depth.into_iter().max_by_key(|(_, d)| *d).map(|(n, d)| (n.clone(), d))
}

/// How deep `{% if %}`, `{% for %}`, `{% block %}`, `{% macro %}` and
/// `{% filter %}` may nest: Tera's parser recurses once per level and
/// overflows the stack (aborting the process) a few thousand levels down.
const MAX_NESTING: usize = 100;

/// Refuses a template nested deeper than `MAX_NESTING`, before Tera parses
/// it: blocks, and brackets inside an expression.
pub(crate) fn nesting(origin: &str, text: &str) -> Option<Diagnostic> {
    brackets(origin, text).or_else(|| blocks(origin, text))
}

/// Brackets `(` and `[` nested deeper than `MAX_NESTING` inside a tag.
fn brackets(origin: &str, text: &str) -> Option<Diagnostic> {
    let mut depth = 0usize;
    let mut in_tag = false;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'{' if matches!(bytes.get(i + 1), Some(b'{' | b'%')) => in_tag = true,
            b'}' if i > 0 && matches!(bytes[i - 1], b'}' | b'%') => {
                in_tag = false;
                depth = 0;
            }
            b'(' | b'[' if in_tag => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(
                        Diagnostic::error(
                            "template",
                            origin,
                            format!("brackets nest more than {MAX_NESTING} deep here"),
                        )
                        .at_offset(text, i)
                        .with_help("split the expression"),
                    );
                }
            }
            b')' | b']' if in_tag => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

fn blocks(origin: &str, text: &str) -> Option<Diagnostic> {
    let mut depth = 0usize;
    let mut rest = text;
    let mut offset = 0;
    while let Some(open) = rest.find("{%") {
        let tag = rest[open + 2..].trim_start_matches(['-', ' ', '\t', '\n', '\r']);
        let word: String = tag.chars().take_while(|c| c.is_ascii_alphabetic() || *c == '_').collect();
        match word.as_str() {
            "if" | "for" | "block" | "macro" | "filter" => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(
                        Diagnostic::error("template", origin, format!("blocks nest more than {MAX_NESTING} deep here"))
                            .at_offset(text, offset + open)
                            .with_help("split the template, or move the logic into the data"),
                    );
                }
            }
            "endif" | "endfor" | "endblock" | "endmacro" | "endfilter" => depth = depth.saturating_sub(1),
            _ => {}
        }
        offset += open + 2;
        rest = &rest[open + 2..];
    }
    None
}

#[derive(Default)]
struct Found {
    includes: Vec<String>,
    macro_calls: Vec<(String, String)>,
    /// `set x = [x]`: keys of values put inside themselves.
    self_nesting: Vec<String>,
}

fn walk(nodes: &[ast::Node], found: &mut Found) {
    for node in nodes {
        match node {
            ast::Node::Include(_, names, _) => found.includes.extend(names.iter().cloned()),
            ast::Node::VariableBlock(_, e) => expr(e, found),
            ast::Node::Set(_, set) => {
                if holds_in_array(&set.value.val, &set.key, false) {
                    found.self_nesting.push(set.key.clone());
                }
                expr(&set.value, found);
            }
            ast::Node::FilterSection(_, section, _) => {
                section.filter.args.values().for_each(|e| expr(e, found));
                walk(&section.body, found);
            }
            ast::Node::Block(_, block, _) => walk(&block.body, found),
            ast::Node::Forloop(_, forloop, _) => {
                expr(&forloop.container, found);
                walk(&forloop.body, found);
                if let Some(body) = &forloop.empty_body {
                    walk(body, found);
                }
            }
            ast::Node::If(cond, _) => {
                for (_, e, body) in &cond.conditions {
                    expr(e, found);
                    walk(body, found);
                }
                if let Some((_, body)) = &cond.otherwise {
                    walk(body, found);
                }
            }
            // Macro bodies are walked per macro, by `recursion`.
            _ => {}
        }
    }
}

/// Whether `key` appears inside an array literal in `v`: `[x]`, `[1, [x]]`.
fn holds_in_array(v: &ExprVal, key: &str, in_array: bool) -> bool {
    let within = |e: &Expr, in_array| holds_in_array(&e.val, key, in_array);
    match v {
        ExprVal::Ident(name) => in_array && (name == key || name.starts_with(&format!("{key}."))),
        ExprVal::Array(items) => items.iter().any(|e| within(e, true)),
        ExprVal::Math(m) => within(&m.lhs, in_array) || within(&m.rhs, in_array),
        ExprVal::Logic(l) => within(&l.lhs, in_array) || within(&l.rhs, in_array),
        ExprVal::FunctionCall(call) => call.args.values().any(|e| within(e, in_array)),
        ExprVal::MacroCall(call) => call.args.values().any(|e| within(e, in_array)),
        _ => false,
    }
}

fn expr(e: &Expr, found: &mut Found) {
    for f in &e.filters {
        f.args.values().for_each(|a| expr(a, found));
    }
    value(&e.val, found);
}

fn value(v: &ExprVal, found: &mut Found) {
    match v {
        ExprVal::MacroCall(call) => {
            found.macro_calls.push((call.namespace.clone(), call.name.clone()));
            call.args.values().for_each(|a| expr(a, found));
        }
        ExprVal::FunctionCall(call) => call.args.values().for_each(|a| expr(a, found)),
        ExprVal::Math(m) => {
            expr(&m.lhs, found);
            expr(&m.rhs, found);
        }
        ExprVal::Logic(l) => {
            expr(&l.lhs, found);
            expr(&l.rhs, found);
        }
        ExprVal::In(i) => {
            expr(&i.lhs, found);
            expr(&i.rhs, found);
        }
        ExprVal::Test(t) => t.args.iter().for_each(|a| expr(a, found)),
        ExprVal::Array(items) => items.iter().for_each(|a| expr(a, found)),
        ExprVal::StringConcat(s) => s.values.iter().for_each(|v| value(v, found)),
        _ => {}
    }
}

/// Each elementary cycle's nodes in order, found by depth-first search
/// (one cycle per back edge, enough to name every offender).
fn cycles<N: Ord + Clone>(graph: &BTreeMap<N, Vec<N>>) -> Vec<Vec<N>> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Open,
        Done,
    }
    let mut state: BTreeMap<&N, State> = BTreeMap::new();
    let mut out = Vec::new();
    for start in graph.keys() {
        if state.contains_key(start) {
            continue;
        }
        // (node, index of the next edge to follow)
        let mut stack: Vec<(&N, usize)> = vec![(start, 0)];
        state.insert(start, State::Open);
        while let Some((node, i)) = stack.last_mut() {
            let edges = graph.get(*node).map_or(&[][..], Vec::as_slice);
            if *i >= edges.len() {
                state.insert(*node, State::Done);
                stack.pop();
                continue;
            }
            let next = &edges[*i];
            *i += 1;
            match state.get(next) {
                Some(State::Open) => {
                    let from = stack.iter().position(|(n, _)| *n == next).unwrap_or(0);
                    out.push(stack[from..].iter().map(|(n, _)| (*n).clone()).collect());
                }
                Some(State::Done) => {}
                None => {
                    if let Some((key, _)) = graph.get_key_value(next) {
                        state.insert(key, State::Open);
                        stack.push((key, 0));
                    }
                }
            }
        }
    }
    out
}

/// Points the diagnostic at the tag that first mentions `what`.
fn at_mention(d: Diagnostic, text: &str, what: &str) -> Diagnostic {
    match text.find(what) {
        Some(at) => {
            let tag = text[..at].rfind(['{']).map_or(at, |i| i.saturating_sub(usize::from(text[..i].ends_with('{'))));
            d.at_offset(text, tag)
        }
        None => d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(files: &[(&str, &str)]) -> Vec<Diagnostic> {
        let mut tera = Tera::default();
        tera.add_raw_templates(files.iter().copied()).unwrap();
        let sources: Sources =
            files.iter().map(|(n, t)| (n.to_string(), (format!("templates/{n}"), t.to_string()))).collect();
        recursion(&tera, &sources)
    }

    #[test]
    fn includes_in_a_circle_are_found() {
        assert_eq!(check(&[("a.html", "{% include \"a.html\" %}")]).len(), 1);
        let d = check(&[("a.html", "x\n{% include \"b.html\" %}"), ("b.html", "{% include \"a.html\" %}")]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].line, 2);
        assert!(check(&[("a.html", "{% include \"b.html\" %}"), ("b.html", "plain")]).is_empty());
    }

    #[test]
    fn a_macro_that_includes_a_template_that_calls_it_is_found() {
        let d = check(&[
            ("a.html", "{% macro m() %}{% include \"b.html\" %}{% endmacro m %}"),
            ("b.html", "{% import \"a.html\" as a %}{{ a::m() }}"),
        ]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("in a circle"), "{}", d[0].message);
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let deep = "{% if true %}".repeat(3000) + &"{% endif %}".repeat(3000);
        assert!(nesting("t.html", &deep).is_some());
        let parens = format!("{{{{ {}1{} }}}}", "(".repeat(5000), ")".repeat(5000));
        assert!(nesting("t.html", &parens).is_some());
        assert!(nesting("t.html", "<p>((((((((</p>{{ (1 + (2)) }}").is_none());
        let fine = "{% if a %}{% for x in y %}{% endfor %}{% endif %}".repeat(50);
        assert!(nesting("t.html", &fine).is_none());
    }

    #[test]
    fn long_chains_and_self_nesting_values_are_found() {
        let macros: String = (0..100)
            .map(|i| format!("{{% macro m{i}() %}}{{{{ self::m{}() }}}}{{% endmacro m{i} %}}", i + 1))
            .collect();
        let d = check(&[("m.html", &(macros + "{% macro m100() %}x{% endmacro m100 %}"))]);
        assert!(d.iter().any(|d| d.message.contains("chain")), "{d:?}");
        let d = check(&[("s.html", "{% for i in [1, 2] %}{% set_global x = [x] %}{% endfor %}")]);
        assert!(d.iter().any(|d| d.message.contains("inside itself")), "{d:?}");
        assert!(check(&[("s.html", "{% set x = [1, 2] %}{% set y = [x] %}")]).is_empty());
    }

    #[test]
    fn recursive_macros_are_found() {
        let m = "{% macro f(n) %}{% if n > 0 %}{{ self::f(n=n - 1) }}{% endif %}{% endmacro f %}";
        let d = check(&[("m.html", m)]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("calls itself"));
        let ok = "{% macro f() %}a{% endmacro f %}{% macro g() %}{{ self::f() }}{% endmacro g %}";
        assert!(check(&[("m.html", ok)]).is_empty());
    }

    #[test]
    fn range_and_env_are_bounded() {
        let mut tera = Tera::default();
        install(&mut tera);
        tera.add_raw_template("r", "{% for i in range(end=n) %}{% endfor %}ok").unwrap();
        tera.add_raw_template("e", "{{ get_env(name=\"HOME\") }}").unwrap();
        let mut ctx = tera::Context::new();
        ctx.insert("n", &10);
        reset_budget();
        assert_eq!(tera.render("r", &ctx).unwrap(), "ok");
        ctx.insert("n", &u64::MAX);
        assert!(tera.render("r", &ctx).is_err());
        assert!(tera.render("e", &ctx).is_err());
    }
}
