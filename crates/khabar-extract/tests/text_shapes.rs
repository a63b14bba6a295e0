//! Flattened-text behaviour on real-shaped inputs beyond the five samples: prose that mentions boilerplate
//! phrases stays, date order follows the script and the numbers, no year means no date, related lists end at
//! the next paragraph.

use chrono::NaiveDate;
use khabar_extract::extract_text;

#[test]
fn prose_mentioning_boilerplate_phrases_is_kept() {
    let raw = "Facebook fined over data sharing\n\
        Regulators said on Monday that the company had changed its privacy policy without telling users.\n\
        The terms of use were rewritten twice in 2018, according to documents seen by reporters.\n\
        The company said it would appeal the decision and that it had cooperated with the inquiry.\n\
        A spokesman declined to comment further on the size of the fine or the timetable.\n\
        Privacy Policy | Terms of Use\n";
    let e = extract_text(raw).unwrap_or_else(|e| panic!("{e}"));
    assert!(e
        .text
        .contains("had changed its privacy policy without telling users."));
    assert!(e.text.contains("The terms of use were rewritten twice in 2018"));
    assert!(!e.text.contains("Privacy Policy | Terms of Use"));
    assert_eq!(e.title.as_deref(), Some("Facebook fined over data sharing"));
}

#[test]
fn english_numeric_dates_read_month_first_unless_day_decides() {
    let body = "Kurdish-led forces said on Sunday they had captured the last pocket held by the militants in the east.";
    let e = extract_text(&format!("Forces take last pocket\n• 3/12/2019\n{body}\n"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(e.published, NaiveDate::from_ymd_opt(2019, 3, 12));
    let e = extract_text(&format!("Forces take last pocket\n• 23/3/2019\n{body}\n"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(e.published, NaiveDate::from_ymd_opt(2019, 3, 23));
}

#[test]
fn weekday_day_month_without_year_gives_no_date() {
    let raw = "Clashes in Deir ez-Zor\nWednesday 6 February\n\
        Fighters clashed on the outskirts of the town on Wednesday 6 February, local sources said.\n";
    let e = extract_text(raw).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(e.published, None);
    // A full date inside a body sentence is not taken as the publication date either.
    let raw = "Clashes in Deir ez-Zor\n\
        The agreement signed on 12 March 2018 collapsed after fighters clashed on the outskirts of the town.\n";
    let e = extract_text(raw).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(e.published, None);
}

#[test]
fn related_list_stops_at_the_next_paragraph() {
    let raw = "عنوان الخبر\n\
        قالت مصادر محلية إن قوات النظام قصفت بلدات في ريف إدلب الجنوبي صباح اليوم ما أدى إلى سقوط ضحايا مدنيين.\n\
        اقرأ أيضا\n\
        توغل إسرائيلي جديد في الأراضي السورية\n\
        مقالات ذات صلة\n\
        ميليشيا إيرانية تختطف نازحين من شمالي حلب\n\
        وأضافت المصادر أن فرق الدفاع المدني عملت على انتشال الضحايا من تحت الأنقاض ونقل المصابين إلى المشافي القريبة في المنطقة.\n";
    let e = extract_text(raw).unwrap_or_else(|e| panic!("{e}"));
    assert!(e.text.contains("قالت مصادر محلية إن قوات النظام قصفت بلدات"));
    assert!(e
        .text
        .contains("وأضافت المصادر أن فرق الدفاع المدني عملت على انتشال الضحايا"));
    assert!(!e.text.contains("ميليشيا إيرانية تختطف نازحين"));
    assert!(
        !e.text.contains("توغل إسرائيلي جديد"),
        "a `read also` link list is related too"
    );
    assert!(e
        .removed
        .iter()
        .any(|r| r.reason == "related" && r.text.contains("ميليشيا إيرانية")));
}

#[test]
fn empty_or_furniture_only_text_is_rejected() {
    assert!(extract_text("").is_err());
    assert!(extract_text("\n\n   \n").is_err());
    assert!(extract_text("Leave a Reply\nNotify of\n").is_err());
}

#[test]
fn text_opening_with_a_sentence_keeps_it() {
    let raw = "The army said on Monday it had retaken the town after two days of fighting.\n\
        Residents who fled last week began returning on Tuesday, local officials said, as engineers cleared mines.\n";
    let e = extract_text(raw).unwrap_or_else(|e| panic!("{e}"));
    assert!(e
        .text
        .starts_with("The army said on Monday it had retaken the town"));
    assert!(e.text.contains("as engineers cleared mines."));
    assert_eq!(
        e.title.as_deref(),
        Some("The army said on Monday it had retaken the town after two days of fighting.")
    );
}

#[test]
fn bullet_lists_in_the_body_are_kept() {
    let raw = "Names of the victims released\n\
        The local council published on Thursday the names of the civilians killed in the strike on the market.\n\
        • Ahmed Ali\n\
        • Fatima Hassan\n\
        • 0\n\
        The council said rescue teams were still searching the rubble for two missing children.\n";
    let e = extract_text(raw).unwrap_or_else(|e| panic!("{e}"));
    assert!(e.text.contains("• Ahmed Ali"));
    assert!(e.text.contains("• Fatima Hassan"));
    assert!(!e.text.contains("• 0"));
}
