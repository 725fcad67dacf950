-- Row trigger: stamps updated_at on every UPDATE of products, stores and users.
CREATE OR REPLACE FUNCTION bazaar.touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END $$;
