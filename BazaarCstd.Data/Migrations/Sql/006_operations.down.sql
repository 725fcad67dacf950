-- Undoes 006_operations.sql: the import functions (their files under Sql/functions/) and the tables.
DROP FUNCTION IF EXISTS bazaar.apply_movement_import_chunk(uuid, int, int, jsonb, jsonb);
DROP FUNCTION IF EXISTS bazaar.apply_product_import_chunk(uuid, int, int, jsonb, jsonb);
DROP FUNCTION IF EXISTS bazaar.upsert_imported_product(jsonb);
DROP FUNCTION IF EXISTS bazaar.finish_import_chunk(uuid, int, int, jsonb);
DROP TABLE bazaar.operation_errors;
DROP TABLE bazaar.import_rows;
DROP TABLE bazaar.operations;
