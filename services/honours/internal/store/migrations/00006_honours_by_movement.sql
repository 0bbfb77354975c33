-- The honours citing a movement, for statistics filtered by movement (the
-- running totals do not hold movements). Most honours cite none.
-- +goose Up
CREATE INDEX honours_movement ON honours (movement, state) WHERE movement <> '';

-- +goose Down
DROP INDEX honours_movement;
