-- The loaded project lists: file, format, import date, rows kept and rejected.
-- params: none
-- columns: import_id, fichier, format, source, importe_le, lignes, rejetees
select import_id, fichier, format, source, importe_le, lignes, rejetees
from projet_import
order by importe_le, import_id
