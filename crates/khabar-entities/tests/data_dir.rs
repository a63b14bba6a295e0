//! With the built data dir (`examples/build_kb`): gazetteer lookups, aliases across scripts, personal names and
//! the learned transliterator. Skipped (passes) when the KB has not been built on this machine.

use khabar_entities::{EntityLinker, KnowledgeBase};
use khabar_model::{Article, EntityKind};
use std::sync::Arc;

fn kb() -> Option<KnowledgeBase> {
    let kb = KnowledgeBase::load(&khabar_entities::default_data_dir()).ok()?;
    if kb.has_gazetteer() {
        Some(kb)
    } else {
        eprintln!("kb not built: skipped");
        None
    }
}

fn article(text: &str) -> Article {
    Article::from_text("t", text)
}

#[test]
fn gazetteer_names_resolve_across_scripts() {
    let Some(kb) = kb() else { return };
    let damascus = kb.resolve("Damascus");
    let (id, _) = damascus.first().expect("Damascus resolves");
    let e = kb.entry(id).unwrap();
    assert_eq!(e.country.as_deref(), Some("SY"), "{e:?}");
    assert!(kb.aliases(id).iter().any(|a| a == "دمشق"));
    let ar = kb.resolve("دمشق");
    assert!(ar.iter().any(|(x, _)| x == id));
    // Curated entries come first for their own spellings.
    assert_eq!(
        kb.resolve("Baghouz").first().map(|x| x.0.as_str()),
        Some("k:place:baghuz")
    );
}

#[test]
fn local_places_win_and_foreign_namesakes_stay_out() {
    let Some(kb) = kb() else { return };
    let linker = EntityLinker::new(Arc::new(kb));
    let text = "Clashes erupted in the countryside of Deir ez-Zor in Syria. Gunmen opened fire in the city of Basra.";
    let ms = linker.link(&article(text));
    let basra = ms
        .iter()
        .find(|m| m.mention == "Basra")
        .expect("Basra is a place mention");
    assert_eq!(basra.kind, EntityKind::Place);
    assert_ne!(basra.country.as_deref(), Some("IQ"), "{basra:?}");
    let iraq = "Gunmen opened fire in the city of Basra in southern Iraq.";
    let ms = linker.link(&article(iraq));
    let basra = ms
        .iter()
        .find(|m| m.mention == "Basra")
        .expect("Basra is a place mention");
    assert_eq!(basra.country.as_deref(), Some("IQ"), "{basra:?}");
}

#[test]
fn arabic_people_after_role_cues_get_latin_names() {
    let Some(kb) = kb() else { return };
    let latin = kb.transliterate("كريمي").expect("transliterates");
    assert!(latin.starts_with('K'), "{latin}");
    let linker = EntityLinker::new(Arc::new(kb));
    let ms = linker.link(&article("وقال المتحدث باسم المجلس أحمد الخطيب إن القوات تقدمت"));
    let p = ms
        .iter()
        .find(|m| m.kind == EntityKind::Person)
        .expect("a person");
    assert_eq!(p.mention, "أحمد الخطيب");
    let canonical = p.canonical.clone().unwrap_or_default();
    assert!(
        canonical.starts_with("Ahmad") || canonical.starts_with("Ahmed"),
        "{canonical}"
    );
}
