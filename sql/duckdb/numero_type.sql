-- The declared type of notas_fiscais.NUMERO; no row before the schema exists.
SELECT data_type
FROM duckdb_columns()
WHERE database_name = current_database() AND schema_name = 'main'
    AND table_name = 'notas_fiscais' AND column_name = 'NUMERO';
