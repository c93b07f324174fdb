-- How the projects of one import were placed: count per confidence, and how many fall in a phase-2 territory.
-- params: $import_id VARCHAR
-- columns: confiance, projets, dans_territoire
select p.confiance, count(*) as projets, count(t.ti_id) as dans_territoire
from projet as p
left join projet_territoire as t on t.projet_id = p.projet_id and t.phase = 2
where p.import_id = $import_id
group by p.confiance
order by p.confiance
