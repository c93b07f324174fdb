-- Contrôle : chaque territoire a des communes, et sa population est la somme de celles de ses communes.
-- params: none
-- columns: phase, ti_id, population, somme_communes, nb_communes
with communes as (
    select tc.phase, tc.ti_id, sum(c.population) as somme_communes, count(*) as nb_communes
    from territoire_commune as tc
    inner join commune as c on c.code = tc.commune_code
    group by tc.phase, tc.ti_id
)

select t.phase, t.ti_id, t.population, s.somme_communes, coalesce(s.nb_communes, 0) as nb_communes
from territoire as t
left join communes as s on s.phase = t.phase and s.ti_id = t.ti_id
where t.population <= 0 or s.nb_communes is null or s.somme_communes <> t.population
    or t.nb_communes <> s.nb_communes
