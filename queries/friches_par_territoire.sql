-- Fonds friches applications located in each territory of a phase (by the commune of the application), France
-- Relance editions only: applications and laureates; territories without one have no row.
-- params: $phase INTEGER
-- columns: ti_id, candidatures, laureats
select
    tc.ti_id,
    count(*) as candidatures,
    count(*) filter (where f.laureat) as laureats
from friche as f
inner join territoire_commune as tc on tc.commune_code = f.commune_code and tc.phase = $phase
where f.france_relance
group by tc.ti_id
order by tc.ti_id
