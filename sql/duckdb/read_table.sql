-- One table, or the rows of a range of sales days of a fact table, in primary key order (by day
-- first when `with_day` adds the sales day as a last column).
SELECT {% for column in columns %}t.{{ column }}{{ ", " if not loop.last }}{% endfor %}
{%- if with_day %}, {{ 't' if day_filter == 'invoice' else 'n' }}.DATA_VENDA AS sales_day{% endif %}
FROM {{ table }} AS t
{%- if day_filter == 'invoice' %}
WHERE t.DATA_VENDA BETWEEN $first AND $last
{%- elif day_filter == 'item' %}
JOIN notas_fiscais AS n ON n.NUMERO = t.NUMERO
WHERE n.DATA_VENDA BETWEEN $first AND $last
{%- endif %}
ORDER BY {% if with_day %}sales_day, {% endif %}
{%- for key in primary_key %}t.{{ key }}{{ ", " if not loop.last }}{% endfor %};
