//! Language identification: one ISO 639-1 code per article.
//!
//! Uses lingua restricted to the languages khabar meets in conflict reporting (Arabic, English and the languages of
//! wire services and neighbours). Short or letterless texts give `und`. A language given by the container (JSONL
//! `lang`) is kept when it is a valid code.

#![deny(missing_docs)]

use khabar_model::{Article, Stage, StageError};
use lingua::{IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder};

/// The languages written in Arabic script that the detector chooses among.
const ARABIC_SCRIPT: [Language; 3] = [Language::Arabic, Language::Persian, Language::Urdu];

/// The languages the detector chooses among.
pub const LANGUAGES: [Language; 15] = [
    Language::Arabic,
    Language::English,
    Language::French,
    Language::German,
    Language::Spanish,
    Language::Italian,
    Language::Portuguese,
    Language::Polish,
    Language::Russian,
    Language::Turkish,
    Language::Persian,
    Language::Urdu,
    Language::Hebrew,
    Language::Chinese,
    Language::Ukrainian,
];

/// How many chars of an article the detector reads (the head is plenty and keeps long pages cheap).
const SAMPLE_CHARS: usize = 2000;

/// The language-ID stage. Text mostly in Arabic script only chooses among Arabic, Persian and Urdu; other text
/// among the rest (fewer candidates: faster and no cross-script confusions).
pub struct LangId {
    arabic_script: LanguageDetector,
    other: LanguageDetector,
}

impl LangId {
    /// Builds the detectors (loads the language models once).
    pub fn new() -> LangId {
        let others: Vec<Language> = LANGUAGES
            .iter()
            .copied()
            .filter(|l| !ARABIC_SCRIPT.contains(l))
            .collect();
        let build = |langs: &[Language]| {
            LanguageDetectorBuilder::from_languages(langs)
                .with_preloaded_language_models()
                .build()
        };
        LangId {
            arabic_script: build(&ARABIC_SCRIPT),
            other: build(&others),
        }
    }

    /// Detects the language of `text`: an ISO 639-1 code, or `und`.
    pub fn detect(&self, text: &str) -> String {
        let sample: String = text.chars().take(SAMPLE_CHARS).collect();
        let letters = sample.chars().filter(|c| c.is_alphabetic()).count();
        if letters < 3 {
            return "und".to_string();
        }
        let detector = if khabar_normalize::arabic_ratio(&sample) > 0.5 {
            &self.arabic_script
        } else {
            &self.other
        };
        match detector.detect_language_of(&sample) {
            Some(lang) => lang.iso_code_639_1().to_string().to_lowercase(),
            None => "und".to_string(),
        }
    }
}

impl Default for LangId {
    fn default() -> Self {
        LangId::new()
    }
}

/// True when `code` is a known ISO 639-1 code.
pub fn is_valid_code(code: &str) -> bool {
    code.parse::<IsoCode639_1>().is_ok()
}

impl Stage for LangId {
    type Input = Article;
    type Output = Article;

    fn name(&self) -> &'static str {
        "langid"
    }

    fn process(&self, mut article: Article) -> Result<Article, StageError> {
        let given = article.lang.to_ascii_lowercase();
        if given.len() == 2 && is_valid_code(&given) {
            article.lang = given;
        } else {
            let head = format!("{}\n{}", article.title.as_deref().unwrap_or(""), article.text);
            article.lang = self.detect(&head);
        }
        Ok(article)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_languages() {
        let id = LangId::new();
        assert_eq!(
            id.detect("أعلنت قوات سوريا الديمقراطية السيطرة على مخيم الباغوز، آخر الجيوب"),
            "ar"
        );
        assert_eq!(
            id.detect("The Islamic State is clinging to the last spot in the town of Baghuz."),
            "en"
        );
        assert_eq!(
            id.detect("Les Forces démocratiques syriennes ont annoncé la chute de Baghouz."),
            "fr"
        );
        assert_eq!(
            id.detect("نیروهای دموکراتیک سوریه کنترل باغوز را به دست گرفتند و جنگ ادامه دارد"),
            "fa"
        );
        assert_eq!(id.detect("12 34 --"), "und");
        // Long texts (cut to the sample) come out right in both script groups.
        let long_ar =
            "أعلنت قوات سوريا الديمقراطية السيطرة على مخيم الباغوز، آخر الجيوب التي يسيطر عليها التنظيم. "
                .repeat(5);
        assert_eq!(id.detect(&long_ar), "ar");
        let long_fa = "نیروهای دموکراتیک سوریه کنترل باغوز را به دست گرفتند و جنگ ادامه دارد. ".repeat(5);
        assert_eq!(id.detect(&long_fa), "fa");
        let long_de = "Die Demokratischen Kräfte Syriens haben die Kontrolle über Baghus übernommen, sagte ein Sprecher. ".repeat(4);
        assert_eq!(id.detect(&long_de), "de");
        let long_en =
            "The Syrian Democratic Forces said they had taken the last pocket held by the group in Baghuz. "
                .repeat(4);
        assert_eq!(id.detect(&long_en), "en");
    }

    #[test]
    fn container_language_wins_when_valid() {
        let id = LangId::new();
        let mut a = Article {
            id: "x".into(),
            source_path: "x".into(),
            url: None,
            source: None,
            title: None,
            published: None,
            author: None,
            lang: "EN".into(),
            text: "نص عربي طويل بما يكفي للتعرف على اللغة".into(),
            removed: vec![],
            duplicate_of: None,
            story_id: None,
            content_hash: String::new(),
        };
        assert_eq!(id.process(a.clone()).unwrap().lang, "en");
        a.lang = "und".into();
        assert_eq!(id.process(a).unwrap().lang, "ar");
    }
}
