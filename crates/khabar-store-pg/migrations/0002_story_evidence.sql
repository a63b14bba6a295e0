-- v2: the evidence stories are built on, so that a story can split. One row per (article, older candidate) pair
-- the article scored at or above the join threshold when it was clustered. Articles stored before this migration
-- have none: `evidence_horizon` remembers where recorded evidence starts, and stories holding older articles are
-- never split.
CREATE TABLE story_evidence (
    article_id text NOT NULL,
    other_id   text NOT NULL,
    score      real NOT NULL,
    PRIMARY KEY (article_id, other_id)
);
CREATE INDEX story_evidence_other ON story_evidence (other_id);

CREATE TABLE evidence_horizon (seq bigint NOT NULL);
INSERT INTO evidence_horizon (seq) SELECT COALESCE(MAX(seq), 0) FROM articles;
