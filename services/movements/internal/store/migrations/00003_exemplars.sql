-- Exemplars (điển hình tiên tiến) of movements. The recipient is JSON text
-- of a tdkt.type.v1.Recipient without personal data; unit and province are
-- bare unit ids ('' for none); honours are JSON text of their names.

-- +goose Up
CREATE TABLE exemplars (
    movement_id    TEXT NOT NULL REFERENCES movements (id),
    id             TEXT NOT NULL,
    recipient      TEXT NOT NULL,
    recipient_name TEXT NOT NULL,
    unit           TEXT NOT NULL DEFAULT '',
    province       TEXT NOT NULL DEFAULT '',
    field          TEXT NOT NULL DEFAULT '',
    model          TEXT NOT NULL DEFAULT '',
    recognized_on  TEXT NOT NULL DEFAULT '',
    state          INTEGER NOT NULL,
    honours        TEXT NOT NULL DEFAULT '',
    sort_key       BYTEA NOT NULL,
    search         TEXT NOT NULL,
    create_time    BIGINT NOT NULL,
    update_time    BIGINT NOT NULL,
    version        BIGINT NOT NULL,
    PRIMARY KEY (movement_id, id)
);
CREATE INDEX exemplars_order ON exemplars (sort_key, movement_id, id);
CREATE INDEX exemplars_province ON exemplars (province);

-- +goose Down
DROP TABLE exemplars;
