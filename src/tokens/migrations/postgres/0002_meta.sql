-- Facts about the store itself: the fingerprint of the key that seals its tokens.
CREATE TABLE IF NOT EXISTS topsdk_meta (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
