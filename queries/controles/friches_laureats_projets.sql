-- Contrôle : chaque lauréat France Relance du Fonds friches qui a une commune est un projet (mesure « Fonds friches »).
-- params: none
-- columns: num_dossier, edition, commune_code
select f.num_dossier, f.edition, f.commune_code
from friche as f
left join projet as p on p.projet_id = 'friche-' || f.num_dossier
where f.france_relance and f.laureat and f.commune_code is not null and p.projet_id is null
