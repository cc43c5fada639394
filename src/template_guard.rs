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
use std::collections::{BTreeMap, HashMap, HashSet};

use tera::ast::{Expr, ExprVal, Node};
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

/// Every include or extends cycle and every macro that can call itself,
/// as errors at the template that starts the cycle.
pub(crate) fn recursion(tera: &Tera, sources: &Sources) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    // Templates: an edge for every include and for extends.
    let mut graph: BTreeMap<String, Vec<String>> = BTreeMap::new();
    // Macros, by (file, name): an edge for every macro call in a body.
    let mut calls: BTreeMap<(String, String), Vec<(String, String)>> = BTreeMap::new();
    for (name, template) in &tera.templates {
        if !sources.contains_key(name) {
            continue;
        }
        let namespaces: HashMap<&str, &str> =
            template.imported_macro_files.iter().map(|(file, ns)| (ns.as_str(), file.as_str())).collect();
        let resolve = |ns: &str, called: &str| -> Option<(String, String)> {
            let file = if ns == "self" { name.as_str() } else { namespaces.get(ns).copied()? };
            Some((file.to_string(), called.to_string()))
        };
        let mut found = Found::default();
        walk(&template.ast, &mut found);
        let mut edges: Vec<String> = found.includes.into_iter().filter(|n| sources.contains_key(n)).collect();
        edges.extend(template.parent.iter().cloned());
        graph.insert(name.clone(), edges);
        for (macro_name, def) in &template.macros {
            let mut inner = Found::default();
            walk(&def.body, &mut inner);
            let targets = inner.macro_calls.iter().filter_map(|(ns, m)| resolve(ns, m)).collect();
            calls.insert((name.clone(), macro_name.clone()), targets);
        }
    }
    let mut reported = HashSet::new();
    for cycle in cycles(&graph) {
        let first = &cycle[0];
        if !reported.insert(first.clone()) {
            continue;
        }
        let (origin, text) = &sources[first];
        let next = cycle.get(1).unwrap_or(first);
        let message = if cycle.len() == 1 {
            format!("template `{first}` includes itself, which would never finish")
        } else {
            format!(
                "templates include each other in a circle ({} -> {first}), which would never finish",
                cycle.join(" -> ")
            )
        };
        diags.push(at_mention(Diagnostic::error("template", origin, message), text, next));
    }
    for cycle in cycles(&calls) {
        let (file, name) = &cycle[0];
        let Some((origin, text)) = sources.get(file) else { continue };
        let path: Vec<String> = cycle.iter().map(|(_, m)| m.clone()).collect();
        let message = if cycle.len() == 1 {
            format!("macro `{name}` calls itself; recursive macros are not allowed (they can run forever)")
        } else {
            format!(
                "macros call each other in a circle ({} -> {name}); recursive macros are not allowed",
                path.join(" -> ")
            )
        };
        let d = Diagnostic::error("template", origin, message)
            .with_help("build nested lists in a loop instead, or ask for the data already shaped");
        diags.push(at_mention(d, text, &format!("macro {name}")));
    }
    diags
}

#[derive(Default)]
struct Found {
    includes: Vec<String>,
    macro_calls: Vec<(String, String)>,
}

fn walk(nodes: &[Node], found: &mut Found) {
    for node in nodes {
        match node {
            Node::Include(_, names, _) => found.includes.extend(names.iter().cloned()),
            Node::VariableBlock(_, e) => expr(e, found),
            Node::Set(_, set) => expr(&set.value, found),
            Node::FilterSection(_, section, _) => {
                section.filter.args.values().for_each(|e| expr(e, found));
                walk(&section.body, found);
            }
            Node::Block(_, block, _) => walk(&block.body, found),
            Node::Forloop(_, forloop, _) => {
                expr(&forloop.container, found);
                walk(&forloop.body, found);
                if let Some(body) = &forloop.empty_body {
                    walk(body, found);
                }
            }
            Node::If(cond, _) => {
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
