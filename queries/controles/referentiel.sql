-- Contrôle : régions, départements et EPCI au nombre attendu (controles_attendus.csv).
-- params: none
-- columns: cle, attendu, trouve
with comptes as (
    select 'regions' as cle, count(*) as trouve from region
    union all
    select 'departements', count(*) from departement
    union all
    select 'epci', count(*) from epci
)

select a.cle, a.valeur as attendu, c.trouve
from controle_attendu as a
inner join comptes as c on c.cle = a.cle
where c.trouve <> a.valeur
