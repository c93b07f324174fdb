-- How the projects of each source were placed: count per placement method and confidence.
-- params: none
-- columns: source, placement, confiance, projets
select source, placement, confiance, count(*) as projets
from projet
group by source, placement, confiance
order by source, projets desc
