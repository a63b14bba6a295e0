//! HTML extraction on hand-written, real-shaped pages: an Arabic RTL news page with JSON-LD, navigation, a related
//! list, share buttons and comments; an English page with OpenGraph/`article:*` metadata; date fallbacks.

use chrono::NaiveDate;
use khabar_extract::{extract_html, ExtractError, Extracted, Extractor};
use khabar_model::{BodyFormat, RawDoc, Stage, StageError};

const ARABIC_PAGE: &str = r##"<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<title>قسد تعلن السيطرة على مخيم الباغوز | عنب بلدي</title>
<meta property="og:site_name" content="عنب بلدي">
<script type="application/ld+json">
{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "قسد تعلن السيطرة على مخيم الباغوز",
 "datePublished": "2019-03-19T14:05:00+03:00",
 "author": {"@type": "Person", "name": "مراد عبد الجليل"},
 "publisher": {"@type": "Organization", "name": "عنب بلدي"}}
</script>
<script>window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);}</script>
<style>.menu { float: right; }</style>
</head>
<body>
<header class="site-header">
  <nav class="main-menu"><ul>
    <li><a href="/">الرئيسية</a></li><li><a href="/news">أخبار سوريا</a></li>
    <li><a href="/economy">اقتصاد</a></li><li><a href="/reports">تقارير</a></li>
  </ul></nav>
</header>
<div class="breadcrumbs"><a href="/">الرئيسية</a> » <a href="/news">أخبار</a></div>
<main>
<article class="post">
  <h1 class="entry-title">قسد تعلن السيطرة على مخيم الباغوز</h1>
  <div class="post-meta"><span class="author">مراد عبد الجليل</span> <time datetime="2019-03-19">19 آذار 2019</time></div>
  <div class="share-buttons"><a href="#">فيسبوك</a> <a href="#">تويتر</a> <a href="#">واتساب</a></div>
  <div class="entry-content">
    <p>أعلنت قوات سوريا الديمقراطية "قسد" المدعومة من التحالف الدولي السيطرة على مخيم الباغوز، آخر الجيوب التي يسيطر عليها تنظيم "الدولة الإسلامية" شرقي دير الزور.</p>
    <p>وقال المركز الإعلامي التابع لقوات "قسد" إن قواته سيطرت على المخيم بشكل نهائي، لكن بعض عناصر التنظيم ما زالوا يتحصنون في جيوب صغيرة بمحاذاة نهر الفرات.</p>
    <figure><img src="/img/baghouz.jpg"><figcaption>مقاتلون من قسد قرب الباغوز - AFP</figcaption></figure>
    <p>وأضاف مدير المركز الإعلامي مصطفى بالي أن المقاتلين المصابين نقلوا من جيب الباغوز إلى محافظة الحسكة في شمال شرق سوريا، وأنهم يعاملون وفق القوانين الدولية.</p>
    <p>ويقول سكان سابقون إن مئات المدنيين قتلوا خلال شهور من القصف الجوي المكثف الذي دمر الكثير من القرى في المنطقة المحاذية للحدود العراقية.</p>
    <p>وكانت قوات سوريا الديمقراطية قد أعلنت الشهر الماضي أنها عثرت على مقبرة جماعية في منطقة سيطرت عليها قرب بلدة الباغوز شرقي الفرات.</p>
  </div>
  <div class="tags">وسوم: <a href="/tag/qsd">قسد</a> <a href="/tag/baghouz">الباغوز</a></div>
</article>
<section class="related-posts">
  <h3>مقالات ذات صلة</h3>
  <ul>
    <li><a href="/a1">بدرسون يصل دمشق لإعادة تفعيل اجتماعات اللجنة الدستورية</a></li>
    <li><a href="/a2">توغل إسرائيلي جديد في الأراضي السورية</a></li>
    <li><a href="/a3">ميليشيا إيرانية تختطف نازحين من شمالي حلب</a></li>
  </ul>
</section>
<section id="comments" class="comments-area">
  <h3>3 تعليقات</h3>
  <div class="comment"><p>أبو أحمد: الله يرحم الشهداء ويفرج عن المعتقلين في كل مكان من سوريا الحبيبة.</p></div>
  <div class="comment"><p>سامر: متى تنتهي هذه الحرب التي أتعبت الجميع؟ نريد أن نعود إلى بيوتنا.</p></div>
  <form class="comment-form"><textarea name="comment"></textarea><button>أرسل التعليق</button></form>
</section>
</main>
<footer class="site-footer"><p>جميع الحقوق محفوظة © 2019 عنب بلدي</p><a href="/about">من نحن</a></footer>
</body>
</html>"##;

fn reasons(e: &Extracted) -> Vec<&str> {
    e.removed.iter().map(|r| r.reason.as_str()).collect()
}

