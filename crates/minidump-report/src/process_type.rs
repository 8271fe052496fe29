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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{AnnotationObject, ModuleAnnotations};
    use std::collections::BTreeMap;

    fn info(simple: &[(&str, &str)], objects: &[(&str, u16, &str)]) -> Crashpad {
        Crashpad {
            report_id: String::new(),
            client_id: String::new(),
            simple_annotations: simple
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            modules: vec![ModuleAnnotations {
                module_index: 0,
                module: None,
                list_annotations: vec![],
                simple_annotations: BTreeMap::new(),
                annotation_objects: objects
                    .iter()
                    .map(|(n, ty, v)| AnnotationObject {
                        name: n.to_string(),
                        ty: *ty,
                        value: v.to_string(),
                    })
                    .collect(),
            }],
        }
    }

    #[test]
    fn electron_and_chromium_keys() {
        assert_eq!(
            from_crashpad(&info(&[("process_type", "renderer")], &[])).as_deref(),
            Some("renderer")
        );
        assert_eq!(
            from_crashpad(&info(&[], &[("ptype", 1, "gpu-process")])).as_deref(),
            Some("gpu-process")
        );
        assert_eq!(
            from_crashpad(&info(&[("ptype", "browser")], &[("ptype", 1, "utility")])).as_deref(),
            Some("browser")
        );
    }

    #[test]
    fn no_key_or_a_non_string_or_absurd_value_says_nothing() {
        assert_eq!(from_crashpad(&info(&[("prod", "Electron")], &[])), None);
        assert_eq!(
            from_crashpad(&info(&[], &[("ptype", 0x8000, "72656e646572")])),
            None
        );
        assert_eq!(
            from_crashpad(&info(&[("ptype", &"x".repeat(65))], &[])),
            None
        );
        assert_eq!(from_crashpad(&info(&[("ptype", "  ")], &[])), None);
    }
}
