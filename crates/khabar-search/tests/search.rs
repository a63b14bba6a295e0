//! End-to-end tests of the search index on the real sample articles plus a few real-shaped ones.

use std::collections::BTreeSet;
use std::path::Path;

use chrono::NaiveDate;
use khabar_model::{Article, DatePrecision, EntityKind, Event, EventFamily, Mention};
use khabar_search::{AliasExpander, NoExpansion, SearchError, SearchHit, SearchIndex, SearchQuery};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn article(id: &str, lang: &str, title: Option<&str>, text: &str, published: Option<NaiveDate>) -> Article {
    Article {
        id: id.to_string(),
        source_path: format!("test/{id}"),
        url: None,
        source: None,
        title: title.map(str::to_string),
        published,
        author: None,
        lang: lang.to_string(),
        text: text.to_string(),
        removed: Vec::new(),
        duplicate_of: None,
        story_id: None,
        content_hash: String::new(),
    }
}

/// The five sample articles: title = first non-empty line, body = the rest, lang from the script.
fn sample_articles() -> Vec<Article> {
    let dates = [
        date(2019, 3, 12),
        date(2019, 3, 23),
        date(2019, 3, 8),
        date(2019, 2, 6),
        date(2019, 3, 12),
    ];
    let paths = khabar_testdata::sample_files();
    assert_eq!(paths.len(), 5, "expected the five sample articles");
    paths
        .iter()
        .zip(dates)
        .map(|(p, d)| {
            let raw = std::fs::read_to_string(p).unwrap();
            let mut lines = raw.lines().filter(|l| !l.trim().is_empty());
            let title = lines.next().unwrap().trim().to_string();
            let body: Vec<&str> = lines.collect();
            let lang = if khabar_normalize::arabic_ratio(&raw) > 0.5 {
                "ar"
            } else {
                "en"
            };
            let id = p.file_name().unwrap().to_str().unwrap();
            article(id, lang, Some(&title), &body.join("\n"), Some(d))
        })
        .collect()
}

const AR_CLITIC: &str = "قوات سوريا الديمقراطية تتقدم ببطء والباغوز تحت الحصار، وقال مصدر ميداني إن عشرات \
المدنيين خرجوا من الجيب الأخير بالباغوز مساء أمس عبر ممر آمن باتجاه مخيم الهول.";
const AR_DIACRITISED: &str = "وَأَعْلَنَ الْمَرْكَزُ الْإِعْلَامِيُّ أَنَّ الْقُوَّاتِ سَيْطَرَتْ عَلَى مُخَيَّمِ الْبَاغُوزِ بَعْدَ اشْتِبَاكَاتٍ \
عَنِيفَةٍ اسْتَمَرَّتْ ثَلَاثَةَ أَيَّامٍ.";
const EN_BAGHUZ: &str = "Coalition jets carried out an air strike on the outskirts of Baghuz on Sunday, \
according to the Syrian Observatory for Human Rights, which said 16 civilians were among the dead. \
The SDF spokesman said fighters <b>held</b> positions near the river & the camp.";

fn corpus() -> Vec<Article> {
    let mut all = sample_articles();
    all.push(article(
        "ar_clitic",
        "ar",
        Some("الحصار يشتد على آخر جيب لداعش"),
        AR_CLITIC,
        Some(date(2019, 3, 5)),
    ));
    all.push(article(
        "ar_diacritised",
        "ar",
        None,
        AR_DIACRITISED,
        Some(date(2019, 3, 20)),
    ));
    all.push(article(
        "en_baghuz",
        "en",
        Some("Air strike kills 16 civilians near Baghuz"),
        EN_BAGHUZ,
        None,
    ));
    all
}

fn mention(
    article_id: &str,
    text: &str,
    kind: EntityKind,
    canonical: &str,
    canonical_ar: &str,
    kb: &str,
) -> Mention {
    Mention {
        article_id: article_id.to_string(),
        mention: text.to_string(),
        span: [0, text.chars().count()],
        kind,
        canonical: Some(canonical.to_string()),
        canonical_ar: Some(canonical_ar.to_string()),
        kb_id: Some(kb.to_string()),
        lat: None,
        lon: None,
        country: None,
        confidence: 0.9,
    }
}

