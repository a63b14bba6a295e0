//! Golden-ish tests on the five real scraped samples (found by `khabar-testdata`): every boilerplate block is
//! removed and listed with a reason, every body paragraph is kept, title/date/site come out as the text allows.

use khabar_extract::{extract_text, Extracted};

fn extract(name: &str) -> (String, Extracted) {
    let raw = khabar_testdata::sample(name);
    let extracted = extract_text(&raw).unwrap_or_else(|e| panic!("{name}: {e}"));
    (raw, extracted)
}

/// The removed block holding `needle`, with its reason.
fn removed_reason<'a>(e: &'a Extracted, needle: &str) -> Option<&'a str> {
    e.removed
        .iter()
        .find(|r| r.text.contains(needle))
        .map(|r| r.reason.as_str())
}

fn assert_removed(e: &Extracted, needle: &str, reason: &str) {
    assert_eq!(
        removed_reason(e, needle),
        Some(reason),
        "`{needle}` should be removed as {reason}: {:#?}",
        e.removed
    );
    assert!(!e.text.contains(needle), "`{needle}` still in text");
}

/// Every line of at least 12 words that is not known furniture must survive verbatim.
fn assert_body_kept(raw: &str, e: &Extracted, furniture_prefixes: &[&str]) {
    let mut checked = 0;
    for line in raw.lines().map(str::trim) {
        if line.split_whitespace().count() < 12 || furniture_prefixes.iter().any(|p| line.starts_with(p)) {
            continue;
        }
        checked += 1;
        assert!(e.text.contains(line), "body paragraph lost: {line}");
    }
    assert!(checked > 0);
}

#[test]
fn sample_000_english_wordpress_tail() {
    let (raw, e) = extract("000_bb25a827665d689f.txt");
    assert_removed(&e, "Leave a Reply", "comments");
    assert_removed(&e, "Notify of", "comments");
    assert_removed(&e, "| Alwatan News Syria | 0 Comments", "metadata");
    assert_removed(&e, "About The Author", "author");
    assert_removed(&e, "Translated from Alwatan News Syria", "attribution");
    assert_body_kept(&raw, &e, &[]);
    assert!(e
        .text
        .starts_with("In an indication of the intention of the Syrian Democratic Forces"));
    assert!(e.text.trim_end().ends_with("according to opposition websites."));
    // The post title sits in the tail, right before its `| Site | 0 Comments` line.
    assert_eq!(e.title.as_deref(), Some("Al-Bagouz series is about to end!"));
    assert_eq!(e.site_name.as_deref(), Some("Alwatan News Syria"));
    assert_eq!(e.published, None);
}

#[test]
fn sample_001_arabic_site_title_and_related_list() {
    let (raw, e) = extract("001_304fbf79cd7fc7b7.txt");
    assert_removed(&e, "في سوريا - It's Over 9000!", "title");
    assert_eq!(
        e.title.as_deref(),
        Some("\"قسد\" تعلن السيطرة على آخر معاقل داعش في سوريا")
    );
    assert_eq!(e.site_name.as_deref(), Some("It's Over 9000!"));
    assert_removed(&e, "مقالات ذات صلة", "related");
    assert_removed(&e, "توغل إسرائيلي جديد في الأراضي السورية", "related");
    assert_removed(&e, "أردوغان: مستعدون لما بعد الانسحاب الأمريكي من سوريا", "related");
    assert_removed(&e, "بلدي نيوز", "caption");
    let before_related = raw.split("مقالات ذات صلة").next().unwrap_or_default();
    assert_body_kept(
        before_related,
        &e,
        &["\"قسد\" تعلن السيطرة على آخر معاقل داعش في سوريا - "],
    );
    assert!(e
        .text
        .starts_with("أعلنت قوات سوريا الديمقراطية \"قسد\" المدعومة من التحالف"));
    assert!(e.text.trim_end().ends_with("ضحايا للضربات الجوية للتحالف."));
    assert_eq!(e.published, None);
}

