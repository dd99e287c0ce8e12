#![cfg(not(target_arch = "wasm32"))]
//! The client's modules import one way, bottom up, and without a cycle: the basics (errors,
//! input rules, reading JS values), the transport, the session (options, headers, ledger,
//! cooldown store, reading answers), the call driver, the flows, and the JS API on top. A
//! module may import only from its own layer or below; `flow/` counts as one module.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

// The cycle search the emulator's import test uses too.
#[path = "common/import_graph.rs"]
mod import_graph;
use import_graph::cycle;

/// Each module's layer, bottom first. A new module must be placed here (the test says so).
const LAYERS: &[(&str, &[&str])] = &[
    ("basics", &["error", "validate", "args", "messages", "phone"]),
    ("transport", &["abort", "http"]),
    ("session", &["options", "dto", "ledger", "cooldown_store", "session", "settle", "throttle"]),
    ("driver", &["call"]),
    ("flows", &["flow"]),
    ("api", &["client", "parse", "types"]),
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, modules)| modules.contains(&module))
}

/// module -> the modules it names as `crate::module` (lib.rs, the root, excluded).
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&src).expect("src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            let module = path.file_name().and_then(|s| s.to_str()).unwrap_or("").to_string();
            for inner in std::fs::read_dir(&path).expect("dir") {
                files.push((module.clone(), inner.expect("entry").path()));
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            let module = path.file_stem().and_then(|s| s.to_str()).unwrap_or("").to_string();
            if module != "lib" {
                files.push((module, path));
            }
        }
    }
    for (module, path) in files {
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(!text.contains("crate::{"), "{}: name each import as crate::module so this test sees it", path.display());
        let deps = g.entry(module.clone()).or_default();
        for rest in text.split("crate::").skip(1) {
            let dep: String = rest.chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect();
            if !dep.is_empty() && dep != module {
                deps.insert(dep);
            }
        }
    }
    g
}

#[test]
fn no_import_cycle() {
    let g = graph();
    assert!(g.len() > 15, "found the modules: {g:?}");
    assert_eq!(cycle(&g), None, "an import cycle in src/");
}

#[test]
fn layers_import_downwards_only() {
    let g = graph();
    for (module, deps) in &g {
        let Some(own) = layer_of(module) else { panic!("src/{module}: give it a layer in tests/layers.rs") };
        for dep in deps {
            let Some(theirs) = layer_of(dep) else { panic!("src/{dep}: give it a layer in tests/layers.rs") };
            assert!(theirs <= own, "{module} ({}) imports {dep} ({}), a layer above it", LAYERS[own].0, LAYERS[theirs].0);
        }
    }
}

#[test]
fn the_checks_find_a_cycle_and_an_upward_import() {
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    g.entry("session".into()).or_default().insert("settle".into());
    assert_eq!(cycle(&g), None);
    g.entry("settle".into()).or_default().insert("session".into());
    assert!(cycle(&g).is_some(), "session <-> settle is a cycle");
    assert!(layer_of("flow") > layer_of("call") && layer_of("call") > layer_of("session"));
}