fn event(article_id: &str, family: EventFamily, place: Option<(&str, &str)>) -> Event {
    Event {
        id: format!("e-{article_id}-{}", family.as_str()),
        article_id: article_id.to_string(),
        family,
        date: None,
        date_precision: DatePrecision::Unknown,
        place: place.map(|p| p.0.to_string()),
        place_kb_id: place.map(|p| p.1.to_string()),
        lat: None,
        lon: None,
        actors: Vec::new(),
        targets: Vec::new(),
        counts: Default::default(),
        hedged: false,
        attributed_to: Vec::new(),
        sentence: String::new(),
        span: [0, 0],
        story_id: None,
    }
}

const BAGHUZ_KB: &str = "geo:163436";
const RAQQA_KB: &str = "geo:163915";

/// Annotations shaped like the entity and event stages' output.
fn annotations(a: &Article) -> (Vec<Event>, Vec<Mention>) {
    let mut mentions = Vec::new();
    let mut events = Vec::new();
    let baghuz = |surface: &str| mention(&a.id, surface, EntityKind::Place, "Baghuz", "الباغوز", BAGHUZ_KB);
    match a.id.as_str() {
        "000_bb25a827665d689f.txt" => {
            mentions.push(baghuz("Al-Bagouz"));
            mentions.push(mention(
                &a.id,
                "al-Raqqa",
                EntityKind::Place,
                "Raqqa",
                "الرقة",
                RAQQA_KB,
            ));
            mentions.push(mention(
                &a.id,
                "Qusad",
                EntityKind::Actor,
                "Syrian Democratic Forces",
                "قسد",
                "kb:sdf",
            ));
            events.push(event(&a.id, EventFamily::Territory, Some(("Baghuz", BAGHUZ_KB))));
        }
        "001_304fbf79cd7fc7b7.txt" => {
            mentions.push(baghuz("الباغوز"));
            events.push(event(&a.id, EventFamily::Territory, Some(("Baghuz", BAGHUZ_KB))));
            events.push(event(&a.id, EventFamily::Arrest, None));
        }
        "003_8f6554c1735d4e29.txt" => {
            mentions.push(baghuz("الباغوز"));
            events.push(event(
                &a.id,
                EventFamily::Displacement,
                Some(("Baghuz", BAGHUZ_KB)),
            ));
        }
        "004_ea737063e230775b.txt" => {
            mentions.push(baghuz("الباغوز"));
            events.push(event(&a.id, EventFamily::Airstrike, Some(("Baghuz", BAGHUZ_KB))));
        }
        "en_baghuz" => {
            mentions.push(baghuz("Baghuz"));
            events.push(event(&a.id, EventFamily::Airstrike, Some(("Baghuz", BAGHUZ_KB))));
        }
        _ => {}
    }
    (events, mentions)
}

fn build(dir: &Path) -> SearchIndex {
    let mut index = SearchIndex::open(dir).unwrap();
    for a in corpus() {
        let (events, mentions) = annotations(&a);
        index.index_article(&a, &events, &mentions).unwrap();
    }
    index.commit().unwrap();
    index
}

fn ids(hits: &[SearchHit]) -> BTreeSet<String> {
    hits.iter().map(|h| h.article_id.clone()).collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

const AR_SAMPLES: [&str; 3] = [
    "001_304fbf79cd7fc7b7.txt",
    "003_8f6554c1735d4e29.txt",
    "004_ea737063e230775b.txt",
];

/// The test expander of the brief: Baghouz/Baghuz in any script, and Deir ez-Zor as a two-word name.
struct TestExpander;

impl AliasExpander for TestExpander {
    fn expand(&self, term: &str) -> Vec<String> {
        match term.to_lowercase().as_str() {
            "baghouz" | "baghuz" => vec!["الباغوز".to_string(), "Baghuz".to_string()],
            "deir ez-zor" => vec!["دير الزور".to_string(), "ديرالزور".to_string()],
            _ => Vec::new(),
        }
    }

    fn kb_ids(&self, term: &str) -> Vec<String> {
        match term.to_lowercase().as_str() {
            "baghouz" | "baghuz" => vec![BAGHUZ_KB.to_string()],
            _ => Vec::new(),
        }
    }
}

fn search(index: &SearchIndex, text: &str) -> Vec<SearchHit> {
    index.search(&SearchQuery::text(text), &NoExpansion).unwrap()
}

#[test]
fn arabic_forms_of_one_name_find_the_same_articles() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path());
    assert_eq!(index.doc_count(), 8);
    let mut expected = set(&AR_SAMPLES);
    expected.insert("ar_clitic".into());
    expected.insert("ar_diacritised".into());
    for form in ["الباغوز", "باغوز", "والباغوز", "الْبَاغُوز", "الباغـوز"]
    {
        let hits = search(&index, form);
        assert_eq!(ids(&hits), expected, "query {form}");
        for hit in &hits {
            assert_eq!(hit.lang, "ar");
            assert!(
                hit.snippet.contains("<b>"),
                "no highlight for {form} in {}: {}",
                hit.article_id,
                hit.snippet
            );
        }
    }
    // The clitic-only article is highlighted on the word as written.
    let hits = search(&index, "الباغوز");
    let clitic = hits.iter().find(|h| h.article_id == "ar_clitic").unwrap();
    assert!(clitic.snippet.contains("<b>والباغوز</b>"), "{}", clitic.snippet);
    assert!(clitic.snippet.contains("<b>بالباغوز</b>"), "{}", clitic.snippet);
    let vowelled = hits.iter().find(|h| h.article_id == "ar_diacritised").unwrap();
    assert!(
        vowelled.snippet.contains("<b>الْبَاغُوزِ</b>"),
        "{}",
        vowelled.snippet
    );
    // Other Arabic words normalize too: hamza-less alef and teh marbuta as heh.
    let hits = search(&index, "اعلنت");
    assert!(ids(&hits).contains("001_304fbf79cd7fc7b7.txt"));
}

