-- The token table as the first stores made it (kept: files written then still open).
CREATE TABLE IF NOT EXISTS tmc_tokens_v1 (
    shop INTEGER PRIMARY KEY,
    nick TEXT,
    expire_time INTEGER,
    token TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tmc_tokens_v1_expiry ON tmc_tokens_v1 (expire_time);
