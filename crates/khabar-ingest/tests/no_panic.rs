//! Property test: no input bytes make any reader panic, and every outcome is a doc or a located error.

use khabar_ingest::{read_bytes, InputFormat};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    #[test]
    fn readers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048), which in 0usize..5) {
        let format = [InputFormat::Auto, InputFormat::Text, InputFormat::Html, InputFormat::Jsonl, InputFormat::Rss][which];
        let mut outcomes = 0;
        read_bytes("fuzz.bin", "fuzz.bin", &bytes, format, &mut |r| {
            outcomes += 1;
            if let Err(e) = r { assert!(e.location().starts_with("fuzz.bin")); }
        });
        let _ = outcomes;
    }

    #[test]
    fn jsonl_like_text_never_panics(lines in proptest::collection::vec("\\{?\"?(text|html|id|published)?\"?:?\"?\\PC{0,40}\"?\\}?", 0..8)) {
        let input = lines.join("\n");
        read_bytes("f.jsonl", "f.jsonl", input.as_bytes(), InputFormat::Jsonl, &mut |_| {});
    }
}
