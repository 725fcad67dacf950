-- Builds snapshots for the current horizon, for the next p_shelves shelves (stock_levels rows, in
-- (store, product) order from where the last call stopped); returns how many shelves it looked at,
-- fewer than p_shelves once the horizon is built (then 0). One call is one transaction; the Worker
-- calls it until it returns less than p_shelves.
--
-- A shelf that has had p_every movements or more since its latest snapshot gets a snapshot at each
-- day boundary (UTC) before the horizon where another p_every of its movements have passed: asOf
-- then sums at most ~p_every movements, or one day's, on top of a snapshot. Each snapshot is its
-- latest one plus its movements since, so the first build reads a shelf's history once and later
-- ones only what is new.
--
-- Exactness: the transaction holds the snapshot lock (advisory) exclusively. A ledger call with a
-- line dated before the horizon holds it shared until it commits (record_movements), so its movement
-- is either committed before this reads (and counted here) or waits and then adds its delta to what
-- this wrote. Movements dated after the horizon are never counted here.
CREATE OR REPLACE FUNCTION bazaar.build_stock_snapshots(p_shelves int, p_every int)
RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    v_h bazaar.stock_snapshot_horizon;
    v_count int;
    v_store uuid;
    v_product uuid;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('bazaar.stock_snapshots'));
    SELECT * INTO v_h FROM bazaar.stock_snapshot_horizon FOR UPDATE;
    IF v_h.built THEN
        RETURN 0;
    END IF;

    WITH chunk AS MATERIALIZED (
        SELECT l.store_id, l.product_id, l.version
          FROM bazaar.stock_levels l
         WHERE v_h.after_store IS NULL OR (l.store_id, l.product_id) > (v_h.after_store, v_h.after_product)
         ORDER BY l.store_id, l.product_id
         LIMIT p_shelves),
    shelves AS MATERIALIZED (
        SELECT c.store_id, c.product_id, c.version, coalesce(s.at, '-infinity') AS prev_at,
               coalesce(s.on_hand, 0) AS prev_on_hand, s.last_occurred AS prev_last
          FROM chunk c
          LEFT JOIN LATERAL (
              SELECT ss.at, ss.on_hand, ss.last_occurred, ss.level_version
                FROM bazaar.stock_snapshots ss
               WHERE ss.store_id = c.store_id AND ss.product_id = c.product_id
               ORDER BY ss.at DESC LIMIT 1) s ON true
         WHERE c.version - coalesce(s.level_version, 0) >= p_every
           AND coalesce(s.at, '-infinity') < v_h.at),
    days AS (
        SELECT m.store_id, m.product_id,
               date_bin('1 day', m.occurred_at, timestamptz '2000-01-01 00:00:00+00') + interval '1 day' AS at,
               sum(m.delta) AS delta, count(*) AS n, max(m.occurred_at) AS last
          FROM shelves x
          JOIN bazaar.stock_movements m
            ON m.store_id = x.store_id AND m.product_id = x.product_id
           AND m.occurred_at >= x.prev_at AND m.occurred_at < v_h.at
           -- occurredAt is never more than 5 minutes ahead of recorded_at: lets the scan skip old months
           AND m.recorded_at >= x.prev_at - interval '5 minutes'
         GROUP BY 1, 2, 3),
    running AS (
        SELECT d.store_id, d.product_id, d.at, d.n, x.version,
               x.prev_on_hand + sum(d.delta) OVER w AS on_hand,
               sum(d.n) OVER w AS passed,
               greatest(x.prev_last, max(d.last) OVER w) AS last_occurred
          FROM days d JOIN shelves x USING (store_id, product_id)
        WINDOW w AS (PARTITION BY d.store_id, d.product_id ORDER BY d.at)),
    written AS (
        INSERT INTO bazaar.stock_snapshots AS ss (store_id, product_id, at, on_hand, last_occurred, level_version)
        SELECT r.store_id, r.product_id, least(r.at, v_h.at), r.on_hand, r.last_occurred, r.version
          FROM running r
         WHERE div(r.passed, p_every) > div(r.passed - r.n, p_every)
        ON CONFLICT ON CONSTRAINT pk_stock_snapshots DO UPDATE
           SET on_hand = excluded.on_hand, last_occurred = excluded.last_occurred, level_version = excluded.level_version
        RETURNING 1)
    SELECT count(*)::int,
           (SELECT c.store_id FROM chunk c ORDER BY c.store_id DESC, c.product_id DESC LIMIT 1),
           (SELECT c.product_id FROM chunk c ORDER BY c.store_id DESC, c.product_id DESC LIMIT 1)
      INTO v_count, v_store, v_product
      FROM chunk;

    UPDATE bazaar.stock_snapshot_horizon
       SET built = v_count < p_shelves, after_store = v_store, after_product = v_product;
    RETURN v_count;
END $$;
