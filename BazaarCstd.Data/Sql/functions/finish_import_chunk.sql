-- The bookkeeping of one applied chunk of an import, in the chunk's transaction (called by
-- apply_movement_import_chunk and apply_product_import_chunk while they hold the operation's row
-- lock): the refused lines' reasons, the staging rows dropped (import_rows holds only work still
-- to do), and the progress mark moved past p_through, so a resumed Worker starts after it.
-- p_handled: the chunk's rows, applied or refused (rows_done counts those); the chunk that reaches
-- the file's last line sets the final status:
-- succeeded (nothing refused), failed (an atomic file with a refusal, or every line refused),
-- partially_failed otherwise.
-- p_errors: jsonb array of { "line", "reason" }.
CREATE OR REPLACE FUNCTION bazaar.finish_import_chunk(
    p_operation uuid, p_through int, p_handled int, p_errors jsonb)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_failed int := jsonb_array_length(p_errors);
BEGIN
    INSERT INTO bazaar.operation_errors (operation_id, line_no, reason)
    SELECT p_operation, (e->>'line')::int, e->>'reason'
    FROM jsonb_array_elements(p_errors) AS e;

    DELETE FROM bazaar.import_rows WHERE operation_id = p_operation AND line_no <= p_through;

    UPDATE bazaar.operations o
       SET rows_done = o.rows_done + p_handled,
           rows_failed = o.rows_failed + v_failed,
           next_line = p_through + 1,
           started_at = coalesce(o.started_at, now()),
           status = CASE
               WHEN p_through < o.last_line THEN 'running'
               WHEN o.rows_failed + v_failed = 0 THEN 'succeeded'
               WHEN o.atomic OR o.rows_failed + v_failed >= o.rows_total THEN 'failed'
               ELSE 'partially_failed' END,
           finished_at = CASE WHEN p_through >= o.last_line THEN now() END
     WHERE o.id = p_operation;
END $$;
