//! Which Electron/Chromium process wrote the dump, from the Crashpad annotations.

use crate::report::Crashpad;

/// Chromium records the process type as the `ptype` crash key, Electron as `process_type`. Older
/// Crashpad clients put crash keys in simple annotations; current Chromium writes them as string
/// annotation objects of the module that defines them. We answer only when a key says so.
pub fn from_crashpad(info: &Crashpad) -> Option<String> {
    const KEYS: [&str; 2] = ["ptype", "process_type"];
    const STRING_TYPE: u16 = 1;
    let simple = std::iter::once(&info.simple_annotations)
        .chain(info.modules.iter().map(|m| &m.simple_annotations))
        .find_map(|map| KEYS.iter().find_map(|k| map.get(*k)));
    let objects = || {
        info.modules
            .iter()
            .flat_map(|m| &m.annotation_objects)
            .find(|o| o.ty == STRING_TYPE && KEYS.contains(&o.name.as_str()))
            .map(|o| &o.value)
    };
    simple
        .or_else(objects)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty() && v.len() <= 64)
}
