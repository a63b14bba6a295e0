-- v2: indexes for the API's and search's filters (publication date, language, event family).
CREATE INDEX IF NOT EXISTS articles_published ON articles(published);
CREATE INDEX IF NOT EXISTS articles_lang ON articles(lang);
CREATE INDEX IF NOT EXISTS events_family ON events(family);
