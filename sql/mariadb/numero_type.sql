-- The declared type of notas_fiscais.NUMERO ('int' or 'bigint'); no row before the schema exists.
SELECT DATA_TYPE
FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'notas_fiscais' AND COLUMN_NAME = 'NUMERO';
