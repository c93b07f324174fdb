-- The rows the DGE list brought, counted once its projects are placed (the source table is written before).
-- params: none
update source set lignes = (select count(*) from projet where import_id like 'dge-%') where cle = 'dge_liste';