#[test]
fn arabic_rtl_page_metadata_from_json_ld() {
    let e = extract_html(ARABIC_PAGE, Some("https://www.enabbaladi.net/archives/283000"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(e.title.as_deref(), Some("قسد تعلن السيطرة على مخيم الباغوز"));
    assert_eq!(e.published, NaiveDate::from_ymd_opt(2019, 3, 19));
    assert_eq!(e.author.as_deref(), Some("مراد عبد الجليل"));
    assert_eq!(e.site_name.as_deref(), Some("عنب بلدي"));
    assert_eq!(
        e.url.as_deref(),
        Some("https://www.enabbaladi.net/archives/283000")
    );
}

#[test]
fn arabic_rtl_page_body_without_furniture() {
    let e = extract_html(ARABIC_PAGE, None).unwrap_or_else(|e| panic!("{e}"));
    for sentence in [
        "أعلنت قوات سوريا الديمقراطية \"قسد\" المدعومة من التحالف الدولي السيطرة على مخيم الباغوز",
        "لكن بعض عناصر التنظيم ما زالوا يتحصنون في جيوب صغيرة بمحاذاة نهر الفرات.",
        "وأنهم يعاملون وفق القوانين الدولية.",
        "ويقول سكان سابقون إن مئات المدنيين قتلوا",
        "أنها عثرت على مقبرة جماعية في منطقة سيطرت عليها قرب بلدة الباغوز شرقي الفرات.",
    ] {
        assert!(e.text.contains(sentence), "lost: {sentence}\n---\n{}", e.text);
    }
    for furniture in [
        "أخبار سوريا",
        "توغل إسرائيلي جديد",
        "أبو أحمد",
        "جميع الحقوق محفوظة",
        "واتساب",
        "مقاتلون من قسد قرب الباغوز",
        "dataLayer",
    ] {
        assert!(
            !e.text.contains(furniture),
            "kept furniture: {furniture}\n---\n{}",
            e.text
        );
    }
    let reasons = reasons(&e);
    for reason in ["navigation", "related", "comments", "share", "caption", "footer"] {
        assert!(
            reasons.contains(&reason),
            "no `{reason}` block in {:#?}",
            e.removed
        );
    }
    let related = e
        .removed
        .iter()
        .find(|r| r.reason == "related")
        .map(|r| r.text.as_str())
        .unwrap_or_default();
    assert!(related.contains("توغل إسرائيلي جديد في الأراضي السورية"));
}

const ENGLISH_PAGE: &str = r#"<html><head>
<title>Islamic State fighters cling to last pocket - VOP Today News</title>
<meta property="og:title" content="Islamic State fighters cling to their last pocket in eastern Syria">
<meta property="og:site_name" content="VOP Today News">
<meta property="article:published_time" content="2019-03-08T09:12:00Z">
<meta name="author" content="VOP staff">
<link rel="canonical" href="https://voptoday.example/news/islamic-state-last-pocket">
</head><body>
<div id="top-nav"><a href="/">Home</a> | <a href="/world">World</a> | <a href="/politics">Politics</a></div>
<div class="article-body">
<p>The Islamic State is clinging to the last dominant spot in the town of Al-Bagouz on the banks of the Euphrates River in eastern Syria on Friday in the face of an attack by Syrian Democratic Forces.</p>
<p>In recent days, thousands of men, women and children have come out of the organization's control zone after the forces, backed by the Washington-led international coalition, slowed the pace of operations.</p>
<p>On March 1, Kurdish and Arab factions launched their latest offensive against jihadists in the town of Baguoz after two weeks of evacuations.</p>
<p>Since Sunday, more than 7,000 people have left, according to Syrian Democratic Forces, and many of the men were wounded, some on crutches.</p>
<div class="social-share"><a>Share on Facebook</a> <a>Share on Twitter</a></div>
<p>The battle against the organization is now one of the main fronts in the Syrian conflict, which has resulted in more than 360,000 dead since 2011.</p>
</div>
<div class="newsletter-signup"><p>Get the latest updates right in your inbox. Subscribe to our daily newsletter today.</p></div>
</body></html>"#;

#[test]
fn english_page_opengraph_metadata_and_body() {
    let e = extract_html(ENGLISH_PAGE, None).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        e.title.as_deref(),
        Some("Islamic State fighters cling to their last pocket in eastern Syria")
    );
    assert_eq!(e.published, NaiveDate::from_ymd_opt(2019, 3, 8));
    assert_eq!(e.author.as_deref(), Some("VOP staff"));
    assert_eq!(e.site_name.as_deref(), Some("VOP Today News"));
    assert_eq!(
        e.url.as_deref(),
        Some("https://voptoday.example/news/islamic-state-last-pocket")
    );
    assert!(e.text.contains("Since Sunday, more than 7,000 people have left"));
    assert!(e.text.contains("more than 360,000 dead since 2011."));
    assert!(!e.text.contains("Share on Facebook"));
    assert!(!e.text.contains("Subscribe to our daily newsletter"));
    assert!(reasons(&e).contains(&"share"));
}

fn page_with_head(head: &str, body_extra: &str) -> String {
    let paragraph = "<p>Local officials said the convoy of displaced families reached the camp near the river late on Tuesday after a long journey through the desert roads.</p>";
    format!(
        "<html><head>{head}</head><body><article>{body_extra}{}</article></body></html>",
        paragraph.repeat(5)
    )
}

#[test]
fn date_fallbacks_meta_name_date_and_time_element() {
    let e = extract_html(
        &page_with_head(r#"<meta name="date" content="2020-01-15">"#, ""),
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(e.published, NaiveDate::from_ymd_opt(2020, 1, 15));
    let e = extract_html(
        &page_with_head("", r#"<time datetime="2021-06-30T08:00:00+02:00">30 June</time>"#),
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(e.published, NaiveDate::from_ymd_opt(2021, 6, 30));
}

#[test]
fn no_date_in_markup_means_none() {
    let e = extract_html(&page_with_head("<title>Convoy reaches camp</title>", ""), None)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(e.published, None);
    assert!(e.text.contains("convoy of displaced families"));
}

#[test]
fn empty_page_is_empty_body() {
    assert!(matches!(
        extract_html("<html><body><nav>Home</nav></body></html>", None),
        Err(ExtractError::EmptyBody)
    ));
    assert!(matches!(extract_html("", None), Err(ExtractError::EmptyBody)));
}

fn raw_doc(body: &str, format: BodyFormat) -> RawDoc {
    RawDoc {
        id: "doc-1".into(),
        source_path: "test".into(),
        url: None,
        title: None,
        published: None,
        source: None,
        lang: None,
        body: body.into(),
        format,
    }
}

#[test]
fn stage_builds_article_and_container_fields_win() {
    let mut raw = raw_doc(ENGLISH_PAGE, BodyFormat::Html);
    raw.title = Some("Container title".into());
    raw.published = NaiveDate::from_ymd_opt(2019, 3, 9);
    let article = Extractor.process(raw).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(article.title.as_deref(), Some("Container title"));
    assert_eq!(article.published, NaiveDate::from_ymd_opt(2019, 3, 9));
    assert_eq!(article.source.as_deref(), Some("VOP Today News"));
    assert_eq!(article.author.as_deref(), Some("VOP staff"));
    assert_eq!(article.lang, "und");
    assert_eq!(article.content_hash.len(), 64);
    assert!(article.content_hash.chars().all(|c| c.is_ascii_hexdigit()));
    assert!(article.duplicate_of.is_none() && article.story_id.is_none());
    assert!(article
        .text
        .contains("Since Sunday, more than 7,000 people have left"));
}

#[test]
fn stage_hash_is_sha256_of_text() {
    let article = Extractor
        .process(raw_doc(
            "Title line\n\nA body sentence that is long enough to count as the article text here.",
            BodyFormat::Text,
        ))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(article.title.as_deref(), Some("Title line"));
    use sha2::Digest;
    assert_eq!(
        article.content_hash,
        hex::encode(sha2::Sha256::digest(article.text.as_bytes()))
    );
}

#[test]
fn stage_rejects_empty_bodies() {
    for (body, format) in [
        ("<html><body></body></html>", BodyFormat::Html),
        ("Leave a Reply\nNotify of\n", BodyFormat::Text),
        ("", BodyFormat::Text),
    ] {
        match Extractor.process(raw_doc(body, format)) {
            Err(StageError::Rejected(reason)) => assert!(reason.contains("empty body")),
            other => panic!("expected rejection, got {other:?}"),
        }
    }
}

#[test]
fn date_from_byline_block_when_markup_has_none() {
    let byline =
        r#"<div class="byline">Tom Davies, Associated Press. Published 11:34 PM EST Nov 19, 2019</div>"#;
    let e = extract_html(&page_with_head("", byline), None).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(e.published, NaiveDate::from_ymd_opt(2019, 11, 19));
    assert!(!e.text.contains("Tom Davies"));
    // A byline without a year gives no date.
    let byline = r#"<div class="byline">Tom Davies. Published Tuesday, Nov 19</div>"#;
    let e = extract_html(&page_with_head("", byline), None).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(e.published, None);
}

#[test]
fn time_elements_in_related_lists_and_comments_are_ignored() {
    let extra = r#"<aside class="related-posts"><time datetime="2018-01-02">2 Jan</time> Older story</aside>
        <div class="comments"><time datetime="2019-05-06T10:00">6 May</time> A reader wrote.</div>"#;
    let e = extract_html(&page_with_head("", extra), None).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(e.published, None);
}
