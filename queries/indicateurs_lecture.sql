-- How every Baromètre indicator is read: its nature (running total, stock, annual value, campaign counter), the
-- date read by default and why (the reviewed table relance/reference/indicateurs_lecture.csv).
-- params: none
-- columns: id_indicateur, libelle_court, priorite_libelle, nature, date_lecture, raison_lecture
select i.id_indicateur, i.libelle_court, p.libelle as priorite_libelle, i.nature, i.date_lecture, i.raison_lecture
from indicateur as i
inner join priorite as p on p.priorite = i.priorite
order by not p.programme, i.priorite, i.id_indicateur
