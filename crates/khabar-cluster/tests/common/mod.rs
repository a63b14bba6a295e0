//! Helpers shared by the story tests: seeded unit vectors, topic mixtures, real-shaped docs and a stand-in score.

#![allow(dead_code)]

use chrono::NaiveDate;
use khabar_cluster::ClusterDoc;
use std::collections::BTreeSet;

pub const DIM: usize = 64;

pub struct Rng(pub u64);
impl Rng {
    pub fn gaussian(&mut self) -> f32 {
        // Sum of uniforms: close enough to normal for noise.
        let mut s = 0.0;
        for _ in 0..6 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            s += (self.0 >> 40) as f32 / (1u64 << 24) as f32;
        }
        s - 3.0
    }
    pub fn vector(&mut self) -> Vec<f32> {
        unit(&(0..DIM).map(|_| self.gaussian()).collect::<Vec<_>>())
    }
}

pub fn unit(v: &[f32]) -> Vec<f32> {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    v.iter().map(|x| x / n).collect()
}

pub fn mix(parts: &[(f32, &[f32])]) -> Vec<f32> {
    let mut out = vec![0.0; DIM];
    for (w, v) in parts {
        for (o, x) in out.iter_mut().zip(v.iter()) {
            *o += w * x;
        }
    }
    unit(&out)
}

/// Places an article mentions (kb ids): the extra feature the score uses besides the embedding.
pub type Places = BTreeSet<String>;

pub fn day(d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(2019, 3, d)
}

pub fn doc(
    id: &str,
    lang: &str,
    d: u32,
    title: &str,
    embedding: Vec<f32>,
    places: &[&str],
) -> ClusterDoc<Places> {
    ClusterDoc {
        article_id: id.into(),
        title: Some(title.into()),
        published: day(d),
        lang: lang.into(),
        embedding,
        features: places.iter().map(|p| p.to_string()).collect(),
    }
}

pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// A stand-in for the learned model: embedding cosine plus a bonus for shared places.
pub fn score(a: &ClusterDoc<Places>, b: &ClusterDoc<Places>) -> f32 {
    let shared = a.features.intersection(&b.features).count() as f32;
    let union = a.features.union(&b.features).count().max(1) as f32;
    (0.7 * cosine(&a.embedding, &b.embedding) + 0.3 * shared / union).clamp(0.0, 1.0)
}
