-- Forget the projects of one imported list (a new database version is made from a copy of the current one).
-- params: $import_id VARCHAR
delete from projet_laureat where projet_id in (select projet_id from projet where import_id = $import_id);
delete from projet_territoire where projet_id in (select projet_id from projet where import_id = $import_id);
delete from projet where import_id = $import_id;
delete from projet_rejet where import_id = $import_id;
delete from projet_import where import_id = $import_id;