#[test]
fn sample_002_english_captions_and_donation_tail() {
    let (raw, e) = extract("002_afe46e73b73918ef.txt");
    assert_eq!(
        e.title.as_deref(),
        Some("Islamic state fighters cling to their last pocket in eastern Syria")
    );
    assert_removed(&e, "Islamic State flag", "caption");
    assert_removed(&e, "File AFP", "caption");
    assert_removed(&e, "Support The VOP from as little as $1", "donation");
    assert_removed(&e, "We are the Voice of People", "donation");
    assert_removed(&e, "[give_form id=", "markup");
    assert_removed(&e, "Contact us:", "footer");
    assert_removed(&e, "Our Standards, Terms of Use", "footer");
    assert_removed(&e, "Stay connected with VOP Today News on Twitter", "follow");
    assert_removed(
        &e,
        "This article is written and prepared by our foreign editors",
        "attribution",
    );
    assert!(removed_reason(&e, "VOP Today News — Breaking news source").is_some());
    assert_body_kept(
        &raw,
        &e,
        &[
            "This article is written",
            "Support The VOP",
            "We are the Voice",
            "VOP Today News —",
            "Stay connected",
        ],
    );
    // In-body subheadings are short lines too, but they sit among body paragraphs and stay.
    assert!(e.text.contains("– Wounded and crying children –"));
    assert!(e.text.contains("– “Unrepentant” –"));
    assert!(e.text.trim_end().ends_with("spread in the vast Syrian desert."));
}

#[test]
fn sample_003_arabic_correction_boilerplate_and_no_year() {
    let (raw, e) = extract("003_8f6554c1735d4e29.txt");
    assert_eq!(
        e.title.as_deref(),
        Some("“قسد” تعلن إحباط فرار 400 مقاتل من تنظيم “الدولة”")
    );
    assert_removed(
        &e,
        "اذا كنت تعتقد/تعتقدين أن المقال يحوي معلومات خاطئة",
        "correction",
    );
    assert_removed(&e, "المقال ينتهك أيًا من المبادئ الأخلاقية", "correction");
    assert_removed(&e, "تابعنا على", "follow");
    assert_body_kept(&raw, &e, &["اذا كنت تعتقد", "إذا كنت تعتقد"]);
    assert!(e.text.contains("نحن بعد أسبوع نعلن الانتصار الكامل على داعش"));
    // "الأربعاء 6 من شباط" has no year: no date is invented.
    assert_eq!(e.published, None);
}

#[test]
fn sample_004_arabic_counters_and_date() {
    let (raw, e) = extract("004_ea737063e230775b.txt");
    assert_eq!(
        e.title.as_deref(),
        Some("أنباء عن مجزرة للتحالف الدولي أوقعت عشرات المدنيين في الباغوز السورية")
    );
    assert_removed(&e, "• 3/12/2019", "metadata");
    assert_removed(&e, "• 00:00", "metadata");
    assert_removed(&e, "news-picture", "markup");
    assert_removed(&e, "مشاركة :", "share");
    assert_body_kept(&raw, &e, &[]);
    // 3/12/2019 is ambiguous; Arabic text defaults to day-first, but the body itself speaks of "8 آذار (مارس)
    // الجاري" (the 8th of this month, March), so the page's date is 12 March.
    assert_eq!(e.published, chrono::NaiveDate::from_ymd_opt(2019, 3, 12));
    assert!(e.text.contains("مجزرة في إدلب"));
}

#[test]
fn every_sample_keeps_most_of_its_words() {
    for name in [
        "000_bb25a827665d689f.txt",
        "001_304fbf79cd7fc7b7.txt",
        "002_afe46e73b73918ef.txt",
        "003_8f6554c1735d4e29.txt",
        "004_ea737063e230775b.txt",
    ] {
        let (raw, e) = extract(name);
        let kept = e.text.split_whitespace().count() as f64;
        let total = raw.split_whitespace().count() as f64;
        assert!(
            kept / total > 0.6 && kept < total,
            "{name}: kept {kept} of {total} words"
        );
        assert!(!e.removed.is_empty(), "{name}: nothing removed");
    }
}