#[test]
fn one_letter_clitics_do_not_hide_a_word() {
    let dir = tempfile::tempdir().unwrap();
    let mut index = build(dir.path());
    let text = "وقال ناشطون إن طائرات حربية شنت غارات على مواقع بإدلب وريفها، فيما أعلنت وزارة الدفاع \
أن وحداتها تصدت لهجوم شنه مسلحون لقسد قرب منبج.";
    index
        .index_article(&article("ar_idlib", "ar", None, text, None), &[], &[])
        .unwrap();
    index.commit().unwrap();
    for query in ["إدلب", "ادلب", "قسد", "منبج"] {
        let hits = search(&index, query);
        assert!(ids(&hits).contains("ar_idlib"), "{query}: {:?}", ids(&hits));
    }
    let hits = search(&index, "إدلب");
    let h = hits.iter().find(|h| h.article_id == "ar_idlib").unwrap();
    assert!(h.snippet.contains("<b>بإدلب</b>"), "{}", h.snippet);
    // Without the variant the clitic form would be the only match of itself: "بإدلب" finds the bare form too.
    let clitic_query = ids(&search(&index, "بإدلب"));
    assert!(clitic_query.contains("ar_idlib") && clitic_query.contains("004_ea737063e230775b.txt"));
}

#[test]
fn english_queries_stem() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path());
    // "strikes" is in sample 000, "air strike" in en_baghuz.
    let strike = ids(&search(&index, "strike"));
    assert!(
        strike.contains("000_bb25a827665d689f.txt") && strike.contains("en_baghuz"),
        "{strike:?}"
    );
    assert_eq!(ids(&search(&index, "Strikes")), strike);
    // "fighters" / "fighting" in sample 002; "evacuation(s)" too.
    assert!(ids(&search(&index, "fighter")).contains("002_afe46e73b73918ef.txt"));
    assert!(ids(&search(&index, "evacuated")).contains("002_afe46e73b73918ef.txt"));
    // An English word never matches an Arabic article.
    assert!(ids(&search(&index, "surrender"))
        .iter()
        .all(|id| !AR_SAMPLES.contains(&id.as_str())));
    // More matching words rank higher: both names beat either alone.
    let hits = search(&index, "civilians Baghuz");
    assert_eq!(hits.first().map(|h| h.article_id.as_str()), Some("en_baghuz"));
}

