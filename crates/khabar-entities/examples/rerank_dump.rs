//! Dumps re-ranking features of the transliterator's n-best lists on a held-out tenth of the TRAINING file (the
//! eval file is never read here), one candidate a line, for fitting [`khabar_entities::RerankParams`].
//!
//! `SEARCH_PRIOR=1 CHAR_WEIGHT=0.5 cargo run --release -p khabar-entities --example rerank_dump -- OUT.tsv [NBEST]`
//!
//! Env: `SEARCH_PRIOR` puts the prior's character model in the search, `CHAR_WEIGHT` its weight, `ORDER` the
//! graphone order, `BEAM` the beam width, `KN=0` absolute discounting, `LM_ORDER` the prior's character order. Lines: `#i truth person place alternate training
//! trigram-score` for each held-out name, then `i is-truth beam-score prior-lm person place alternate training
//! candidate trigram-score` per candidate.

use khabar_entities::{default_data_dir, read_pairs, LatinPrior, Transliterator};
use std::io::Write;
use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let out = args.get(1).cloned().unwrap_or_else(|| "/tmp/rerank.tsv".into());
    let nbest: usize = args.get(2).and_then(|x| x.parse().ok()).unwrap_or(32);
    let Ok(pairs) = read_pairs(Path::new("/work/shared/eval/translit/ar2en-train.txt")) else {
        eprintln!("train file not found");
        return;
    };
    // HELD=FILE: hold out the pairs whose Arabic form is a line of FILE (e.g. the neural model's dev split).
    let held_list: Option<std::collections::HashSet<String>> = std::env::var("HELD")
        .ok()
        .and_then(|p| std::fs::read_to_string(p).ok())
        .map(|s| s.lines().map(str::to_string).collect());
    let (fit, held): (Vec<_>, Vec<_>) =
        pairs
            .iter()
            .cloned()
            .enumerate()
            .partition(|(i, (ar, _))| match &held_list {
                Some(h) => !h.contains(ar),
                None => i % 10 != 7,
            });
    let fit: Vec<(String, String)> = fit.into_iter().map(|x| x.1).collect();
    let held: Vec<(String, String)> = held.into_iter().map(|x| x.1).collect();
    let t = std::time::Instant::now();
    let mut prior = LatinPrior::load(&default_data_dir()).unwrap_or_default();
    prior.add_training_pairs(&fit);
    let order: usize = std::env::var("LM_ORDER")
        .ok()
        .and_then(|x| x.parse().ok())
        .unwrap_or(6);
    prior.train_lm(order);
    eprintln!(
        "prior: {} words in {:.2}s",
        prior.len(),
        t.elapsed().as_secs_f64()
    );
    let mut params = khabar_entities::TranslitParams::default();
    if let Some(w) = std::env::var("CHAR_WEIGHT").ok().and_then(|x| x.parse().ok()) {
        params.char_weight = w;
    }
    if let Some(w) = std::env::var("ORDER").ok().and_then(|x| x.parse().ok()) {
        params.order = w;
    }
    if let Some(w) = std::env::var("BEAM").ok().and_then(|x| x.parse().ok()) {
        params.beam = w;
    }
    params.kneser_ney = std::env::var("KN").map_or(true, |v| v != "0");
    let mut m = Transliterator::train_with(&fit, params);
    if std::env::var("SEARCH_PRIOR").is_ok() {
        m.use_prior_lm(&prior);
    }
    let Ok(mut f) = std::fs::File::create(&out) else {
        eprintln!("cannot write {out}");
        return;
    };
    for (i, (ar, lat)) in held.iter().enumerate() {
        let truth = lat.to_lowercase();
        let tc = prior.counts(&truth);
        let _ = writeln!(
            f,
            "#{i}\t{truth}\t{}\t{}\t{}\t{}\t{}",
            tc[0],
            tc[1],
            tc[2],
            tc[3],
            m.pair_score_trigram(ar, &truth)
        );
        for (cand, s) in m.generate(ar, nbest) {
            let tri = m.pair_score_trigram(ar, &cand);
            let c = prior.counts(&cand);
            let _ = writeln!(
                f,
                "{i}\t{}\t{s}\t{}\t{}\t{}\t{}\t{}\t{cand}\t{tri}",
                u8::from(cand == truth),
                prior.lm_logp(&cand),
                c[0],
                c[1],
                c[2],
                c[3]
            );
        }
    }
}
