//! Any text, any id, any bytes as a snapshot: never a panic.

use khabar_dedup::{DedupConfig, DedupIndex};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_texts_insert_and_round_trip(texts in proptest::collection::vec("\\PC{0,200}", 1..12)) {
        let mut index = DedupIndex::new(DedupConfig::default()).unwrap();
        for (i, text) in texts.iter().enumerate() {
            if let Some(dup) = index.insert(&format!("id{i}"), text) {
                prop_assert!(dup.jaccard_estimate >= 0.0 && dup.jaccard_estimate <= 1.0);
                prop_assert_ne!(dup.id, format!("id{i}"));
            }
        }
        let mut bytes = Vec::new();
        index.snapshot(&mut bytes).unwrap();
        let restored = DedupIndex::restore(&bytes[..]).unwrap();
        prop_assert_eq!(restored.stats(), index.stats());
    }

    #[test]
    fn arbitrary_bytes_never_restore_into_a_panic(tail in proptest::collection::vec(any::<u8>(), 0..256)) {
        let mut bytes = b"KHDEDUP\0\x01\0\0\0".to_vec();
        bytes.extend_from_slice(&tail);
        let _ = DedupIndex::restore(&bytes[..]);
    }
}
