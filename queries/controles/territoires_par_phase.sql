-- Contrôle : chaque phase compte le nombre de territoires publié (controles_attendus.csv, clé territoires).
-- params: none
-- columns: phase, attendu, trouve
with comptes as (
    select phase, count(*) as trouve from territoire group by phase
)

select a.phase, a.valeur as attendu, coalesce(c.trouve, 0) as trouve
from controle_attendu as a
left join comptes as c on c.phase = a.phase
where a.cle = 'territoires' and coalesce(c.trouve, 0) <> a.valeur
