-- A conferral by a decision the honours service already holds (ConferBatch
-- with decision): its kind ('CREATE', the decision is created and issued
-- in honours; 'EXISTING', it is an issued decision there already) and,
-- for an existing one, the honour each nomination was matched to when the
-- intent was written, a JSON object from nomination name to honour name
-- ('' for none). Existing conferrals created their decisions.

-- +goose Up
ALTER TABLE conferrals ADD COLUMN kind TEXT NOT NULL DEFAULT 'CREATE';
ALTER TABLE conferrals ADD COLUMN honours TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE conferrals DROP COLUMN honours;
ALTER TABLE conferrals DROP COLUMN kind;
