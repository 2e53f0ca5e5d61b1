-- Every column of the main schema's tables: one row per column, with type and nullability.
SELECT table_name, column_name, data_type, is_nullable
FROM duckdb_columns()
WHERE database_name = current_database() AND schema_name = 'main'
ORDER BY table_name, column_index;
