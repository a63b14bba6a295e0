//! On the five real sample articles, every spelling of one thing links to one kb id and one canonical name.

use khabar_entities::{EntityLinker, KnowledgeBase};
use khabar_model::{Article, EntityKind, Mention};
use std::sync::Arc;

fn article(id: &str, text: String) -> Article {
    Article::from_text(id.to_string(), text)
}

fn linked(kb: Arc<KnowledgeBase>) -> Option<Vec<(String, Vec<Mention>)>> {
    let files = khabar_testdata::sample_files();
    if files.is_empty() {
        return None;
    }
    let linker = EntityLinker::new(kb);
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).ok()?;
        let id = f.file_name()?.to_string_lossy().to_string();
        let a = article(&id, text.clone());
        let mentions = linker.link(&a);
        let chars: Vec<char> = text.chars().collect();
        for m in &mentions {
            let s: String = chars[m.span[0]..m.span[1]].iter().collect();
            assert_eq!(s, m.mention, "span must point at the mention text");
        }
        out.push((id, mentions));
    }
    Some(out)
}

fn ids_of<'a>(all: &'a [(String, Vec<Mention>)], prefix: &str, text: &str) -> Vec<&'a Mention> {
    all.iter()
        .filter(|(id, _)| id.starts_with(prefix))
        .flat_map(|(_, ms)| ms.iter())
        .filter(|m| m.mention == text)
        .collect()
}

/// Asserts that every (sample, spelling) pair is found and that all share one kb id and one canonical.
fn assert_one_thing(all: &[(String, Vec<Mention>)], spellings: &[(&str, &str)]) -> String {
    let mut kb_ids = Vec::new();
    let mut canon = Vec::new();
    for (prefix, text) in spellings {
        let found = ids_of(all, prefix, text);
        assert!(
            !found.is_empty(),
            "`{text}` not found as a mention in sample {prefix}"
        );
        for m in found {
            kb_ids.push((text.to_string(), m.kb_id.clone()));
            canon.push(m.canonical.clone());
        }
    }
    let first = kb_ids[0].1.clone();
    assert!(first.is_some(), "`{}` is not linked", kb_ids[0].0);
    for (t, id) in &kb_ids {
        assert_eq!(id, &first, "`{t}` links elsewhere than `{}`", kb_ids[0].0);
    }
    assert!(canon.iter().all(|c| c == &canon[0]));
    first.unwrap_or_default()
}

fn check_samples(kb: Arc<KnowledgeBase>) {
    let Some(all) = linked(kb) else {
        eprintln!("samples not found: skipped");
        return;
    };
    let sdf = assert_one_thing(
        &all,
        &[
            ("000", "Qusad"),
            ("000", "Qsd"),
            ("000", "Ksd"),
            ("000", "Qusd"),
            ("000", "Ksad"),
            ("000", "Syrian Democratic Forces"),
            ("001", "قسد"),
            ("001", "قوات سوريا الديمقراطية"),
            ("004", "قوات سورية الديموقراطية"),
        ],
    );
    let baghuz = assert_one_thing(
        &all,
        &[
            ("000", "Al-Bagouz"),
            ("000", "Baguoz"),
            ("000", "Albagoz"),
            ("000", "Bagouz"),
            ("002", "Baguz"),
            ("003", "الباغوز"),
            ("004", "الباغوز"),
        ],
    );
    assert_ne!(sdf, baghuz);
    assert_one_thing(
        &all,
        &[
            ("000", "Mustapha Bali"),
            ("001", "مصطفى بالي"),
            ("004", "مصطفى بالي"),
        ],
    );
    assert_one_thing(&all, &[("000", "Mazloum Kubani"), ("003", "مظلوم كوباني")]);
    assert_one_thing(&all, &[("002", "Joseph Fotel")]);
    assert_one_thing(&all, &[("002", "Hull camp"), ("003", "مخيم الهول")]);
    assert_one_thing(&all, &[("000", "AFP"), ("002", "Agence France Presse")]);
    assert_one_thing(&all, &[("001", "داعش"), ("004", "داعش")]);

    // Kinds and places.
    for (_, ms) in &all {
        for m in ms {
            if m.kb_id.as_deref() == Some(baghuz.as_str()) {
                assert_eq!(m.kind, EntityKind::Place);
                assert!(m.lat.is_some_and(|lat| (34.0..35.0).contains(&lat)));
                assert_eq!(m.country.as_deref(), Some("SY"));
            }
            if m.kind != EntityKind::Place {
                assert!(m.lat.is_none());
            }
        }
    }
    let votel = ids_of(&all, "002", "Joseph Fotel");
    assert_eq!(votel[0].kind, EntityKind::Person);
    assert_eq!(votel[0].canonical.as_deref(), Some("Joseph Votel"));

    // "the city of Basra" in an article about Deir ez-Zor is not Basra, Iraq.
    for m in ids_of(&all, "000", "Basra") {
        assert_ne!(m.country.as_deref(), Some("IQ"), "{m:?}");
    }
}

#[test]
fn spellings_link_to_one_thing_with_the_curated_table_only() {
    check_samples(Arc::new(KnowledgeBase::curated_only().unwrap()));
}

#[test]
fn spellings_link_to_one_thing_with_the_data_dir_when_built() {
    let kb = KnowledgeBase::load(&khabar_entities::default_data_dir()).unwrap();
    check_samples(Arc::new(kb));
}
