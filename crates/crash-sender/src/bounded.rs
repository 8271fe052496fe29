//! Crashpad's annotations are the crashed process's own strings: bounded here in number and length, read as the
//! C strings they were, exactly as ts/event/crashpad-contexts.ts bounds them (lengths in UTF-16 units, as
//! JavaScript counts them), so that a dump cannot make the event large and both paths cut at the same place.

use minidump_report::report::Crashpad;
use serde_json::{Map, Value};

pub const MAX_ANNOTATIONS: usize = 64;
pub const MAX_ANNOTATION_KEY: usize = 64;
pub const MAX_ANNOTATION_VALUE: usize = 1024;
/// Module contexts kept; Chromium annotates a handful of modules.
const MAX_MODULE_CONTEXTS: usize = 16;
/// Crashpad's string annotation type; other types are binary.
const STRING_ANNOTATION: u16 = 1;

/// `s` up to its first NUL, at most `max` UTF-16 units, never half of a surrogate pair.
pub fn bounded(s: &str, max: usize) -> String {
    let s = s.split('\0').next().unwrap_or("");
    let mut units = 0;
    let mut end = 0;
    for c in s.chars() {
        units += c.len_utf16();
        if units > max {
            break;
        }
        end += c.len_utf8();
    }
    s[..end].to_string()
}

/// At most `MAX_ANNOTATIONS` entries, keys and values bounded; empty, reserved and repeated keys dropped.
pub fn bounded_annotations<'a>(
    entries: impl IntoIterator<Item = (&'a String, &'a String)>,
    reserved: &[&str],
) -> Map<String, Value> {
    let mut out = Map::new();
    for (raw_key, raw_value) in entries {
        if out.len() >= MAX_ANNOTATIONS {
            break;
        }
        let key = bounded(raw_key, MAX_ANNOTATION_KEY);
        if key.is_empty() || reserved.contains(&key.as_str()) || out.contains_key(&key) {
            continue;
        }
        out.insert(key, Value::String(bounded(raw_value, MAX_ANNOTATION_VALUE)));
    }
    out
}

fn leaf_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// The `crashpad` context (process-wide annotations) and one context per annotated module, named after its file;
/// a name in `taken` is never used.
pub fn crashpad_contexts(crashpad: Option<&Crashpad>, taken: &[&str]) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = Vec::new();
    let Some(cp) = crashpad else { return out };
    let process_wide = bounded_annotations(cp.simple_annotations.iter(), &[]);
    if !process_wide.is_empty() {
        out.push(("crashpad".into(), Value::Object(process_wide)));
    }
    for m in &cp.modules {
        if out.len() > MAX_MODULE_CONTEXTS {
            break;
        }
        let name = m
            .module
            .as_deref()
            .map(|p| bounded(leaf_name(p), MAX_ANNOTATION_KEY))
            .unwrap_or_default();
        if name.is_empty()
            || name == "crashpad"
            || taken.contains(&name.as_str())
            || out.iter().any(|(n, _)| *n == name)
        {
            continue;
        }
        let objects: Vec<(&String, &String)> = m
            .annotation_objects
            .iter()
            .filter(|o| o.ty == STRING_ANNOTATION)
            .map(|o| (&o.name, &o.value))
            .collect();
        let entries = m.simple_annotations.iter().chain(objects);
        let mut context = Map::new();
        context.insert("type".into(), Value::String("crashpad".into()));
        context.extend(bounded_annotations(entries, &["type", "annotations"]));
        let list: Vec<Value> = m
            .list_annotations
            .iter()
            .take(MAX_ANNOTATIONS)
            .map(|a| Value::String(bounded(a, MAX_ANNOTATION_VALUE)))
            .collect();
        if !list.is_empty() {
            context.insert("annotations".into(), Value::Array(list));
        }
        if context.len() > 1 {
            out.push((name, Value::Object(context)));
        }
    }
    out
}
