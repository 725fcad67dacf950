-- Moves the snapshot horizon (bazaar.stock_snapshot_horizon) forward to p_at and starts the build
-- for it; false when it already stands there or further.
--
-- The barrier: EXCLUSIVE on bazaar.settings, the lock the stock freeze takes. Every ledger call holds
-- ROW SHARE on it from its first statement to its commit and reads the horizon after taking it, so
-- once this commits, every write still to come knows the new horizon (and updates the snapshots
-- after a line dated before it), and every write that did not know it has committed, so the build
-- sees its movements. Writes wait only while the writes in flight finish.
CREATE OR REPLACE FUNCTION bazaar.advance_stock_snapshot_horizon(p_at timestamptz)
RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT h.at FROM bazaar.stock_snapshot_horizon h) >= p_at THEN
        RETURN false;
    END IF;
    LOCK TABLE bazaar.settings IN EXCLUSIVE MODE;
    UPDATE bazaar.stock_snapshot_horizon h
       SET at = p_at, built = false, after_store = NULL, after_product = NULL
     WHERE h.at < p_at;
    RETURN FOUND;
END $$;
