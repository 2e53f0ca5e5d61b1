-- Invoices and invoice items per sales day in a date range: one row per day that has invoices.
SELECT n.DATA_VENDA, n.invoices, COALESCE(i.items, 0) AS items
FROM (
    SELECT DATA_VENDA, COUNT(*) AS invoices
    FROM notas_fiscais
    WHERE DATA_VENDA BETWEEN %(first)s AND %(last)s
    GROUP BY DATA_VENDA
) AS n
LEFT JOIN (
    SELECT nf.DATA_VENDA, COUNT(*) AS items
    FROM itens_notas_fiscais AS it
    JOIN notas_fiscais AS nf ON nf.NUMERO = it.NUMERO
    WHERE nf.DATA_VENDA BETWEEN %(first)s AND %(last)s
    GROUP BY nf.DATA_VENDA
) AS i ON i.DATA_VENDA = n.DATA_VENDA
ORDER BY n.DATA_VENDA;
