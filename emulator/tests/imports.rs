//! The emulator's modules import each other without a cycle, and the drawing in
//! README.md ("Modules") is exactly the graph of `crate::` imports in src/.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

// The cycle search the client's layer test uses too.
#[path = "../../tests/common/import_graph.rs"]
mod import_graph;
use import_graph::cycle;

/// module -> the modules it names as `crate::module` (lib.rs, the root, excluded).
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut g = BTreeMap::new();
    for entry in std::fs::read_dir(&src).expect("src") {
        let path = entry.expect("entry").path();
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or("").to_string();
        if path.extension().is_none_or(|e| e != "rs") || name == "lib" || name == "main" {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read");
        let deps: BTreeSet<String> = text
            .split("crate::")
            .skip(1)
            .map(|rest| rest.chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect::<String>())
            .filter(|d| !d.is_empty() && *d != name)
            .collect();
        g.insert(name, deps);
    }
    g
}

/// The graph as a mermaid flowchart, edges sorted.
fn mermaid(g: &BTreeMap<String, BTreeSet<String>>) -> String {
    let mut out = String::from("```mermaid\nflowchart TD\n");
    for (from, deps) in g {
        for to in deps {
            out.push_str(&format!("  {from} --> {to}\n"));
        }
    }
    out.push_str("```\n");
    out
}

#[test]
fn no_import_cycle_and_the_readme_draws_the_graph() {
    let g = graph();
    assert!(g.len() > 10, "found the modules: {g:?}");
    assert_eq!(cycle(&g), None, "an import cycle");
    let drawing = mermaid(&g);
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).expect("README");
    assert!(readme.contains(&drawing), "README.md's module drawing is stale; it should read:\n{drawing}");
}

#[test]
fn the_cycle_finder_finds_one() {
    let mut g = BTreeMap::new();
    g.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    g.insert("b".to_string(), BTreeSet::from(["c".to_string()]));
    g.insert("c".to_string(), BTreeSet::from(["a".to_string()]));
    assert_eq!(cycle(&g), Some(vec!["a".into(), "b".into(), "c".into(), "a".into()]));
}
