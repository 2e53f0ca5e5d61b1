-- Makes a dimension table equal to its staged rows: drops missing keys, then inserts or updates.
DELETE FROM {{ table }}
WHERE {{ key }} NOT IN (SELECT {{ key }} FROM {{ stage }});

INSERT INTO {{ table }} ({{ columns | join(', ') }})
SELECT {{ columns | join(', ') }}
FROM {{ stage }}
ON CONFLICT ({{ key }}) DO UPDATE SET
{%- for column in columns if column != key %}
    {{ column }} = excluded.{{ column }}{{ "," if not loop.last }}
{%- endfor %};
