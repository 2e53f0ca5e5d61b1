-- Removes one sales day: its invoice items (found through their invoice), then its invoices.
DELETE FROM itens_notas_fiscais
WHERE NUMERO IN (SELECT NUMERO FROM notas_fiscais WHERE DATA_VENDA = $day);

DELETE FROM notas_fiscais WHERE DATA_VENDA = $day;
