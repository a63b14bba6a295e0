//! Bad and tricky input: tables, phone numbers, years, page counters, times — none become counts.

use chrono::NaiveDate;
use khabar_events::EventExtractor;
use khabar_model::{Article, Event};

fn run(text: &str, lang: &str) -> Vec<Event> {
    let article = Article {
        id: "bad".into(),
        source_path: "bad".into(),
        url: None,
        source: None,
        title: None,
        published: NaiveDate::from_ymd_opt(2019, 3, 12),
        author: None,
        lang: lang.into(),
        text: text.into(),
        removed: vec![],
        duplicate_of: None,
        story_id: None,
        content_hash: String::new(),
    };
    EventExtractor::new().expect("rules").extract(&article, &[])
}

#[test]
fn a_table_of_forty_numbers_gives_no_event() {
    let mut row = String::from("Killed by province:");
    for i in 0..40 {
        row.push_str(&format!(" {} {},", 2000 + i % 20, 100 + i * 7));
    }
    assert!(run(&row, "en").is_empty());
    let mut ar = String::from("أعداد القتلى حسب المحافظة:");
    for i in 0..40 {
        ar.push_str(&format!(" {}،", 10 + i));
    }
    assert!(run(&ar, "ar").is_empty());
}

#[test]
fn phones_years_pages_and_times_are_not_counts() {
    let text = "For comment call +963 11 223 4567 or 0933123456.\nPage 1 of 5\nUpdated at 00:00 GMT.\n\
                In 2019 the council met 24 hours a day.\nأُعلن عن مقتل عناصر في 2019.\nالصفحة 2 من 7\n\
                حدث ذلك عند الساعة 03:30 فجراً وقتل مدنيون.";
    for e in run(text, "en") {
        for c in e.counts.values() {
            assert!(
                !matches!(
                    c.min,
                    Some(963)
                        | Some(11)
                        | Some(223)
                        | Some(4567)
                        | Some(1)
                        | Some(5)
                        | Some(2019)
                        | Some(24)
                        | Some(2)
                        | Some(7)
                        | Some(3)
                ),
                "{e:?}"
            );
        }
    }
}

#[test]
fn sizes_ages_distances_and_percentages_bind_no_role() {
    for (text, lang) in [
        (
            "A 12-year-old boy was killed near the village, 70 km west of Raqqa, on Sunday.",
            "en",
        ),
        (
            "Turnout fell 44 percent after 5 people were killed in clashes on Monday.",
            "en",
        ),
        (
            "قتل طفل يبلغ من العمر 12 عاماً في قصف على بلدة تبعد 70 كم عن الرقة يوم الأحد.",
            "ar",
        ),
    ] {
        for e in run(text, lang) {
            for c in e.counts.values() {
                assert!(!matches!(c.min, Some(12) | Some(70) | Some(44)), "{text}: {e:?}");
            }
        }
    }
}

#[test]
fn garbage_never_panics() {
    let x = EventExtractor::new().expect("rules");
    for text in [
        "",
        " ",
        "\u{200f}\u{0640}\u{0640}",
        "٫٬،؛؟",
        "1/1/1/1 -- 00:00:00 ++ %%",
        "قتل قتل قتل 5 5 5",
    ] {
        let a = Article {
            id: "g".into(),
            source_path: "g".into(),
            url: None,
            source: None,
            title: None,
            published: None,
            author: None,
            lang: "und".into(),
            text: text.into(),
            removed: vec![],
            duplicate_of: None,
            story_id: None,
            content_hash: String::new(),
        };
        let _ = x.extract(&a, &[]);
    }
}

/// Each non-count stands right next to a role word, so only the refusal keeps it from binding.
#[test]
fn non_counts_next_to_role_words_bind_nothing() {
    for (text, lang, bad) in [
        (
            "Photo 1 of 5: the wounded are treated at a hospital in Gaza on Sunday.",
            "en",
            &[1u64, 5][..],
        ),
        (
            "Two people were killed at 00:00 on Monday in the raid on Jenin, medics said.",
            "en",
            &[0][..],
        ),
        (
            "Families of the missing can call the hotline on +964 770 123 4567 in Mosul.",
            "en",
            &[964, 770, 123, 4567][..],
        ),
        (
            "The 2019 killings in Baghdad on Monday shocked the country.",
            "en",
            &[2019][..],
        ),
        ("Page 3 of 12 | Killed in Syria on Monday", "en", &[3, 12][..]),
        (
            "الصورة 1 من 5: جرحى في مستشفى الشفاء بغزة يوم الأحد.",
            "ar",
            &[1, 5][..],
        ),
        (
            "للإبلاغ عن المفقودين في الموصل اتصلوا على الرقم 0911234567 يوم الاثنين.",
            "ar",
            &[911234567][..],
        ),
        (
            "قتل مدنيان عند الساعة 03:30 فجر الأحد في قصف على حلب.",
            "ar",
            &[3, 30][..],
        ),
    ] {
        for e in run(text, lang) {
            for c in e.counts.values() {
                assert!(!c.min.is_some_and(|v| bad.contains(&v)), "{text}: {e:?}");
                assert!(!c.max.is_some_and(|v| bad.contains(&v)), "{text}: {e:?}");
            }
        }
    }
}

/// Scores, seat tallies and budgets are numbers with no incident.
#[test]
fn scores_tallies_and_budgets_are_not_events() {
    for (text, lang) in [
        (
            "Al-Zawraa beat Al-Shorta 3-1 in Baghdad on Friday, with 40,000 fans in the stadium.",
            "en",
        ),
        (
            "The Sadrist bloc won 73 of the 329 seats in parliament, according to final results.",
            "en",
        ),
        (
            "The government approved a defence budget of 12 billion dollars for 2024, up 8 percent.",
            "en",
        ),
        (
            "فاز المنتخب العراقي على نظيره الإندونيسي بنتيجة 3-1 في المباراة التي أقيمت في البصرة.",
            "ar",
        ),
        (
            "حصل التحالف على 52 مقعدا من أصل 329 في الانتخابات البرلمانية.",
            "ar",
        ),
    ] {
        assert!(run(text, lang).is_empty(), "{text}: {:?}", run(text, lang));
    }
}

/// Shapes met in real non-conflict news (crime blotters, markets, crashes, anniversaries, title-case headlines).
#[test]
fn everyday_news_shapes_are_not_conflict_events() {
    // An age after a name is not a count of arrests.
    for e in run(
        "Officers arrested Christopher Tays, 32, of Franklin, after stopping his vehicle on Monday.",
        "en",
    ) {
        assert!(e.counts.values().all(|c| c.min != Some(32)), "{e:?}");
    }
    for (text, lang) in [
        ("Police arrested six people Monday during a narcotics investigation at a local home.", "en"),
        ("Two United States service members have been killed in a helicopter crash in Afghanistan on Wednesday.", "en"),
        ("A key reason for the market rally is the improved September quarter earnings.", "en"),
        ("Roughly 13,000 US troops remain in Afghanistan, 18 years after the September 11, 2001 attacks.", "en"),
        ("Ajay Devgn On CAA Protests: Violence Is Not The Way", "en"),
        ("ألقت الشرطة القبض على شخصين بتهمة تجارة المخدرات في المطرية يوم الاثنين.", "ar"),
        ("قتل 4 أشخاص في تحطم طائرة مروحية قرب المطار يوم الأحد.", "ar"),
    ] {
        let ev = run(text, lang);
        assert!(ev.is_empty(), "{text}: {ev:?}");
    }
}
