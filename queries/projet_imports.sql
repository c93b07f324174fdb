-- The loaded project lists: file, format, the reading it feeds (dge and friches: the lists of the raw data; equipe:
-- every list the staff imported), import date, rows kept and rejected, content hash.
-- params: none
-- columns: import_id, fichier, format, lecture, source, importe_le, lignes, rejetees, sha256
select import_id, fichier, format, lecture, source, importe_le, lignes, rejetees, sha256
from projet_import
order by importe_le, import_id
