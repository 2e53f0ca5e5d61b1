-- Appends the rows of one CSV file written by pyarrow: no header, NULL unquoted, quotes doubled.
-- Backslash is not an escape character there, hence ESCAPED BY ''. bit(1) columns arrive as 0/1
-- text in a user variable, because LOAD DATA would otherwise store the character code.
LOAD DATA LOCAL INFILE %(path)s
INTO TABLE {{ table }}
CHARACTER SET utf8mb4
FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '"' ESCAPED BY ''
LINES TERMINATED BY '\n'
(
{%- for column in columns %}
    {% if column.sql_type == 'bit(1)' %}@{% endif %}{{ column.name }}{{ "," if not loop.last }}
{%- endfor %}
)
{%- set bits = columns | selectattr('sql_type', 'equalto', 'bit(1)') | list %}
{%- if bits %}
SET
{%- for column in bits %}
    {{ column.name }} = CAST(@{{ column.name }} AS UNSIGNED){{ "," if not loop.last }}
{%- endfor %}
{%- endif %};
