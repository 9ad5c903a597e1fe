-- Versions (conditional writes), refresh leases, revocation, and shared bans.
ALTER TABLE tmc_tokens_v1 ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE tmc_tokens_v1 ADD COLUMN revoked TEXT;
ALTER TABLE tmc_tokens_v1 ADD COLUMN lease_owner TEXT;
ALTER TABLE tmc_tokens_v1 ADD COLUMN lease_until INTEGER;
CREATE TABLE IF NOT EXISTS topsdk_bans (
    scope TEXT PRIMARY KEY,
    until_ms INTEGER NOT NULL
);
