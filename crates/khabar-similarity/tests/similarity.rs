//! End-to-end scoring on the real sample articles (Baghouz, Feb–Mar 2019, English and Arabic) against unrelated
//! real-shaped news. Skips (with a message) when the USE-m weights are not installed.

use khabar_encoder::{default_model_dir, Encoder};
use khabar_similarity::{score_pairs, score_texts, LanguageCentres, SimilarityModel};

/// USE-m, with multilingual-e5-small beside it when installed (the full-text path; without it pairs are scored
/// by the lead-only model).
fn encoder() -> Option<Encoder> {
    let dir = default_model_dir()?;
    match Encoder::load(&dir) {
        Ok(mut e) => {
            if let Err(err) = e.load_e5(&khabar_model::default_data_dir()) {
                eprintln!("multilingual-e5-small not available ({err}): lead-only model");
            }
            Some(e)
        }
        Err(e) => {
            eprintln!("SKIP: USE-m weights not available ({e})");
            None
        }
    }
}

const UNRELATED_EN: &str = "Central bank raises interest rates for third time this year\n\
The central bank raised its benchmark interest rate by a quarter of a percentage point on Wednesday, citing \
persistent inflation in services and a tight labour market. Policymakers voted seven to two for the increase. \
The governor told reporters that further tightening could not be ruled out if wage growth stayed strong, while \
markets priced in one more rise before the summer. Mortgage lenders said they would pass the increase on to \
borrowers within days.";

const UNRELATED_AR: &str = "المنتخب يتأهل إلى نهائي كأس آسيا بعد فوز مثير\n\
تأهل المنتخب الوطني لكرة القدم إلى المباراة النهائية لكأس آسيا بعد فوزه على نظيره بهدفين مقابل هدف في مباراة \
مثيرة أقيمت مساء الثلاثاء على الاستاد الدولي. وسجل المهاجم الهدف الثاني في الدقائق الأخيرة من الوقت بدل الضائع، \
فيما أشاد المدرب بروح اللاعبين وقال إن الفريق سيستعد جيدا للمباراة النهائية.";

#[test]
fn same_story_outscores_unrelated_news_within_and_across_languages() {
    let Some(enc) = encoder() else { return };
    let model = SimilarityModel::default();
    let en_a = khabar_testdata::sample("000_bb25a827665d689f.txt");
    let en_b = khabar_testdata::sample("002_afe46e73b73918ef.txt");
    let ar_a = khabar_testdata::sample("001_304fbf79cd7fc7b7.txt");
    let ar_b = khabar_testdata::sample("003_8f6554c1735d4e29.txt");

    let en_en = score_texts(&enc, &model, &en_a, &en_b);
    let ar_ar = score_texts(&enc, &model, &ar_a, &ar_b);
    let en_ar = score_texts(&enc, &model, &en_b, &ar_a);
    let en_unrel = score_texts(&enc, &model, &en_a, UNRELATED_EN);
    let ar_unrel = score_texts(&enc, &model, &ar_a, UNRELATED_AR);
    let en_ar_unrel = score_texts(&enc, &model, &en_b, UNRELATED_AR);
    for r in [&en_en, &ar_ar, &en_ar, &en_unrel, &ar_unrel, &en_ar_unrel] {
        eprintln!("score {:.3} cosine {:.3}", r.score, r.cosine);
        assert!((0.0..=1.0).contains(&r.score), "{r:?}");
    }
    assert!(
        en_en.score > en_unrel.score + 0.2,
        "{} vs {}",
        en_en.score,
        en_unrel.score
    );
    assert!(
        ar_ar.score > ar_unrel.score + 0.2,
        "{} vs {}",
        ar_ar.score,
        ar_unrel.score
    );
    assert!(
        en_ar.score > en_ar_unrel.score + 0.2,
        "{} vs {}",
        en_ar.score,
        en_ar_unrel.score
    );
    assert!(en_unrel.score < 0.5 && ar_unrel.score < 0.5 && en_ar_unrel.score < 0.5);
    assert!(en_en.cosine > en_unrel.cosine);
    if enc.e5().is_some() {
        // the second encoder sees the same story across scripts too
        let e5 = |r: &khabar_similarity::SimilarityResult| r.features["cos_e5"];
        assert!(
            e5(&en_ar) > e5(&en_ar_unrel),
            "{} vs {}",
            e5(&en_ar),
            e5(&en_ar_unrel)
        );
        assert!(e5(&ar_ar) > e5(&ar_unrel), "{} vs {}", e5(&ar_ar), e5(&ar_unrel));
        assert!(
            (e5(&en_ar) - en_ar.cosine).abs() > 1e-3,
            "cos_e5 fell back to the USE-m cosine"
        );
        // Centred on the shipped Arabic mean, two unrelated Arabic texts no longer look alike just for sharing a
        // language, and the same-story pair stands further above them than with the raw cosine.
        let mut raw = model.clone();
        raw.corpus.e5_centres = LanguageCentres::default();
        let raw_same = e5(&score_texts(&enc, &raw, &ar_a, &ar_b));
        let raw_unrel = e5(&score_texts(&enc, &raw, &ar_a, UNRELATED_AR));
        eprintln!(
            "e5 ar-ar same/unrelated: raw {raw_same:.3}/{raw_unrel:.3}, centred {:.3}/{:.3}",
            e5(&ar_ar),
            e5(&ar_unrel)
        );
        assert!(raw_unrel > 0.6 && e5(&ar_unrel) < raw_unrel - 0.3);
        assert!(e5(&ar_ar) - e5(&ar_unrel) > raw_same - raw_unrel);
    }
    // the two Arabic reports share the town's name key
    assert!(
        ar_ar.shared_names.iter().any(|k| k == "bgz"),
        "{:?}",
        ar_ar.shared_names
    );
}

