-- One table, or the rows of a range of sales days of a fact table, in primary key order (by day
-- first when `with_day` adds the sales day as a last column). FLOAT is read as DOUBLE because its
-- text form is cut to 6 digits, which does not round-trip a float32.
SELECT
{%- for column in columns %}
    {% if column.sql_type == 'float' -%}
        CAST(t.{{ column.name }} AS DOUBLE)
    {%- elif column.sql_type == 'bit(1)' -%}
        CAST(t.{{ column.name }} AS UNSIGNED)
    {%- else -%}
        t.{{ column.name }}
    {%- endif %} AS {{ column.name }}{{ "," if not loop.last or with_day }}
{%- endfor %}
{%- if with_day %}
    {{ 't' if day_filter == 'invoice' else 'n' }}.DATA_VENDA AS sales_day
{%- endif %}
FROM {{ table }} AS t
{%- if day_filter == 'invoice' %}
WHERE t.DATA_VENDA BETWEEN %(first)s AND %(last)s
{%- elif day_filter == 'item' %}
JOIN notas_fiscais AS n ON n.NUMERO = t.NUMERO
WHERE n.DATA_VENDA BETWEEN %(first)s AND %(last)s
{%- endif %}
ORDER BY {% if with_day %}sales_day, {% endif %}
{%- for key in primary_key %}t.{{ key }}{{ ", " if not loop.last }}{% endfor %};
