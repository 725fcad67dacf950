-- Retention of the outbox: detaches and drops, a whole month at a time (never row by row), every
-- partition of inventory_events whose upper bound is at or before p_before and that holds no
-- unpublished row; returns how many it dropped. p_before is capped at now(), so the current month
-- and the months ahead are never dropped whatever the caller passes.
-- A month still holding an unpublished row is kept (dropping it would lose an event the relay has
-- not sent) and named in a WARNING whose TABLE field is the partition; the worker logs it.
-- Partitions and bounds are read from the catalog (pg_inherits, relpartbound), not from names.
-- Most runs drop nothing, so the candidates are looked at first without locking inventory_events;
-- only when one may go is the parent locked (ACCESS EXCLUSIVE: every sale writes it, so the caller
-- sets lock_timeout) and each candidate checked again under the lock before it is dropped.
-- SECURITY DEFINER: only the owner may drop partitions, and the worker's maintenance runs as bazaar_app.
CREATE OR REPLACE FUNCTION bazaar.drop_published_event_partitions(p_before timestamptz) RETURNS int
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_before timestamptz := least(p_before, now());
    v_part record;
    v_unpublished boolean;
    v_droppable regclass[] := '{}';
    v_dropped int := 0;
BEGIN
    FOR v_part IN
        SELECT p.oid::regclass AS part, p.relname
        FROM (SELECT c.oid, c.relname,
                     (regexp_match(pg_get_expr(c.relpartbound, c.oid), $re$ TO \('([^']+)'\)$re$))[1]::timestamptz AS upper_bound
              FROM pg_inherits i
              JOIN pg_class c ON c.oid = i.inhrelid
              WHERE i.inhparent = 'bazaar.inventory_events'::regclass) p
        WHERE p.upper_bound <= v_before       -- MAXVALUE or DEFAULT bounds parse to NULL: never dropped
        ORDER BY p.upper_bound
    LOOP
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s WHERE published_at IS NULL)', v_part.part) INTO v_unpublished;
        IF v_unpublished THEN
            RAISE WARNING '% still holds unpublished events; kept past its retention', v_part.part
                USING TABLE = v_part.relname, SCHEMA = 'bazaar';
        ELSE
            v_droppable := v_droppable || v_part.part;
        END IF;
    END LOOP;

    IF cardinality(v_droppable) = 0 THEN
        RETURN 0;
    END IF;

    LOCK TABLE ONLY bazaar.inventory_events IN ACCESS EXCLUSIVE MODE;
    FOR v_part IN
        SELECT d.part, c.relname
        FROM unnest(v_droppable) AS d(part)
        JOIN pg_class c ON c.oid = d.part
        JOIN pg_inherits i ON i.inhrelid = c.oid AND i.inhparent = 'bazaar.inventory_events'::regclass
    LOOP
        -- Nothing can write it now, except the owner by hand.
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s WHERE published_at IS NULL)', v_part.part) INTO v_unpublished;
        IF v_unpublished THEN
            RAISE WARNING '% still holds unpublished events; kept past its retention', v_part.part
                USING TABLE = v_part.relname, SCHEMA = 'bazaar';
            CONTINUE;
        END IF;
        EXECUTE format('ALTER TABLE bazaar.inventory_events DETACH PARTITION %s', v_part.part);
        EXECUTE format('DROP TABLE %s', v_part.part);
        v_dropped := v_dropped + 1;
    END LOOP;
    RETURN v_dropped;
END $$;
REVOKE ALL ON FUNCTION bazaar.drop_published_event_partitions(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION bazaar.drop_published_event_partitions(timestamptz) TO bazaar_app;
