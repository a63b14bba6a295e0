//! khabar-similarity
