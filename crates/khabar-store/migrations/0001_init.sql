-- v1: articles with their analysis, stories, rejects, stage state.
CREATE TABLE articles (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    raw_hash     TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    source_path  TEXT NOT NULL,
    url          TEXT,
    source       TEXT,
    title        TEXT,
    published    TEXT,
    author       TEXT,
    lang         TEXT NOT NULL,
    text         TEXT NOT NULL,
    removed      TEXT NOT NULL DEFAULT '[]',
    duplicate_of TEXT,
    story_id     TEXT,
    ingested_at  TEXT NOT NULL
);
CREATE INDEX articles_raw_hash ON articles(raw_hash);
CREATE INDEX articles_content_hash ON articles(content_hash);
CREATE INDEX articles_story ON articles(story_id);

CREATE TABLE mentions (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    ord        INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    kb_id      TEXT,
    json       TEXT NOT NULL,
    PRIMARY KEY (article_id, ord)
);
CREATE INDEX mentions_kb ON mentions(kb_id);

CREATE TABLE events (
    seq         INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    article_id  TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    family      TEXT NOT NULL,
    date        TEXT,
    place_kb_id TEXT,
    json        TEXT NOT NULL
);
CREATE INDEX events_article ON events(article_id);
CREATE INDEX events_date ON events(date);

CREATE TABLE embeddings (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    vec        BLOB NOT NULL
);

CREATE TABLE stories (
    id   TEXT PRIMARY KEY,
    json TEXT NOT NULL
);

CREATE TABLE rejected (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    location TEXT NOT NULL,
    reason   TEXT NOT NULL,
    at       TEXT NOT NULL
);

CREATE TABLE state (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
