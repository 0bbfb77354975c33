-- Recipient keys became blind indexes: keyed HMACs under secrets from the
-- service's configuration (domain.Keyring), which a migration cannot know.
-- The service brings the keys stored before, and those of an older
-- generation after a rotation, to the current generation when it starts
-- (Store.Rekey), and notes here the generation every key is of, so that
-- a start with the same secrets reads one row. '' is the keys of before
-- this migration: kind + an unkeyed SHA-256.

-- +goose Up
CREATE TABLE recipient_key_generation (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation TEXT NOT NULL
);
INSERT INTO recipient_key_generation (id, generation) VALUES (1, '');

-- +goose Down
DROP TABLE recipient_key_generation;
