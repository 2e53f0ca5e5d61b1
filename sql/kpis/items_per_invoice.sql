-- description: How many invoices have each number of items, with their share of all invoices.
SELECT
    ITENS AS items,
    count(*) AS invoices,
    round(count(*) / sum(count(*)) OVER (), 4) AS share
FROM {{ silver('notas_fiscais') }}
GROUP BY items
ORDER BY items
