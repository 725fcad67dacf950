-- Undoes 008_stock_history_freeze.sql (the settings go with their table, its audit trigger with it).
DROP INDEX bazaar.ix_movements_counts;
DROP TABLE bazaar.settings;
