//! Tunes transliterator settings on a held-out tenth of the TRAINING file (the eval file is never read here).
//!
//! `cargo run --release -p khabar-entities --example tune_translit -- [--prior] [--linking] ORDER,CHAR_ORDER,CHAR_WEIGHT,BEAM,LENGTH_BONUS,KN ...`
//!
//! `--rerank-grid` (with `--prior`) also tries a few re-ranking weights. `--prior` also loads the Latin-side prior from the data dir (plus the fitted part's Latin side), puts its
//! character model in the search and reports re-ranked figures; `--linking` adds linking recall@1/MRR among the
//! held-out Latin names.

use khabar_entities::{
    default_data_dir, generation_figures, linking_figures, read_pairs, LatinPrior, RerankParams,
    TranslitParams, Transliterator, PRIOR_LM_ORDER,
};
use std::path::Path;

fn main() {
    let Ok(pairs) = read_pairs(Path::new("/work/shared/eval/translit/ar2en-train.txt")) else {
        eprintln!("train file not found");
        return;
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (fit, held): (Vec<_>, Vec<_>) = pairs.iter().cloned().enumerate().partition(|(i, _)| i % 10 != 7);
    let fit: Vec<(String, String)> = fit.into_iter().map(|x| x.1).collect();
    let held: Vec<(String, String)> = held.into_iter().map(|x| x.1).collect();
    let prior = args.iter().any(|a| a == "--prior").then(|| {
        let mut p = LatinPrior::load(&default_data_dir()).unwrap_or_default();
        p.add_training_pairs(&fit);
        p.train_lm(PRIOR_LM_ORDER);
        p
    });
    let linking = args.iter().any(|a| a == "--linking");
    let grid: Vec<TranslitParams> = args
        .iter()
        .filter_map(|a| {
            let v: Vec<f32> = a.split(',').filter_map(|x| x.parse().ok()).collect();
            (v.len() == 6).then(|| TranslitParams {
                order: v[0] as usize,
                char_order: v[1] as usize,
                char_weight: v[2],
                beam: v[3] as usize,
                length_bonus: v[4],
                kneser_ney: v[5] > 0.0,
            })
        })
        .collect();
    let empty = LatinPrior::new();
    for p in grid {
        let mut m = Transliterator::train_with(&fit, p);
        let (raw1, raw10) = generation_figures(&m, &empty, &RerankParams::default(), &held);
        print!("{p:?}: plain top-1 {raw1:.4} top-10 {raw10:.4}");
        if linking {
            let (r1, mrr) = linking_figures(&m, &held);
            print!("; linking recall@1 {r1:.4} MRR {mrr:.4}");
        }
        if let Some(prior) = &prior {
            m.use_prior_lm(prior);
            let (g1, g10) = generation_figures(&m, prior, &RerankParams::default(), &held);
            print!("; prior in search + re-ranked top-1 {g1:.4} top-10 {g10:.4}");
            if linking {
                let (r1, mrr) = linking_figures(&m, &held);
                print!("; linking with prior in search recall@1 {r1:.4} MRR {mrr:.4}");
            }
            if args.iter().any(|a| a == "--rerank-grid") {
                for lm_weight in [0.0, 0.2] {
                    for bonus in [0.5, 1.0, 2.0] {
                        for freq_weight in [0.2, 0.4] {
                            let r = RerankParams {
                                lm_weight,
                                known_bonus: [bonus, bonus, 0.0, 0.0],
                                freq_weight,
                                ..RerankParams::default()
                            };
                            let (g1, g10) = generation_figures(&m, prior, &r, &held);
                            print!("\n  {r:?}: top-1 {g1:.4} top-10 {g10:.4}");
                        }
                    }
                }
            }
        }
        println!(" ({} held-out train pairs)", held.len());
    }
}
