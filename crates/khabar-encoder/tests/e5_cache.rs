//! multilingual-e5-small with an embedding cache (`E5::set_cache`) returns the vectors it computes without one,
//! reads them back instead of recomputing them (also after a reopen), and never serves a vector computed by the
//! model with another adapter or for a shorter lead. Skips (with a message) when the model file is not installed.

mod common;

use std::sync::Arc;

use common::e5_model as model;
use khabar_encoder::{E5Adapters, VectorCache, E5_ADAPTER_ALL, E5_DOC_PIECES, E5_LEAD_PIECES};

const DOCS: [(Option<&str>, &str); 3] = [
    (
        Some("SDF says Baghouz has fallen"),
        "The US-backed Syrian Democratic Forces declared on Saturday that the last Islamic State enclave in Baghouz \
         had been taken after weeks of fighting along the Euphrates.",
    ),
    (
        Some("قسد تعلن السيطرة على الباغوز"),
        "أعلنت قوات سوريا الديمقراطية السبت السيطرة الكاملة على بلدة الباغوز آخر جيب لتنظيم الدولة في شرق سوريا.",
    ),
    (None, "Heavy rain flooded the old market of the town overnight, officials said."),
];

#[test]
fn cached_vectors_are_the_computed_ones_and_keyed_by_model_and_input() {
    let Some(plain) = model() else { return };
    let path = std::env::temp_dir().join(format!("khabar-e5-cache-test-{}.bin", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let want = plain.embed_leads(&DOCS, E5_DOC_PIECES);

    let mut cached = plain.clone();
    cached.set_cache(Arc::new(VectorCache::open(&path).expect("new cache")));
    assert_eq!(
        cached.embed_leads(&DOCS, E5_DOC_PIECES),
        want,
        "first run computes"
    );
    assert_eq!(
        cached.embed_leads(&DOCS, E5_DOC_PIECES),
        want,
        "second run reads back"
    );
    let s = cached.cache().expect("cache").stats();
    assert_eq!((s.vectors, s.misses, s.hits), (3, 3, 3));

    // after a reopen: the same vectors from the file, and nothing computed
    let mut reopened = plain.clone();
    reopened.set_cache(Arc::new(VectorCache::open(&path).expect("reopen")));
    assert_eq!(reopened.embed_leads(&DOCS, E5_DOC_PIECES), want);
    assert_eq!(reopened.cache().expect("cache").stats().misses, 0);

    // a shorter lead is another input
    let short = reopened.embed_leads(&DOCS, E5_LEAD_PIECES);
    assert_eq!(short, plain.embed_leads(&DOCS, E5_LEAD_PIECES));
    assert_eq!(reopened.cache().expect("cache").stats().misses, 3);

    // the model with an adapter merged is another model, sharing the cache of the copy it was made from
    let mut adapted = reopened.clone();
    let adapters = E5Adapters::shipped().expect("shipped adapters");
    adapted
        .apply_adapter(E5_ADAPTER_ALL, adapters.get(E5_ADAPTER_ALL).expect("all"))
        .expect("adapter fits");
    assert_ne!(adapted.fingerprint(), plain.fingerprint());
    let misses = adapted.cache().expect("cache").stats().misses;
    let tuned = adapted.embed_leads(&DOCS, E5_DOC_PIECES);
    assert_eq!(adapted.cache().expect("cache").stats().misses, misses + 3);
    assert_ne!(tuned, want);
    let _ = std::fs::remove_file(&path);
}
