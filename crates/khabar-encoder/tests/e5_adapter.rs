//! The shipped same-story adapters (`E5Adapters::shipped`) merged into multilingual-e5-small give the vectors the
//! PyTorch training script computed for the same SemEval leads (`tools/e5-finetune/train.py`, unmerged f32
//! adapters, on a GPU): cosine >= 0.999. Skips (with a message) when the model file is not installed.

mod common;

use common::e5_model as model;
use khabar_encoder::{E5Adapters, E5_ADAPTER_ALL, E5_DOC_PIECES};

struct Case {
    lang: String,
    lead: String,
    base: Vec<f32>,
    all: Vec<f32>,
    fold0: Vec<f32>,
}

fn cases() -> Vec<Case> {
    let v: serde_json::Value =
        serde_json::from_str(include_str!("data/e5_adapter_reference.json")).expect("fixture is JSON");
    let floats = |c: &serde_json::Value, k: &str| -> Vec<f32> {
        c[k].as_array()
            .expect("vector")
            .iter()
            .map(|x| x.as_f64().expect("number") as f32)
            .collect()
    };
    v.as_array()
        .expect("list")
        .iter()
        .map(|c| Case {
            lang: c["lang"].as_str().expect("lang").to_string(),
            lead: c["lead"].as_str().expect("lead").to_string(),
            base: floats(c, "base"),
            all: floats(c, "all"),
            fold0: floats(c, "fold0"),
        })
        .collect()
}

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let n = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>().sqrt();
    dot / (n(a) * n(b))
}

#[test]
fn merged_adapters_match_the_training_script() {
    let Some(base) = model() else { return };
    let cases = cases();
    assert!(cases.iter().any(|c| c.lang == "ar") && cases.iter().any(|c| c.lang == "en"));
    let adapters = E5Adapters::shipped().expect("shipped adapters");
    let docs: Vec<(Option<&str>, &str)> = cases.iter().map(|c| (None, c.lead.as_str())).collect();
    let plain = base.embed_leads(&docs, E5_DOC_PIECES);
    for (name, want) in [(E5_ADAPTER_ALL, 0), ("fold0", 1)] {
        let mut e5 = base.clone();
        e5.apply_adapter(name, adapters.get(name).expect("adapter"))
            .expect("adapter fits");
        assert_eq!(e5.adapter(), Some(name));
        let got = e5.embed_leads(&docs, E5_DOC_PIECES);
        for ((case, g), p) in cases.iter().zip(&got).zip(&plain) {
            let reference = if want == 0 { &case.all } else { &case.fold0 };
            let c = cosine(g, reference);
            assert!(
                c >= 0.999,
                "{name} {}: cosine {c} with the training script's vector",
                case.lang
            );
            // the base vectors agree too, and the adapter really moved the vector
            assert!(cosine(p, &case.base) >= 0.999, "base {}", case.lang);
            assert!(
                cosine(g, p) < 0.98,
                "{name} {}: adapter barely changed the vector",
                case.lang
            );
        }
    }
    assert_eq!(base.adapter(), None);
}
