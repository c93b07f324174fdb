-- The reviewed mapping of every Baromètre indicator to a programme priority, with its justification.
-- params: none
-- columns: priorite, priorite_libelle, id_indicateur, mesure, libelle, libelle_court, unite, justification
select
    i.priorite,
    p.libelle as priorite_libelle,
    i.id_indicateur,
    i.mesure,
    i.libelle,
    i.libelle_court,
    i.unite,
    i.justification
from indicateur as i
inner join priorite as p on p.priorite = i.priorite
order by not p.programme, i.priorite, i.id_indicateur