#[test]
fn aliases_cross_scripts_and_kb_ids_match() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path());
    // No document spells "Baghouz": without expansion nothing is found.
    assert!(search(&index, "Baghouz").is_empty());
    let hits = index
        .search(&SearchQuery::text("Baghouz"), &TestExpander)
        .unwrap();
    let found = ids(&hits);
    for id in AR_SAMPLES {
        assert!(found.contains(id), "{id} missing from {found:?}");
    }
    assert!(found.contains("en_baghuz") && found.contains("ar_clitic"));
    // Sample 000 never spells the name with an h, but its mention is linked to the Baghuz kb id.
    assert!(found.contains("000_bb25a827665d689f.txt"));
    // A two-word name expands as one ("ديرالزور" in 001, "دير الزور" in 003 and 004).
    let hits = index
        .search(&SearchQuery::text("Deir ez-Zor"), &TestExpander)
        .unwrap();
    let found = ids(&hits);
    for id in AR_SAMPLES {
        assert!(found.contains(id), "{id} missing from {found:?}");
    }
    // Arabic highlights come from the alias.
    let h = hits
        .iter()
        .find(|h| h.article_id == "003_8f6554c1735d4e29.txt")
        .unwrap();
    assert!(h.snippet.contains("<b>"), "{}", h.snippet);
}

#[test]
fn filters_narrow_by_lang_date_place_and_family() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path());
    let run = |q: SearchQuery| ids(&index.search(&q, &TestExpander).unwrap());
    let base = SearchQuery::text("Baghouz");

    let ar = run(SearchQuery {
        lang: Some("ar".into()),
        ..base.clone()
    });
    assert!(!ar.is_empty() && ar.iter().all(|id| id.starts_with("00") || id.starts_with("ar_")));
    assert!(!ar.contains("en_baghuz") && !ar.contains("000_bb25a827665d689f.txt"));

    let march_1_to_15 = run(SearchQuery {
        from: Some(date(2019, 3, 1)),
        to: Some(date(2019, 3, 15)),
        ..base.clone()
    });
    assert_eq!(
        march_1_to_15,
        set(&[
            "000_bb25a827665d689f.txt",
            "004_ea737063e230775b.txt",
            "ar_clitic"
        ])
    );
    // Undated articles are out as soon as a bound is set.
    let since = run(SearchQuery {
        from: Some(date(2000, 1, 1)),
        ..base.clone()
    });
    assert!(!since.contains("en_baghuz"));
    // An empty range is no error.
    let reversed = run(SearchQuery {
        from: Some(date(2019, 4, 1)),
        to: Some(date(2019, 3, 1)),
        ..base.clone()
    });
    assert!(reversed.is_empty());

    // Place by kb id, by English canonical name, by Arabic name, and filter-only (no text).
    let raqqa = run(SearchQuery {
        place: Some(RAQQA_KB.into()),
        ..base.clone()
    });
    assert_eq!(raqqa, set(&["000_bb25a827665d689f.txt"]));
    let by_name = run(SearchQuery {
        place: Some("raqqa".into()),
        ..SearchQuery::default()
    });
    assert_eq!(by_name, raqqa);
    let by_arabic = run(SearchQuery {
        place: Some("الرقّة".into()),
        ..SearchQuery::default()
    });
    assert_eq!(by_arabic, raqqa);
    let place_only = SearchQuery {
        place: Some("باغوز".into()),
        ..SearchQuery::default()
    };
    let baghuz_place = run(place_only.clone());
    assert_eq!(baghuz_place.len(), 5, "{baghuz_place:?}");
    // Filter-only hits come newest first, undated last, with score 0.
    let hits = index.search(&place_only, &NoExpansion).unwrap();
    let dates: Vec<Option<NaiveDate>> = hits.iter().map(|h| h.published).collect();
    assert_eq!(
        dates,
        vec![
            Some(date(2019, 3, 23)),
            Some(date(2019, 3, 12)),
            Some(date(2019, 3, 12)),
            Some(date(2019, 2, 6)),
            None
        ]
    );
    assert!(hits.iter().all(|h| h.score == 0.0));

    let airstrikes = run(SearchQuery {
        family: Some(EventFamily::Airstrike),
        ..base.clone()
    });
    assert_eq!(airstrikes, set(&["004_ea737063e230775b.txt", "en_baghuz"]));
    let arrests_in_arabic = run(SearchQuery {
        family: Some(EventFamily::Arrest),
        lang: Some("AR".into()),
        ..SearchQuery::default()
    });
    assert_eq!(arrests_in_arabic, set(&["001_304fbf79cd7fc7b7.txt"]));
    assert!(run(SearchQuery {
        family: Some(EventFamily::Protest),
        ..base.clone()
    })
    .is_empty());
}

