-- Asynchronous operations (CSV imports). Applied by the Operations migration.
--
-- 1. operations: one row per accepted upload; its progress mark (next_line) is advanced in the same
--    transaction as the rows it covers, so a Worker killed mid-file resumes after the last committed
--    chunk and never applies a row twice.
-- 2. import_rows: the uploaded file, one row per CSV record, COPYed in while the body streams in.
--    A chunk deletes its rows in the transaction that applies them: the table holds only work still
--    to do (no retention job needed; a failed or abandoned upload rolls back with its rows).
-- 3. operation_errors: one reason per refused line.
-- Line numbers are CSV record numbers with the header as line 1 (a spreadsheet's row numbers).
-- Not mapped in the EF model: only raw SQL (the API's operations endpoints, the Worker) uses them.

CREATE TABLE bazaar.operations (
    id           uuid PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('movements', 'products')),
    status       text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'partially_failed')),
    atomic       boolean NOT NULL DEFAULT false,
    uploaded_by  uuid NOT NULL REFERENCES bazaar.users (id),
    -- The uploader's stores when the file was accepted (NULL: every store, an administrator), the
    -- scope every row is recorded under, as the ledger endpoints use the access token's stores.
    stores       uuid[],
    request_id   text,
    rows_total   int NOT NULL DEFAULT 0 CHECK (rows_total >= 0),
    rows_done    int NOT NULL DEFAULT 0 CHECK (rows_done >= 0),
    rows_failed  int NOT NULL DEFAULT 0 CHECK (rows_failed >= 0),
    -- The next line to apply; every line before it is applied or refused, and committed.
    next_line    int NOT NULL DEFAULT 2,
    -- The file's last line (blank lines are not rows but keep their line numbers).
    last_line    int NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    started_at   timestamptz,
    finished_at  timestamptz
);
CREATE INDEX ix_operations_uploader ON bazaar.operations (uploaded_by, created_at DESC, id DESC);
CREATE INDEX ix_operations_created ON bazaar.operations (created_at DESC, id DESC);

-- No foreign key: 100,000 RI checks would slow the COPY, and rows only come with their operation
-- (same transaction) and leave with its chunks.
CREATE TABLE bazaar.import_rows (
    operation_id uuid NOT NULL,
    line_no      int NOT NULL,
    fields       text[] NOT NULL,
    PRIMARY KEY (operation_id, line_no)
);

CREATE TABLE bazaar.operation_errors (
    operation_id uuid NOT NULL REFERENCES bazaar.operations (id),
    line_no      int NOT NULL,
    reason       text NOT NULL,
    PRIMARY KEY (operation_id, line_no)
);

GRANT SELECT, INSERT, UPDATE ON bazaar.operations TO bazaar_app;
GRANT SELECT, INSERT, DELETE ON bazaar.import_rows TO bazaar_app;
GRANT SELECT, INSERT ON bazaar.operation_errors TO bazaar_app;
