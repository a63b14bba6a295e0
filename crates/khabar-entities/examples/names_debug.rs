//! Prints what the name tables say about Arabic words (debugging aid).
//!
//! `cargo run --release -p khabar-entities --example names_debug -- WORD...`

fn main() {
    let Ok(kb) = khabar_entities::KnowledgeBase::load(&khabar_entities::default_data_dir()) else {
        return;
    };
    for w in std::env::args().skip(1) {
        println!(
            "{w}: latin_name={:?} resolve={:?}",
            kb.latin_name(&w),
            kb.resolve(&w).into_iter().take(3).collect::<Vec<_>>()
        );
    }
}