#[test]
fn hits_carry_metadata_and_escaped_snippets() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path());
    let hits = search(&index, "held river");
    let h = hits.iter().find(|h| h.article_id == "en_baghuz").unwrap();
    assert_eq!(
        h.title.as_deref(),
        Some("Air strike kills 16 civilians near Baghuz")
    );
    assert_eq!(h.lang, "en");
    assert_eq!(h.published, None);
    assert!(h.score > 0.0);
    // The article's own "<b>" markup and "&" are escaped; only our highlights are tags.
    assert!(
        h.snippet.contains("&lt;b&gt;<b>held</b>&lt;/b&gt;"),
        "{}",
        h.snippet
    );
    assert!(h.snippet.contains("&amp;"), "{}", h.snippet);
    let tags = h.snippet.matches("<b>").count();
    assert_eq!(tags, h.snippet.matches("</b>").count());
    assert_eq!(tags, 2, "{}", h.snippet);
    // Dates come back.
    let hits = search(&index, "الباغوز");
    let h = hits
        .iter()
        .find(|h| h.article_id == "003_8f6554c1735d4e29.txt")
        .unwrap();
    assert_eq!(h.published, Some(date(2019, 2, 6)));
    // The JSON line the CLI prints.
    let line = serde_json::to_value(h).unwrap();
    assert!(line["article_id"].is_string() && line["score"].is_number() && line["snippet"].is_string());
    // limit is honoured.
    let two = index
        .search(
            &SearchQuery {
                limit: 2,
                ..SearchQuery::text("الباغوز")
            },
            &NoExpansion,
        )
        .unwrap();
    assert_eq!(two.len(), 2);
}

#[test]
fn reindexing_replaces_and_survives_reopen() {
    let tmp = tempfile::tempdir().unwrap();
    // A missing `<db>/search/` is created.
    let dir = tmp.path().join("db/search");
    let mut index = build(&dir);
    let mut a = corpus().into_iter().find(|a| a.id == "en_baghuz").unwrap();
    assert!(ids(&search(&index, "river")).contains("en_baghuz"));
    index.index_article(&a, &[], &[]).unwrap();
    index.index_article(&a, &[], &[]).unwrap();
    index.commit().unwrap();
    assert_eq!(index.doc_count(), 8);
    a.text = "Shelling resumed on Hajin overnight.".into();
    index.index_article(&a, &[], &[]).unwrap();
    index.commit().unwrap();
    assert_eq!(index.doc_count(), 8);
    // The old body ("river" appears only there) is gone, the new one is found.
    assert!(!ids(&search(&index, "river")).contains("en_baghuz"));
    assert!(ids(&search(&index, "hajin")).contains("en_baghuz"));
    drop(index);

    let mut index = SearchIndex::open(&dir).unwrap();
    assert_eq!(index.doc_count(), 8);
    index.delete_article("en_baghuz").unwrap();
    index.delete_article("no-such-article").unwrap();
    index.commit().unwrap();
    assert_eq!(index.doc_count(), 7);
    assert!(search(&index, "hajin").is_empty());
}

#[test]
fn hostile_queries_return_ok() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path());
    let mut junk: Vec<String> = [
        "\"((",
        "AND OR",
        "*",
        "",
        "   ",
        "title:foo^3 -bar +baz~2 [a TO b] {x TO y}",
        "\\",
        "ال",
        "و",
        "\u{0651}\u{064E}",
        "\u{0000}\u{FFFF}\u{202E}",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // 2 KB of pseudo-random text over Latin, Arabic, digits, punctuation and query syntax.
    let alphabet: Vec<char> = "abcXYZ019 ()\"*:^~[]{}!-+&|\\/الباغوزقسد،ًّ\n\t".chars().collect();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut random = String::new();
    while random.len() < 2048 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        random.push(alphabet[(state % alphabet.len() as u64) as usize]);
    }
    junk.push(random);
    junk.push("x".repeat(4096));
    junk.push("الباغوز ".repeat(400));
    for text in &junk {
        for expander in [&NoExpansion as &dyn AliasExpander, &TestExpander] {
            let result = index.search(&SearchQuery::text(text.clone()), expander);
            assert!(result.is_ok(), "query {text:?} failed: {:?}", result.err());
        }
    }
    // Syntax characters are plain text: a quoted word still finds it.
    assert!(!search(&index, "\"الباغوز\" AND (").is_empty());
    assert!(search(&index, "*").is_empty());
    let long = search(&index, &"الباغوز ".repeat(400));
    assert!(!long.is_empty());
}

