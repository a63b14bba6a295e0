-- v1: articles with their analysis (embedding, dedup fingerprint, similarity features, search terms), mentions,
-- events, stories, rejects, stage state. Mirrors khabar-store's SQLite schema.
CREATE EXTENSION IF NOT EXISTS vector;

CREATE SEQUENCE event_seq;
CREATE SEQUENCE story_seq;

CREATE TABLE articles (
    seq          bigserial PRIMARY KEY,
    id           text NOT NULL UNIQUE,
    raw_hash     text NOT NULL,
    content_hash text NOT NULL,
    source_path  text NOT NULL,
    url          text,
    source       text,
    title        text,
    published    date,
    author       text,
    lang         text NOT NULL,
    text         text NOT NULL,
    removed      text NOT NULL DEFAULT '[]',
    duplicate_of text,
    story_id     text,
    ingested_at  timestamptz NOT NULL DEFAULT now(),
    -- Document embedding; any dimension, the HNSW index covers the production dimension (512).
    embedding    vector,
    -- Similarity-model features of the article (opaque bytes).
    features     bytea,
    -- MinHash fingerprint (opaque bytes) for near-duplicate checks.
    fingerprint  bytea,
    -- Space-joined analysed tokens for full-text search.
    search_terms text NOT NULL DEFAULT ''
);
CREATE INDEX articles_raw_hash ON articles (raw_hash);
CREATE INDEX articles_content_hash ON articles (content_hash);
CREATE INDEX articles_story ON articles (story_id);
CREATE INDEX articles_published ON articles (published);
CREATE INDEX articles_lang ON articles (lang);
CREATE INDEX articles_embedding_hnsw ON articles
    USING hnsw ((embedding::vector(512)) vector_cosine_ops)
    WHERE vector_dims(embedding) = 512;
CREATE INDEX articles_search ON articles USING gin (to_tsvector('simple', search_terms));

CREATE TABLE mentions (
    article_id text NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    ord        integer NOT NULL,
    kind       text NOT NULL,
    kb_id      text,
    json       text NOT NULL,
    PRIMARY KEY (article_id, ord)
);
CREATE INDEX mentions_kb ON mentions (kb_id);

CREATE TABLE events (
    seq         bigint PRIMARY KEY,
    id          text NOT NULL UNIQUE,
    article_id  text NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    family      text NOT NULL,
    date        date,
    place_kb_id text,
    json        text NOT NULL
);
CREATE INDEX events_article ON events (article_id);
CREATE INDEX events_date ON events (date);
CREATE INDEX events_family ON events (family);

CREATE TABLE dedup_bands (
    band       bigint NOT NULL,
    article_id text NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (band, article_id)
);
CREATE INDEX dedup_bands_article ON dedup_bands (article_id);

CREATE TABLE stories (
    id   text PRIMARY KEY,
    json text NOT NULL
);

CREATE TABLE rejected (
    seq      bigserial PRIMARY KEY,
    location text NOT NULL,
    reason   text NOT NULL,
    at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE state (
    key   text PRIMARY KEY,
    value bytea NOT NULL
);
