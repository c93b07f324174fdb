-- Contrôle : chaque lien projet → territoire désigne un projet et un territoire de la phase qui existent.
-- params: none
-- columns: projet_id, phase, ti_id
select pt.projet_id, pt.phase, pt.ti_id
from projet_territoire as pt
left join projet as p on p.projet_id = pt.projet_id
left join territoire as t on t.phase = pt.phase and t.ti_id = pt.ti_id
where p.projet_id is null or t.ti_id is null