#[test]
fn version_mismatch_is_refused_and_recreate_rebuilds() {
    let dir = tempfile::tempdir().unwrap();
    drop(build(dir.path()));
    let other = dir.path().join("notes.txt");
    std::fs::write(&other, "keep me").unwrap();
    std::fs::write(dir.path().join("khabar-search.json"), r#"{"schema_version":999}"#).unwrap();
    match SearchIndex::open(dir.path()) {
        Err(SearchError::SchemaVersion { found, expected, .. }) => {
            assert_eq!((found, expected), (Some(999), khabar_search::SCHEMA_VERSION));
        }
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("an index of another version was opened"),
    }
    let index = SearchIndex::recreate(dir.path()).unwrap();
    assert_eq!(index.doc_count(), 0);
    assert!(other.is_file(), "recreate removed a file that is not the index's");
    drop(index);
    assert_eq!(SearchIndex::open(dir.path()).unwrap().doc_count(), 0);
}

#[test]
fn a_second_writer_is_told_the_index_is_locked() {
    let dir = tempfile::tempdir().unwrap();
    let mut first = build(dir.path());
    let mut second = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(second.doc_count(), 8);
    let a = article("x", "en", None, "Clashes in Hajin.", None);
    assert!(matches!(
        second.index_article(&a, &[], &[]),
        Err(SearchError::Locked(_))
    ));
    // The first writer still works, and the reader of the second sees its commit after reopening.
    first.index_article(&a, &[], &[]).unwrap();
    first.commit().unwrap();
    drop(second);
    assert_eq!(SearchIndex::open(dir.path()).unwrap().doc_count(), 9);
}

#[test]
fn odd_articles_index_and_search() {
    let dir = tempfile::tempdir().unwrap();
    let mut index = SearchIndex::open(dir.path()).unwrap();
    let odd = [
        article("empty", "und", Some("   "), "", None),
        article("controls", "", None, "\u{0000}\u{202E}\u{FEFF}ـــ ًٌٍ «»", None),
        article(
            "huge-token",
            "en",
            None,
            &format!("{} Hajin", "z".repeat(70_000)),
            None,
        ),
        article("", "ar", None, "نص بلا معرف", None),
        article(
            "markup",
            "en",
            Some("<script>alert(1)</script>"),
            "<script>alert('Hajin')</script>",
            None,
        ),
    ];
    for a in &odd {
        index.index_article(a, &[], &[]).unwrap();
    }
    index.commit().unwrap();
    assert_eq!(index.doc_count(), 5);
    assert_eq!(ids(&search(&index, "hajin")), set(&["huge-token", "markup"]));
    let hits = search(&index, "alert");
    let h = hits.iter().find(|h| h.article_id == "markup").unwrap();
    assert!(!h.snippet.contains("<script"), "{}", h.snippet);
    assert!(h.snippet.contains("&lt;script&gt;<b>alert</b>"), "{}", h.snippet);
    // A filter-only hit without a body match gets the escaped lead.
    let hits = index
        .search(
            &SearchQuery {
                lang: Some("und".into()),
                ..SearchQuery::default()
            },
            &NoExpansion,
        )
        .unwrap();
    assert_eq!(ids(&hits), set(&["empty"]));
    assert_eq!(hits[0].snippet, "");
    assert_eq!(hits[0].title.as_deref(), None);
    let hits = index
        .search(
            &SearchQuery {
                lang: Some("en".into()),
                ..SearchQuery::default()
            },
            &NoExpansion,
        )
        .unwrap();
    let h = hits.iter().find(|h| h.article_id == "markup").unwrap();
    assert_eq!(h.snippet, "&lt;script&gt;alert(&#x27;Hajin&#x27;)&lt;/script&gt;");
}

#[test]
fn many_short_runs_do_not_pile_up_segments() {
    // One API POST is one short run: open, index one article, commit, close.
    let dir = tempfile::tempdir().unwrap();
    for i in 0..24 {
        let mut index = SearchIndex::open(dir.path()).unwrap();
        let a = article(
            &format!("post-{i}"),
            "en",
            Some("Shelling in Idlib"),
            &format!(
                "Shelling hit Khan Sheikhoun on day {i}, killing civilians, the Syrian Observatory said."
            ),
            None,
        );
        index.index_article(&a, &[], &[]).unwrap();
        index.close().unwrap();
    }
    let index = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(index.doc_count(), 24);
    assert!(index.segment_count() < 12, "{} segments", index.segment_count());
}
