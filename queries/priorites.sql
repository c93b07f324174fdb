-- The priorities of the programme as reviewed (relance/reference/priorites.csv): label, description, whether it
-- is one of the programme's priorities offered as a filter, and how charts draw it (colour, pattern, symbol).
-- params: none
-- columns: priorite, libelle, description, programme, couleur, motif, symbole
select priorite, libelle, description, programme, couleur, motif, symbole
from priorite
order by not programme, rowid
