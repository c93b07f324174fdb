-- Every row a loaded list or source left out, with its reason (the build goes on without it).
-- params: none
-- columns: import_id, fichier, ligne, motif
select r.import_id, i.fichier, r.ligne, r.motif
from projet_rejet as r
inner join projet_import as i on i.import_id = r.import_id
order by i.fichier, r.ligne
