-- Every primary and foreign key of the main schema's tables: one row per key.
SELECT table_name, constraint_type, constraint_column_names, referenced_table,
    referenced_column_names
FROM duckdb_constraints()
WHERE database_name = current_database() AND schema_name = 'main'
    AND constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY')
ORDER BY table_name, constraint_index;