#[test]
fn pairs_jsonl_scores_in_order_and_counts_bad_lines() {
    let Some(enc) = encoder() else { return };
    let model = SimilarityModel::default();
    let en_a = khabar_testdata::sample("000_bb25a827665d689f.txt");
    let ar_a = khabar_testdata::sample("001_304fbf79cd7fc7b7.txt");
    let mut input = String::new();
    input += &serde_json::json!({"id": "same", "text1": en_a, "text2": ar_a, "lang1": "en", "lang2": "ar",
        "published1": "2019-03-10", "published2": "2019-03-12"})
    .to_string();
    input += "\nnot json\n\n";
    input +=
        &serde_json::json!({"id": 7, "text1": en_a, "text2": UNRELATED_EN, "title2": "Rates"}).to_string();
    input += "\n";
    let mut out = Vec::new();
    let counts = score_pairs(&enc, &model, input.as_bytes(), &mut out).unwrap();
    assert_eq!((counts.scored, counts.bad_lines), (2, 1));
    let lines: Vec<serde_json::Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], "same");
    assert_eq!(lines[1]["id"], 7);
    let (s0, s1) = (
        lines[0]["score"].as_f64().unwrap(),
        lines[1]["score"].as_f64().unwrap(),
    );
    assert!(s0 > s1, "{s0} vs {s1}");
}

#[test]
fn template_only_pages_get_the_base_rate_and_real_articles_do_not() {
    // text-only features, no encoder needed: the boilerplate rule reads shingles
    use khabar_similarity::DocFeatures;
    let model = SimilarityModel::default();
    assert!(!model.boilerplate_shingles.is_empty());
    let doc = |title: &str, body: &str| {
        let mut d = DocFeatures {
            lang: "ar".into(),
            ..Default::default()
        };
        d.add_text_keys(Some(title), body);
        d
    };
    // a failed crawl of a site that returned its template instead of the article (the shape seen in SemEval)
    let template = doc(
        "الحوار المتمدن",
        "التبرع للموقع - ادعمونا\n\nالموقع الرئيسي لمؤسسة الحوار المتمدن\n\nيسارية , علمانية , ديمقراطية\n\n\
         \"من أجل مجتمع مدني علماني ديمقراطي حديث يضمن الحرية والعدالة الاجتماعية للجميع\"\n\n\
         حاز الحوار المتمدن على جائزة ابن رشد للفكر الحر والتى نالها أعلام في الفكر والثقافة",
    );
    let articles: Vec<DocFeatures> = ["002_afe46e73b73918ef.txt", "003_8f6554c1735d4e29.txt"]
        .iter()
        .map(|name| {
            let text = khabar_testdata::sample(name);
            let (title, body) = khabar_similarity::split_title(&text);
            doc(title.unwrap_or_default(), body)
        })
        .collect();
    let (a, b) = (&articles[0], &articles[1]);
    assert!(!model.is_boilerplate_pair(a, b));
    assert!(model.is_boilerplate_pair(&template, a));
    let prior = model.score_prior(None, None);
    assert!((model.score(&template, a) - prior).abs() < 1e-6);
    assert!((model.score(a, &template) - prior).abs() < 1e-6);
    assert!((0.2..0.8).contains(&prior), "{prior}");
}
