-- Identity: users, their roles and store assignments, refresh tokens; the store-scoped write path.
-- Applied by the Identity migration.

CREATE TABLE bazaar.users (
    id            uuid PRIMARY KEY,
    email         text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    password_hash text NOT NULL,
    display_name  text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
    is_active     boolean NOT NULL DEFAULT true,
    failed_logins int NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    locked_until  timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX ux_users_email ON bazaar.users (lower(email));
CREATE TRIGGER trg_users_updated_at BEFORE UPDATE ON bazaar.users
    FOR EACH ROW EXECUTE FUNCTION bazaar.touch_updated_at();

CREATE TABLE bazaar.user_roles (
    user_id uuid NOT NULL REFERENCES bazaar.users (id) ON DELETE CASCADE,
    role    text NOT NULL CHECK (role IN ('ADMIN', 'STORE_MANAGER', 'STAFF')),
    PRIMARY KEY (user_id, role)
);

CREATE TABLE bazaar.user_stores (
    user_id  uuid NOT NULL REFERENCES bazaar.users (id) ON DELETE CASCADE,
    store_id uuid NOT NULL REFERENCES bazaar.stores (id),
    PRIMARY KEY (user_id, store_id)
);
CREATE INDEX ix_user_stores_store ON bazaar.user_stores (store_id);

-- Only a hash of each refresh token is kept. Every refresh replaces the token with a new one of the
-- same family; presenting a replaced (or revoked) token again revokes the whole family.
CREATE TABLE bazaar.refresh_tokens (
    id          uuid PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES bazaar.users (id) ON DELETE CASCADE,
    family_id   uuid NOT NULL,
    token_hash  text NOT NULL,
    expires_at  timestamptz NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz,
    replaced_by uuid REFERENCES bazaar.refresh_tokens (id)
);
CREATE UNIQUE INDEX ux_refresh_tokens_hash ON bazaar.refresh_tokens (token_hash);
CREATE INDEX ix_refresh_tokens_family ON bazaar.refresh_tokens (family_id);
CREATE INDEX ix_refresh_tokens_user ON bazaar.refresh_tokens (user_id);

-- The write path as a caller sees it: p_stores (NULL = every store) are the stores the caller may
-- write to. A line for any other store is refused exactly like an unknown store (BZ003 → 404), so
-- nobody learns that a store they are not assigned exists. Still one statement, one round trip.
CREATE FUNCTION bazaar.record_movements_scoped(
    p_lines jsonb,
    p_batch_id uuid,
    p_actor_id uuid,
    p_idempotency_key text,
    p_stores uuid[])
RETURNS TABLE (
    line_no int, movement_id bigint, store_id uuid, product_id uuid, sku text, kind text,
    quantity numeric, delta numeric, reason text, reference text, note text,
    occurred_at timestamptz, recorded_at timestamptz, device_id text,
    on_hand numeric, version bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_line int;
    v_store uuid;
BEGIN
    IF p_stores IS NOT NULL THEN
        SELECT l.ord::int, l."storeId" INTO v_line, v_store
        FROM ROWS FROM (jsonb_to_recordset(p_lines) AS ("storeId" uuid)) WITH ORDINALITY AS l("storeId", ord)
        WHERE l."storeId" IS NULL OR NOT (l."storeId" = ANY (p_stores))
        ORDER BY l.ord
        LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'BZ003',
                MESSAGE = jsonb_build_object('line', v_line, 'storeId', v_store)::text;
        END IF;
    END IF;

    RETURN QUERY SELECT * FROM bazaar.record_movements(p_lines, p_batch_id, p_actor_id, p_idempotency_key) r;
END $$;
