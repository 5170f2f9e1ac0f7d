-- estimated is 1 when the provider sent no token counts and the row holds
-- Macroa's estimate (four bytes a token), so budgets never undercount and
-- `macroa usage` can say which figures are estimates.
ALTER TABLE usage ADD COLUMN estimated INTEGER NOT NULL DEFAULT 0;
