-- Running totals of the register: the number of ACTIVE honours and the sum
-- of their rewards per award type, year, province (as stored at issue), the
-- recipient unit's original province, authority and recipient kind. The
-- transactions that add or revoke honours keep them (store.Tx.addTotals);
-- GetStatistics reads these few rows instead of the whole register. The
-- columns are the honours table's, so the same filters apply to both.

-- +goose Up
CREATE TABLE honour_totals (
    award_code        TEXT NOT NULL,
    year              INTEGER NOT NULL,
    province          TEXT NOT NULL,
    province_original TEXT NOT NULL,
    authority         TEXT NOT NULL,
    kind              INTEGER NOT NULL,
    honours           BIGINT NOT NULL,
    reward_vnd        BIGINT NOT NULL,
    PRIMARY KEY (award_code, year, province, province_original, authority, kind)
);
-- The register as it stands (1 is ACTIVE).
INSERT INTO honour_totals (award_code, year, province, province_original, authority, kind, honours, reward_vnd)
SELECT award_code, year, province, province_original, authority, kind, COUNT(*), CAST(SUM(reward_vnd) AS BIGINT)
FROM honours WHERE state = 1
GROUP BY award_code, year, province, province_original, authority, kind;

-- +goose Down
DROP TABLE honour_totals;
