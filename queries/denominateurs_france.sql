-- Population and private salaried jobs (URSSAF 2022) inside the territories of a phase and in all of France:
-- France's jobs are the sum over its EPCI (the EPT of the Grand Paris lie inside the Métropole du Grand Paris;
-- Mayotte is outside the URSSAF series).
-- params: $phase INTEGER
-- columns: population_territoires, population_france, emplois_territoires, emplois_france
with territoires as (
    select sum(t.population) as population, sum(i.emplois_salaries_prives) as emplois
    from territoire as t
    left join territoire_industrie as i on i.phase = t.phase and i.ti_id = t.ti_id
    where t.phase = $phase
),

france as (
    select
        (select sum(population) from departement) as population,
        (select sum(emplois_salaries_prives) from epci) as emplois
)

select
    t.population as population_territoires,
    f.population as population_france,
    t.emplois as emplois_territoires,
    f.emplois as emplois_france
from territoires as t
cross join france as f
