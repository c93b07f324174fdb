-- Population and private salaried jobs (URSSAF 2022, members' EPCI or communes) of every territory of a phase,
-- the denominators of the project rates; jobs are NULL where the source has none (Mayotte, missing members).
-- params: $phase INTEGER
-- columns: ti_id, population, emplois_salaries_prives
select
    t.ti_id,
    t.population,
    case when i.emplois_salaries_prives > 0 then i.emplois_salaries_prives end as emplois_salaries_prives
from territoire as t
left join territoire_industrie as i on i.phase = t.phase and i.ti_id = t.ti_id
where t.phase = $phase
order by t.ti_id
