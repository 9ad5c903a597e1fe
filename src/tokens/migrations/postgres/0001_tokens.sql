-- Tokens by shop with versions, refresh leases (the database's clock decides when a lease
-- lapses) and revocation; bans shared by the workers.
CREATE TABLE IF NOT EXISTS topsdk_tokens (
    shop BIGINT PRIMARY KEY,
    nick TEXT,
    expire_time BIGINT,
    token TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    revoked TEXT,
    lease_owner TEXT,
    lease_until TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS topsdk_tokens_expiry ON topsdk_tokens (expire_time);
CREATE TABLE IF NOT EXISTS topsdk_bans (
    scope TEXT PRIMARY KEY,
    until_ms BIGINT NOT NULL
);
