-- How a decision was signed and where it was sent, as its printed form
-- shows them (Decree 30/2020/NĐ-CP, Appendix I): the signer's capacity
-- (0 the head in person, 1 a deputy "KT.", 2 for a collective "TM.",
-- 3 acting "Q."; tdkt.type.v1.SigningCapacity) and the "Nơi nhận" lines,
-- a JSON array of strings ('' for none). Existing decisions read as signed
-- by the head in person with no recipients.

-- +goose Up
ALTER TABLE decisions ADD COLUMN signing_capacity INTEGER NOT NULL DEFAULT 0;
ALTER TABLE decisions ADD COLUMN recipients TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE decisions DROP COLUMN recipients;
ALTER TABLE decisions DROP COLUMN signing_capacity;
